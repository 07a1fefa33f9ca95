import { startTurboSmsMock, type RunningTurboSmsMock } from './index';
import { call, send, smsBody, status, TOKEN } from './turbo-http.fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KYIV = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('TurboSMS mock: API over HTTP', () => {
  let sms: RunningTurboSmsMock;
  beforeAll(async () => {
    sms = await startTurboSmsMock({ tokens: [TOKEN, 'second-token'], autoProgress: { deliveredAfterMs: 30, readAfterMs: 60 } });
  });
  afterAll(() => sms.close());
  afterEach(() => sms.admin.reset());

  describe('auth', () => {
    it('missing token → 103 REQUIRED_TOKEN, unknown → 105 REQUIRED_AUTH, both HTTP 200', async () => {
      const none = await send(sms.url, smsBody(['380501234567']), { token: null });
      expect(none.http).toBe(200);
      expect(none.body).toEqual({ response_code: 103, response_status: 'REQUIRED_TOKEN', response_result: null });
      const wrong = await send(sms.url, smsBody(['380501234567']), { token: 'nope' });
      expect(wrong.body).toEqual({ response_code: 105, response_status: 'REQUIRED_AUTH', response_result: null });
      const basic = await send(sms.url, smsBody(['380501234567']), { token: null, headers: { authorization: 'Basic eDp5' } });
      expect(basic.body.response_code).toBe(103);
      expect(sms.messages.list()).toHaveLength(0);
    });

    it('accepts the token in the JSON body; a non-string body token is 301 INVALID_TOKEN', async () => {
      const ok = await send(sms.url, { ...smsBody(['380501234567']), token: 'second-token' }, { token: null });
      expect(ok.body.response_code).toBe(800);
      const bad = await send(sms.url, { ...smsBody(['380501234567']), token: 42 }, { token: null });
      expect(bad.body.response_code).toBe(301);
    });

    it('checks balance.json and status.json too', async () => {
      expect((await call(sms.url, '/user/balance.json', undefined, { token: null })).body.response_code).toBe(103);
      expect((await status(sms.url, ['x'], { token: 'nope' })).body.response_code).toBe(105);
    });
  });

  describe('send', () => {
    it('accepts an SMS: 800 SUCCESS_MESSAGE_ACCEPTED with one OK entry and a uuid per recipient', async () => {
      const r = await send(sms.url, smsBody(['380501234567', 380671234567]));
      expect(r.http).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(r.body.response_code).toBe(800);
      expect(r.body.response_status).toBe('SUCCESS_MESSAGE_ACCEPTED');
      const entries = r.body.response_result!;
      expect(entries.map((e) => [e.phone, e.response_code, e.response_status])).toEqual([
        ['380501234567', 0, 'OK'],
        ['380671234567', 0, 'OK'],
      ]);
      expect(Object.keys(entries[0])).toEqual(['phone', 'response_code', 'message_id', 'response_status']);
      for (const e of entries) expect(e.message_id).toMatch(UUID);
      expect(new Set(entries.map((e) => e.message_id)).size).toBe(2);
      const [m] = sms.messages.list({ phone: '380501234567' });
      expect(m).toMatchObject({ type: 'sms', sender: 'CityInfo', text: 'Ваше звернення зареєстровано', status: 'Sent', segments: 1 });
    });

    it('answers 802 when some recipients fail: stop-list 404, bad format 305, foreign 406, repeated 407', async () => {
      sms.recipients.set('380931112233', 'stoplist');
      const r = await send(sms.url, smsBody(['380501234567', '380931112233', '+380501234568', '48501234567', '380501234567']));
      expect(r.body.response_code).toBe(802);
      expect(r.body.response_status).toBe('SUCCESS_MESSAGE_PARTIAL_ACCEPTED');
      const e = r.body.response_result!;
      expect(e[0]).toMatchObject({ phone: '380501234567', response_code: 0, response_status: 'OK' });
      expect(e[1]).toEqual({ phone: '380931112233', response_code: 404, message_id: null, response_status: 'NOT_ALLOWED_NUMBER_STOPLIST' });
      expect(e[2]).toEqual({ phone: '+380501234568', response_code: 305, message_id: null, response_status: 'INVALID_PHONE' });
      expect(e[3]).toEqual({ phone: '48501234567', response_code: 406, message_id: null, response_status: 'NOT_ALLOWED_RECIPIENT_COUNTRY' });
      expect(e[4]).toEqual({ phone: '380501234567', response_code: 407, message_id: null, response_status: 'NOT_ALLOWED_RECIPIENT_DUPLICATE' });
      expect(sms.messages.list()).toHaveLength(1);
      expect(sms.messages.list({ phone: '380931112233' })).toHaveLength(0);
    });

    it('answers 802 without message ids when every recipient is refused individually', async () => {
      sms.recipients.set('380931112233', 'stoplist');
      const r = await send(sms.url, smsBody(['380931112233', '0501234567']));
      expect(r.body.response_code).toBe(802);
      expect(r.body.response_result!.map((e) => [e.response_code, e.message_id])).toEqual([
        [404, null],
        [305, null],
      ]);
      expect(sms.account.balance()).toBe(100_000);
    });

    it('the Authorization header wins over a body token', async () => {
      const r = await send(sms.url, { ...smsBody(['380501234567']), token: 'nope' });
      expect(r.body.response_code).toBe(800);
      const h = await send(sms.url, { ...smsBody(['380501234567'], 'x'), token: TOKEN }, { token: 'nope' });
      expect(h.body.response_code).toBe(105);
    });

    it('refuses whole requests with one code and creates nothing', async () => {
      const cases: [unknown, number][] = [
        [smsBody(['380501234567'], '', 'CityInfo'), 201],
        [smsBody(['380501234567'], 'x', 'Unknown'), 400],
        [{ recipients: Array.from({ length: 5001 }, () => '380501234567'), sms: { sender: 'CityInfo', text: 'x' } }, 405],
        [{ recipients: ['380501234567'], sms: { sender: 'CityInfo', text: 5 } }, 304],
        [{ recipients: { 0: '380501234567' }, sms: { sender: 'CityInfo', text: 'x' } }, 300],
      ];
      for (const [body, expected] of cases) {
        const r = await send(sms.url, body);
        expect([r.http, r.body.response_code, r.body.response_result]).toEqual([200, expected, null]);
      }
      expect(sms.messages.list()).toHaveLength(0);
      expect(sms.account.balance()).toBe(100_000);
    });

    it('hostile bodies get envelope errors, never a crash', async () => {
      const bodies: [string, number][] = [
        ['{"recipients":["380501234567"],"sms":{', 502],
        ['not json at all', 502],
        ['', 104],
        ['null', 300],
        ['"text"', 300],
        ['{"__proto__":{"polluted":true},"recipients":["380501234567"],"sms":{"sender":"CityInfo","text":"x"}}', 300],
        ['{"recipients":["380501234567"],"sms":{"sender":"CityInfo","text":"x","constructor":{"prototype":{"p":1}}}}', 300],
        ['{"recipients":[["380501234567"]],"sms":{"sender":"CityInfo","text":"x"}}', 802],
        ['[' + '['.repeat(5000) + ']'.repeat(5000) + ']', 300],
      ];
      for (const [text, expected] of bodies) {
        const r = await send(sms.url, text);
        expect([text.slice(0, 30), r.http, r.body.response_code]).toEqual([text.slice(0, 30), 200, expected]);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect((await call(sms.url, '/user/balance.json')).body.response_code).toBe(0);
    });

    it('charges 1 per SMS segment and refuses with 203 REQUIRED_BALANCE when the balance runs out', async () => {
      sms.account.setBalance(5);
      const twoSegments = 'Ї'.repeat(71);
      const r1 = await send(sms.url, smsBody(['380501234567', '380501234568'], twoSegments));
      expect(r1.body.response_code).toBe(800);
      expect(sms.account.balance()).toBe(1);
      expect(sms.messages.list()[0]).toMatchObject({ segments: 2, cost: 2 });
      const r2 = await send(sms.url, smsBody(['380501234569'], twoSegments));
      expect(r2.body).toEqual({ response_code: 203, response_status: 'REQUIRED_BALANCE', response_result: null });
      expect(sms.messages.list()).toHaveLength(2);
      const bal = await call<{ balance: number }>(sms.url, '/user/balance.json');
      expect(bal.body).toEqual({ response_code: 0, response_status: 'OK', response_result: { balance: 1 } });
    });

    it('hybrid: Viber first, SMS for recipients without Viber', async () => {
      sms.recipients.set('380671111111', 'no-viber');
      const r = await send(sms.url, {
        recipients: ['380501234567', '380671111111'],
        viber: { sender: 'Cabinet', text: 'Viber текст', caption: 'Відкрити', action: 'https://cabinet.example/a/1', ttl: 3600 },
        sms: { sender: 'CityInfo', text: 'SMS текст' },
      });
      expect(r.body.response_code).toBe(800);
      const [v] = sms.messages.list({ phone: '380501234567' });
      const [s] = sms.messages.list({ phone: '380671111111' });
      expect(v).toMatchObject({ type: 'viber', sender: 'Cabinet', text: 'Viber текст', hybrid: true, cost: 1 });
      expect(v.viber).toEqual({ caption: 'Відкрити', action: 'https://cabinet.example/a/1', imageUrl: null, ttl: 3600 });
      expect(s).toMatchObject({ type: 'sms', sender: 'CityInfo', text: 'SMS текст', hybrid: true, viber: null });
      const st = await status(sms.url, [v.message_id, s.message_id]);
      expect(st.body.response_result!.map((e) => e.type)).toEqual(['viber', 'sms']);
    });
  });

  describe('status', () => {
    it('reports the documented entry shape; unknown ids 414, malformed ids 307', async () => {
      const sent = await send(sms.url, smsBody(['380501234567']));
      const id = sent.body.response_result![0].message_id!;
      const r = await status(sms.url, [id, '00000000-0000-4000-8000-000000000000', 'garbage', 7]);
      expect(r.body.response_code).toBe(0);
      expect(r.body.response_status).toBe('OK');
      const [ok, unknown, bad, num] = r.body.response_result!;
      expect(Object.keys(ok)).toEqual(['message_id', 'response_code', 'response_status', 'recipient', 'sent', 'updated', 'status', 'type', 'rejected_status', 'click_time']);
      expect(ok).toMatchObject({ message_id: id, response_code: 0, response_status: 'OK', recipient: '380501234567', status: 'Sent', type: 'sms', rejected_status: null, click_time: null });
      expect(ok.sent).toMatch(KYIV);
      expect(ok.updated).toMatch(KYIV);
      expect(unknown).toEqual({ message_id: '00000000-0000-4000-8000-000000000000', response_code: 414, response_status: 'NOT_ALLOWED_MESSAGE_ID' });
      expect(bad).toEqual({ message_id: 'garbage', response_code: 307, response_status: 'INVALID_MESSAGE_ID' });
      expect(num).toEqual({ message_id: 7, response_code: 307, response_status: 'INVALID_MESSAGE_ID' });
    });

    it('a future start_time keeps the message Queued with sent null', async () => {
      const r = await send(sms.url, { ...smsBody(['380501234567']), start_time: '2099-01-01 10:00' });
      const id = r.body.response_result![0].message_id!;
      const [e] = (await status(sms.url, [id])).body.response_result!;
      expect(e).toMatchObject({ status: 'Queued', sent: null });
    });

    it('needs a non-empty messages array', async () => {
      expect((await call(sms.url, '/message/status.json', {})).body.response_code).toBe(300);
      expect((await call(sms.url, '/message/status.json', { messages: [] })).body.response_code).toBe(300);
      expect((await call(sms.url, '/message/status.json')).body.response_code).toBe(104);
    });
  });

  describe('transport and faults', () => {
    it('unknown paths are HTTP 404 and other methods 405, both with an envelope', async () => {
      const nf = await call(sms.url, '/message/other.json', {});
      expect([nf.http, nf.body.response_code]).toEqual([404, 300]);
      const get = await call(sms.url, '/user/balance.json', undefined, { method: 'GET' });
      expect([get.http, get.body.response_code, get.headers.get('allow')]).toEqual([405, 300, 'POST']);
    });

    it('renders an injected http-error as that status with a 999 FATAL_ERROR envelope', async () => {
      sms.admin.fault({ fault: 'http-error', status: 503, count: 1, match: { type: 'send' } });
      const r = await send(sms.url, smsBody(['380501234567']));
      expect(r.http).toBe(503);
      expect(r.body).toEqual({ response_code: 999, response_status: 'FATAL_ERROR', response_result: null });
      expect(sms.messages.list()).toHaveLength(0);
      expect((await send(sms.url, smsBody(['380501234567']))).body.response_code).toBe(800);
    });

    it('rate-limit gives 429 with Retry-After; bodies over the cap 413; requests are classified', async () => {
      sms.admin.fault({ fault: 'rate-limit', retryAfterSeconds: 3, count: 1 });
      const r = await send(sms.url, smsBody(['380501234567']));
      expect([r.http, r.headers.get('retry-after'), r.body.response_code]).toEqual([429, '3', 999]);
      const big = await send(sms.url, smsBody(['380501234567'], 'x'.repeat(1024 * 1024 + 10)));
      expect([big.http, big.body.response_code]).toEqual([413, 999]);
      await call(sms.url, '/user/balance.json');
      expect(sms.admin.requests().map((q) => q.type)).toEqual(['send', null, 'balance']);
    });
  });
});

