import { startTurboSmsMock, type RunningTurboSmsMock } from './index';
import { send, smsBody, status, TOKEN } from './turbo-http.fixture';

/**
 * 507 FAILED_DUPLICATE_REQUEST is what makes a client's retry safe: an identical send within the
 * window creates nothing and returns the first answer's response_result.
 */
describe('TurboSMS mock: duplicate-request protection (507)', () => {
  let now = Date.UTC(2024, 0, 7, 15, 0, 0);
  let sms: RunningTurboSmsMock;
  beforeAll(async () => {
    sms = await startTurboSmsMock({ tokens: [TOKEN, 'other-token'], clock: () => now });
  });
  afterAll(() => sms.close());
  afterEach(() => sms.admin.reset());

  const body = () => smsBody(['380501234567', '380671234567']);

  it('answers an identical send 507 with the same response_result and creates nothing new', async () => {
    const first = await send(sms.url, body());
    expect(first.body.response_code).toBe(800);
    const balance = sms.account.balance();
    for (let i = 0; i < 3; i++) {
      const again = await send(sms.url, body());
      expect(again.http).toBe(200);
      expect(again.body.response_code).toBe(507);
      expect(again.body.response_status).toBe('FAILED_DUPLICATE_REQUEST');
      expect(again.body.response_result).toEqual(first.body.response_result);
      expect(JSON.stringify(again.body.response_result)).toBe(JSON.stringify(first.body.response_result));
    }
    expect(sms.messages.list()).toHaveLength(2);
    expect(sms.account.balance()).toBe(balance);
    expect(sms.account.stats()).toEqual({ sendRequests: 4, recipients: 2, duplicates: 3, messages: 2 });
    const ids = first.body.response_result!.map((e) => e.message_id);
    expect((await status(sms.url, ids)).body.response_result!.every((e) => e.response_code === 0)).toBe(true);
  });

  it('replays partial results too (per-recipient errors included)', async () => {
    sms.recipients.set('380671234567', 'stoplist');
    const first = await send(sms.url, body());
    expect(first.body.response_code).toBe(802);
    sms.recipients.set('380671234567', 'delivered');
    const again = await send(sms.url, body());
    expect(again.body.response_code).toBe(507);
    expect(again.body.response_result).toEqual(first.body.response_result);
    expect(sms.messages.list()).toHaveLength(1);
  });

  it('sees through key order, whitespace and where the token travels', async () => {
    const first = await send(sms.url, '{"recipients":["380501234567"],"sms":{"sender":"CityInfo","text":"Тест"}}');
    const reordered = await send(sms.url, '{ "sms" : { "text":"Тест", "sender":"CityInfo" },\n "recipients" : [ "380501234567" ] }');
    expect(reordered.body.response_code).toBe(507);
    const bodyToken = await send(sms.url, { token: TOKEN, recipients: ['380501234567'], sms: { sender: 'CityInfo', text: 'Тест' } }, { token: null });
    expect(bodyToken.body.response_code).toBe(507);
    expect(reordered.body.response_result).toEqual(first.body.response_result);
    expect(sms.messages.list()).toHaveLength(1);
  });

  it('anything different is a new request: text, recipients, recipient order, sender, start_time, token', async () => {
    await send(sms.url, body());
    const variants: [unknown, string?][] = [
      [smsBody(['380501234567', '380671234567'], 'Інший текст')],
      [smsBody(['380501234567'])],
      [smsBody(['380671234567', '380501234567'])],
      [smsBody(['380501234567', '380671234567'], 'Ваше звернення зареєстровано', 'Cabinet')],
      [{ ...body(), start_time: '2024-01-07 18:00' }],
      [body(), 'other-token'],
    ];
    for (const [b, token] of variants) expect((await send(sms.url, b, { token })).body.response_code).toBe(800);
    expect(sms.account.stats().duplicates).toBe(0);
  });

  it('forgets a request after duplicateWindowMs (default 10 minutes) from the first one', async () => {
    const first = await send(sms.url, body());
    now += 599_999;
    expect((await send(sms.url, body())).body.response_code).toBe(507);
    now += 1;
    const later = await send(sms.url, body());
    expect(later.body.response_code).toBe(800);
    expect(later.body.response_result![0].message_id).not.toBe(first.body.response_result![0].message_id);
    expect(sms.messages.list()).toHaveLength(4);
    now += 1000;
    expect((await send(sms.url, body())).body.response_result).toEqual(later.body.response_result);
  });

  it('does not remember refused requests: a retry after topping up executes', async () => {
    sms.account.setBalance(1);
    expect((await send(sms.url, body())).body.response_code).toBe(203);
    sms.account.setBalance(10);
    expect((await send(sms.url, body())).body.response_code).toBe(800);
  });

  it('makes a retry after a lost answer safe (timeout after processing, then retry → 507)', async () => {
    sms.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1, match: { type: 'send' } });
    // The client never gets an answer; the connection is dropped when the fault is cleared.
    const lost = send(sms.url, body()).then(
      () => 'answered',
      () => 'connection lost',
    );
    await sms.admin.waitForRequest((r) => r.type === 'send', { timeoutMs: 2000 });
    expect(sms.messages.list()).toHaveLength(2);
    const created = sms.messages.list().map((m) => m.message_id);
    sms.admin.clearFaults();
    const retry = await send(sms.url, body());
    expect(retry.body.response_code).toBe(507);
    expect(retry.body.response_result!.map((e) => e.message_id)).toEqual(created);
    expect(sms.messages.list()).toHaveLength(2);
    expect(await lost).toBe('connection lost');
  });

  it('the malformed fault processes the request: the retry gets 507 with the ids the client never read', async () => {
    sms.admin.fault({ fault: 'malformed', count: 1 });
    const cut = await send(sms.url, body());
    expect(cut.body.response_status).toBe('UNPARSEABLE');
    const retry = await send(sms.url, body());
    expect(retry.body.response_code).toBe(507);
    expect(retry.body.response_result!.map((e) => e.message_id)).toEqual(sms.messages.list().map((m) => m.message_id));
  });

  it('reset forgets remembered requests', async () => {
    await send(sms.url, body());
    sms.admin.reset();
    expect((await send(sms.url, body())).body.response_code).toBe(800);
  });
});

describe('TurboSMS mock: duplicateWindowMs 0', () => {
  it('turns the protection off', async () => {
    const sms = await startTurboSmsMock({ duplicateWindowMs: 0 });
    try {
      for (let i = 0; i < 2; i++) expect((await send(sms.url, smsBody(['380501234567']))).body.response_code).toBe(800);
      expect(sms.messages.list()).toHaveLength(2);
    } finally {
      await sms.close();
    }
  });
});
