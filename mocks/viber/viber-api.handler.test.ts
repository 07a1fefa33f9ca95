import { parse as losslessParse } from 'lossless-json';
import { DEFAULT_ACCOUNT, startViberMock, type RunningViberMock } from './index';
import { callApi, rawToken, startReceiver, textMessage, type WebhookReceiver } from './viber-test.fixture';

const TOKEN = DEFAULT_ACCOUNT.authToken;

describe('Viber mock: REST API', () => {
  let viber: RunningViberMock;
  let hook: WebhookReceiver;
  const api = (method: string, body: unknown, token: string | null = TOKEN) => callApi(viber.url, method, body, { token });

  beforeAll(async () => {
    hook = await startReceiver();
    viber = await startViberMock({ autoProgress: { enabled: false } });
  });
  afterAll(async () => {
    await viber.close();
    await hook.close();
  });
  beforeEach(async () => {
    viber.admin.reset();
    viber.settings.set({ autoProgress: { enabled: false } });
    expect((await api('set_webhook', { url: hook.url })).json.status).toBe(0);
  });

  describe('transport and auth', () => {
    it('serves POST /pa/<method>; url is baseUrl + /pa', async () => {
      expect(viber.url).toBe(`${viber.baseUrl}/pa`);
      const r = await api('get_account_info', {});
      expect(r.httpStatus).toBe(200);
      expect(r.json).toMatchObject({ status: 0, status_message: 'ok', name: 'Cabinet Demo', webhook: hook.url, chat_hostname: 'SN-CHAT-05_' });
      expect(r.json.id).toMatch(/^pa:\d{19}$/);
    });

    it('accepts the token in the body as auth_token (the node SDK sends both)', async () => {
      const r = await api('get_account_info', { auth_token: TOKEN }, null);
      expect(r.json.status).toBe(0);
    });

    it('answers a missing or wrong token with HTTP 200 and status 2 invalidAuthToken', async () => {
      for (const r of [await api('get_account_info', {}, null), await api('send_message', {}, 'wrong-token-1234'), await api('set_webhook', { auth_token: 42 }, null)]) {
        expect(r.httpStatus).toBe(200);
        expect(r.json).toEqual({ status: 2, status_message: 'invalidAuthToken' });
      }
    });

    it('answers unknown paths 404 and other HTTP methods 405, as a front proxy would', async () => {
      expect((await callApi(viber.url, 'send_messages', {}, { token: TOKEN })).httpStatus).toBe(404);
      // Not modelled (no adapter calls them): as unknown as a misspelt method.
      for (const m of ['broadcast_message', 'get_user_details', 'get_online']) expect((await callApi(viber.url, m, {}, { token: TOKEN })).httpStatus).toBe(404);
      expect((await callApi(viber.url, 'send_message', {}, { token: TOKEN, httpMethod: 'GET' })).httpStatus).toBe(405);
    });

    it('records each call with its method as type', async () => {
      await api('get_account_info', {});
      const rec = viber.admin.requests().at(-1)!;
      expect(rec.type).toBe('get_account_info');
      expect(rec.headers['x-viber-auth-token']).toBe(TOKEN);
    });
  });

  describe('send_message', () => {
    it('answers a 64-bit message_token as a raw JSON number that only a lossless parser keeps', async () => {
      const u = viber.users.add({ name: 'Олена' });
      const r = await api('send_message', textMessage(u.id));
      expect(r.httpStatus).toBe(200);
      expect(r.text).toMatch(/^\{"status":0,"status_message":"ok","message_token":\d{19},"chat_hostname":"SN-CHAT-05_"\}$/);
      const digits = rawToken(r.text)!;
      expect(BigInt(digits) > 2n ** 53n).toBe(true);
      expect(String(r.json.message_token)).not.toBe(digits);
      expect(String((losslessParse(r.text) as { message_token: unknown }).message_token)).toBe(digits);
      const [stored] = viber.users.messages(u.id);
      expect(stored).toMatchObject({
        messageToken: digits,
        text: 'Ваша заява № 42 зареєстрована',
        type: 'text',
        trackingData: 'appeal-42',
        senderName: 'Cabinet Demo',
        via: 'send_message',
        state: 'sent',
      });
    });

    it('increments tokens per message', async () => {
      const u = viber.users.add({});
      const a = BigInt(rawToken((await api('send_message', textMessage(u.id))).text)!);
      const b = BigInt(rawToken((await api('send_message', textMessage(u.id))).text)!);
      expect(b - a).toBe(1n);
    });

    it('refuses malformed or hostile bodies with status 3 badData, never a crash', async () => {
      const u = viber.users.add({});
      const bad = [
        '{"receiver":',
        'not json at all',
        '[]',
        `{"receiver":"${u.id}","__proto__":{"admin":true},"sender":{"name":"x"},"type":"text","text":"x"}`,
        { ...textMessage(u.id), receiver: 12345 },
        { ...textMessage(u.id), sender: 'Cabinet' },
        { ...textMessage(u.id), sender: { name: 'x'.repeat(29) } },
        { ...textMessage(u.id), text: 'x'.repeat(7001) },
        { ...textMessage(u.id), text: 42 },
        { ...textMessage(u.id), type: 'hologram' },
        { ...textMessage(u.id), tracking_data: null },
        { ...textMessage(u.id), tracking_data: { a: 1 } },
        { ...textMessage(u.id), min_api_version: '7' },
        { ...textMessage(u.id), keyboard: { Buttons: 'no' } },
        // Viber's media types are not modelled (the adapter sends text only).
        { receiver: u.id, sender: { name: 'x' }, type: 'file', media: 'https://e/f', size: 1, file_name: 'f' },
      ];
      for (const body of bad) {
        const r = await api('send_message', body);
        expect({ body, http: r.httpStatus, json: r.json }).toEqual({ body, http: 200, json: { status: 3, status_message: 'badData' } });
      }
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(viber.users.messages(u.id)).toHaveLength(0);
    });

    it('refuses missing mandatory fields with status 4 missingData', async () => {
      const u = viber.users.add({});
      const { receiver: _r, ...noReceiver } = textMessage(u.id);
      const { sender: _s, ...noSender } = textMessage(u.id);
      const { text: _t, ...noText } = textMessage(u.id);
      const { type: _y, ...noType } = textMessage(u.id);
      for (const body of [noReceiver, noSender, noText, noType, { ...textMessage(u.id), text: '' }, { ...textMessage(u.id), sender: {} }, {}]) {
        expect((await api('send_message', body)).json).toEqual({ status: 4, status_message: 'missingData' });
      }
    });

    it('answers an unknown receiver 5, an unsubscribed one 6, a user without a suitable device 11', async () => {
      expect((await api('send_message', textMessage('nobody000000000000000A=='))).json).toEqual({ status: 5, status_message: 'receiverNotRegistered' });
      const gone = viber.users.add({ subscribed: false });
      expect((await api('send_message', textMessage(gone.id))).json).toEqual({ status: 6, status_message: 'receiverNotSubscribed' });
      const old = viber.users.add({ behaviour: 'no-device' });
      expect((await api('send_message', textMessage(old.id))).json).toEqual({ status: 11, status_message: 'receiverNoSuitableDevice' });
    });

    it('answers min_api_version above the user’s api_version with 13 apiVersionNotSupported', async () => {
      const u = viber.users.add({ apiVersion: 3 });
      expect((await api('send_message', textMessage(u.id, 'x', { min_api_version: 7 }))).json).toEqual({ status: 13, status_message: 'apiVersionNotSupported' });
      expect((await api('send_message', textMessage(u.id, 'x', { min_api_version: 3 }))).json.status).toBe(0);
    });

    it('answers 10 webhookNotSet until a webhook is set (switchable)', async () => {
      const u = viber.users.add({});
      await api('set_webhook', { url: '' });
      expect((await api('send_message', textMessage(u.id))).json).toEqual({ status: 10, status_message: 'webhookNotSet' });
      viber.settings.set({ webhookRequiredToSend: false });
      expect((await api('send_message', textMessage(u.id))).json.status).toBe(0);
    });

    it('creates unknown receivers when autoCreateUsers is on (benchmarks)', async () => {
      viber.settings.set({ autoCreateUsers: true });
      const r = await api('send_message', textMessage('bench-user-1'));
      expect(r.json.status).toBe(0);
      expect(viber.users.get('bench-user-1')).toMatchObject({ subscribed: true, behaviour: 'delivers' });
    });

    it('answers 12 tooManyRequests over ratePerSecond', async () => {
      const u = viber.users.add({});
      viber.settings.set({ ratePerSecond: 1 });
      const statuses = [];
      // Three quick calls span at most one second boundary, so one window holds two of them.
      for (let i = 0; i < 3; i++) statuses.push((await api('send_message', textMessage(u.id))).json);
      expect(statuses).toContainEqual({ status: 12, status_message: 'tooManyRequests' });
      expect(statuses.filter((s) => s.status === 0).length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('account', () => {
    it('get_account_info counts subscribers', async () => {
      viber.users.add({});
      viber.users.add({});
      viber.users.add({ subscribed: false });
      expect((await api('get_account_info', {})).json.subscribers_count).toBe(2);
    });
  });

  describe('faults', () => {
    it('renders a kit http-error as a non-200 with a small JSON body (front proxy outage)', async () => {
      viber.admin.fault({ fault: 'http-error', status: 503, count: 1, match: { type: 'send_message' } });
      const u = viber.users.add({});
      const r = await api('send_message', textMessage(u.id));
      expect(r.httpStatus).toBe(503);
      expect(r.json).toEqual({ error: 'Service Unavailable', status: 503 });
      expect((await api('send_message', textMessage(u.id))).json.status).toBe(0);
    });

    it('answers a body over maxBodyBytes with HTTP 200 status 3', async () => {
      const r = await api('send_message', { pad: 'x'.repeat(300 * 1024) });
      expect(r.httpStatus).toBe(200);
      expect(r.json).toEqual({ status: 3, status_message: 'badData' });
    });

    it('forces protocol statuses with status faults, per method and count', async () => {
      const u = viber.users.add({});
      viber.statusFaults.add({ status: 7, method: 'send_message', count: 2 });
      expect((await api('get_account_info', {})).json.status).toBe(0);
      expect((await api('send_message', textMessage(u.id))).json).toEqual({ status: 7, status_message: 'publicAccountBlocked' });
      expect((await api('send_message', textMessage(u.id))).json.status).toBe(7);
      expect((await api('send_message', textMessage(u.id))).json.status).toBe(0);
      expect(() => viber.statusFaults.add({ status: 0 })).toThrow(/status must be/);
    });

    it('adds status faults over the admin API', async () => {
      const res = await fetch(`${viber.baseUrl}/__admin/status-faults`, { method: 'POST', body: JSON.stringify({ status: 18, count: 1 }) });
      expect(res.status).toBe(201);
      const u = viber.users.add({});
      expect((await api('send_message', textMessage(u.id))).json).toEqual({ status: 18, status_message: 'messageRateExceeded' });
      const bad = await fetch(`${viber.baseUrl}/__admin/status-faults`, { method: 'POST', body: '{"status":"x"}' });
      expect(bad.status).toBe(400);
    });
  });
});