describe('TurboSMS mock: status progression on a controlled clock', () => {
  let now = Date.UTC(2024, 0, 7, 15, 0, 0);
  let sms: RunningTurboSmsMock;
  beforeAll(async () => {
    sms = await startTurboSmsMock({ clock: () => now, autoProgress: { deliveredAfterMs: 1000, readAfterMs: 5000 } });
  });
  afterAll(() => sms.close());

  it('moves messages on by recipient behaviour: Delivered, Read (Viber), Undelivered, Rejected, Expired, silent', async () => {
    sms.recipients.set('380500000002', 'undelivered');
    sms.recipients.set('380500000003', 'rejected');
    sms.recipients.set('380500000004', 'expired');
    sms.recipients.set('380500000005', 'silent');
    sms.recipients.set('380500000006', 'no-viber');
    const list = ['380500000001', '380500000002', '380500000003', '380500000004', '380500000005'];
    const s = await send(sms.url, smsBody(list));
    const v = await send(sms.url, { recipients: ['380500000001', '380500000006'], viber: { sender: 'Cabinet', text: 'hi' } });
    const ids = [...s.body.response_result!, ...v.body.response_result!].map((e) => e.message_id!);
    const statuses = async () => (await status(sms.url, ids)).body.response_result!.map((e) => [e.status, e.updated]);

    expect(await statuses()).toEqual(Array(7).fill(['Sent', '2024-01-07 17:00:00']));
    now += 1000;
    const at1 = '2024-01-07 17:00:01';
    const t0 = '2024-01-07 17:00:00';
    expect(await statuses()).toEqual([
      ['Delivered', at1],
      ['Undelivered', at1],
      ['Rejected', at1],
      ['Expired', at1],
      ['Sent', t0],
      ['Delivered', at1],
      ['Undelivered', at1],
    ]);
    now += 4000;
    expect((await statuses())[5]).toEqual(['Read', '2024-01-07 17:00:05']);
    const [first] = (await status(sms.url, [ids[0]])).body.response_result!;
    expect(first.sent).toBe(t0);
  });

  it('an operator status freezes a message; auto-progress off keeps new messages Sent', async () => {
    const r = await send(sms.url, smsBody(['380509999999']));
    const id = r.body.response_result![0].message_id!;
    sms.messages.setStatus(id, 'Failed');
    now += 10_000;
    expect((await status(sms.url, [id])).body.response_result![0].status).toBe('Failed');
    sms.account.setAutoProgress({ enabled: false });
    const r2 = await send(sms.url, smsBody(['380509999998']));
    now += 60_000;
    expect((await status(sms.url, [r2.body.response_result![0].message_id])).body.response_result![0].status).toBe('Sent');
  });
});
