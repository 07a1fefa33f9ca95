import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as losslessParse } from 'lossless-json';
import { DEFAULT_ACCOUNT, startViberMock, type RunningViberMock } from './index';
import { callApi, rawToken, startReceiver, type WebhookReceiver } from './viber-test.fixture';

const TOKEN = DEFAULT_ACCOUNT.authToken;

describe('Viber mock: set_webhook', () => {
  let viber: RunningViberMock;
  let hook: WebhookReceiver;
  const api = (method: string, body: unknown, token = TOKEN) => callApi(viber.url, method, body, { token });

  beforeAll(async () => {
    hook = await startReceiver();
    viber = await startViberMock({ autoProgress: { enabled: false }, callbackTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await viber.close();
    await hook.close();
  });
  beforeEach(() => {
    viber.admin.reset();
    hook.received.length = 0;
    hook.reply(() => ({ status: 200 }));
  });

  it('POSTs a signed webhook verification callback before answering', async () => {
    const r = await api('set_webhook', { url: hook.url, event_types: ['delivered', 'seen', 'failed'] });
    expect(r.json).toEqual({ status: 0, status_message: 'ok', event_types: ['delivered', 'seen', 'failed'] });
    // The callback arrived before the answer: it is already there.
    expect(hook.received).toHaveLength(1);
    const cb = hook.received[0];
    expect(cb.raw).toMatch(/^\{"event":"webhook","timestamp":\d{13},"chat_hostname":"SN-CHAT-22_","message_token":\d{19}\}$/);
    expect(cb.headers['content-type']).toBe('application/json');
    const expected = createHmac('sha256', TOKEN).update(Buffer.from(cb.raw, 'utf8')).digest('hex');
    expect(cb.headers['x-viber-content-signature']).toBe(expected);
    expect(String((losslessParse(cb.raw) as { message_token: unknown }).message_token)).toBe(rawToken(cb.raw));
    expect(viber.accounts()[0].webhook).toMatchObject({ url: hook.url, eventTypes: ['delivered', 'seen', 'failed'] });
    expect(viber.callbacks.list({ event: 'webhook' })[0]).toMatchObject({ status: 200, delivered: true, attempt: 1, signature: expected });
  });

  it('lists every filterable event when event_types is absent', async () => {
    const r = await api('set_webhook', { url: hook.url });
    expect(r.json.event_types).toEqual(['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started']);
  });

  it('answers 1 invalidUrl when the webhook does not answer 200, keeping the old webhook', async () => {
    await api('set_webhook', { url: hook.url });
    hook.reply(() => ({ status: 204 }));
    expect((await api('set_webhook', { url: `${hook.url}?v=2` })).json).toEqual({ status: 1, status_message: 'invalidUrl' });
    expect(viber.accounts()[0].webhook?.url).toBe(hook.url);
    hook.reply(() => ({ status: 500 }));
    expect((await api('set_webhook', { url: `${hook.url}?v=3` })).json.status).toBe(1);
    // One attempt only: the verification is not retried.
    expect(hook.received.filter((c) => c.url.includes('v=3'))).toHaveLength(1);
  });

  it('answers 1 invalidUrl for an unreachable or malformed URL', async () => {
    expect((await api('set_webhook', { url: 'http://127.0.0.1:1/hook' })).json).toEqual({ status: 1, status_message: 'invalidUrl' });
    expect((await api('set_webhook', { url: 'not a url' })).json.status).toBe(1);
    expect((await api('set_webhook', { url: 'ftp://example.org/x' })).json.status).toBe(1);
  });

  it('answers 1 invalidUrl when the webhook does not answer within callbackTimeoutMs', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const r = await api('set_webhook', { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook` });
      expect(r.json).toEqual({ status: 1, status_message: 'invalidUrl' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(viber.callbacks.list({ event: 'webhook' }).at(-1)).toMatchObject({ status: null, delivered: false, attempt: 1 });
      expect(viber.callbacks.list({ event: 'webhook' }).at(-1)!.attempts[0].error).toMatch(/no answer within 1000 ms/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('requires https when requireHttpsWebhook is on, as real Viber does', async () => {
    viber.settings.set({ requireHttpsWebhook: true });
    expect((await api('set_webhook', { url: hook.url })).json).toEqual({ status: 1, status_message: 'invalidUrl' });
    expect(hook.received).toHaveLength(0);
  });

  it('removes the webhook for an empty url', async () => {
    await api('set_webhook', { url: hook.url });
    expect((await api('set_webhook', { url: '' })).json).toEqual({ status: 0, status_message: 'ok' });
    expect(viber.accounts()[0].webhook).toBeNull();
  });

  it('refuses bad set_webhook input with 3 or 4', async () => {
    expect((await api('set_webhook', {})).json.status).toBe(4);
    expect((await api('set_webhook', { url: 42 })).json.status).toBe(3);
    expect((await api('set_webhook', { url: hook.url, event_types: ['teleported'] })).json.status).toBe(3);
    expect((await api('set_webhook', { url: hook.url, send_name: 'yes' })).json.status).toBe(3);
  });

  it('keeps webhooks per bot and signs with each bot’s own token', async () => {
    const other = { authToken: '5a5a5a5a5a5a5a5a-1111111111111111-2222222222222222', name: 'Second Bot' };
    const two = await startViberMock({ accounts: [DEFAULT_ACCOUNT, other], autoProgress: { enabled: false } });
    try {
      expect((await callApi(two.url, 'set_webhook', { url: `${hook.url}?bot=2` }, { token: other.authToken })).json.status).toBe(0);
      const cb = hook.received.find((c) => c.url.includes('bot=2'))!;
      expect(cb.headers['x-viber-content-signature']).toBe(createHmac('sha256', other.authToken).update(cb.raw).digest('hex'));
      expect(two.accounts().map((a) => a.webhook?.url ?? null)).toEqual([null, `${hook.url}?bot=2`]);
      expect((await callApi(two.url, 'get_account_info', {}, { token: other.authToken })).json.name).toBe('Second Bot');
    } finally {
      await two.close();
    }
  });
});
