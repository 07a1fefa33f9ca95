import { DEFAULT_ACCOUNT, startViberMock, type RunningViberMock } from './index';
import { callApi, startReceiver, textMessage, type WebhookReceiver } from './viber-test.fixture';

describe('Viber mock: callback log and redelivery', () => {
  let viber: RunningViberMock;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    hook = await startReceiver();
    viber = await startViberMock({ autoProgress: { deliveredAfterMs: 5, seenAfterMs: 10 } });
  });
  afterAll(async () => {
    await viber.close();
    await hook.close();
  });
  beforeEach(async () => {
    viber.admin.reset();
    hook.received.length = 0;
    await callApi(viber.url, 'set_webhook', { url: hook.url }, { token: DEFAULT_ACCOUNT.authToken });
  });

  it('lists every callback with event, body, signature, answer and attempt', async () => {
    const u = viber.users.add({ behaviour: 'reads' });
    await callApi(viber.url, 'send_message', textMessage(u.id), { token: DEFAULT_ACCOUNT.authToken });
    await viber.callbacks.waitFor((r) => r.event === 'seen');
    const res = await fetch(`${viber.baseUrl}/__admin/callbacks`);
    const { callbacks, count } = (await res.json()) as { callbacks: any[]; count: number };
    expect(count).toBe(3);
    expect(callbacks.map((c) => c.event)).toEqual(['webhook', 'delivered', 'seen']);
    expect(callbacks[1]).toMatchObject({ index: callbacks[0].index + 1, status: 200, attempt: 1, delivered: true, account: 'Cabinet Demo', url: hook.url, userId: u.id });
    expect(callbacks[1].signature).toMatch(/^[0-9a-f]{64}$/);
    expect(callbacks[1].body).toBe(hook.received[1].raw);
    const first = callbacks[0].index;
    const filtered = (await (await fetch(`${viber.baseUrl}/__admin/callbacks?since=${first}&event=seen`)).json()) as { callbacks: any[] };
    expect(filtered.callbacks.map((c) => c.index)).toEqual([first + 2]);
    expect((await fetch(`${viber.baseUrl}/__admin/callbacks/${first + 1}`)).status).toBe(200);
    expect((await fetch(`${viber.baseUrl}/__admin/callbacks/999999`)).status).toBe(404);
    expect((await fetch(`${viber.baseUrl}/__admin/callbacks/abc`)).status).toBe(400);
  });

  it('redelivers the same bytes with the same signature (for dedup tests)', async () => {
    const u = viber.users.add({});
    await callApi(viber.url, 'send_message', textMessage(u.id), { token: DEFAULT_ACCOUNT.authToken });
    const original = await viber.callbacks.waitFor((r) => r.event === 'delivered');
    const res = await fetch(`${viber.baseUrl}/__admin/callbacks/${original.index}/redeliver`, { method: 'POST' });
    expect(res.status).toBe(201);
    const again = (await res.json()) as { index: number; redeliveryOf: number; body: string; signature: string };
    expect(again).toMatchObject({ redeliveryOf: original.index, body: original.body, signature: original.signature });
    expect(again.index).toBeGreaterThan(original.index);
    const got = hook.received.filter((c) => c.raw === original.body);
    expect(got).toHaveLength(2);
    expect(got[1].headers['x-viber-content-signature']).toBe(got[0].headers['x-viber-content-signature']);
    expect((await fetch(`${viber.baseUrl}/__admin/callbacks/${original.index}/redeliver`, { method: 'POST', body: '{"x":1}' })).status).toBe(400);
  });

  it('answers 409 when redelivering after the webhook was removed', async () => {
    const [verification] = viber.callbacks.list({ event: 'webhook' });
    await callApi(viber.url, 'set_webhook', { url: '' }, { token: DEFAULT_ACCOUNT.authToken });
    await expect(viber.callbacks.redeliver(verification.index)).rejects.toMatchObject({ status: 409 });
  });

  it('bounds the log to maxCallbacks', async () => {
    const small = await startViberMock({ maxCallbacks: 2, autoProgress: { enabled: false } });
    try {
      await callApi(small.url, 'set_webhook', { url: hook.url }, { token: DEFAULT_ACCOUNT.authToken });
      for (let i = 0; i < 3; i++) await small.users.write(`user-${i}`, 'hi');
      expect(small.callbacks.list().map((c) => c.index)).toEqual([3, 4]);
    } finally {
      await small.close();
    }
  });
});
