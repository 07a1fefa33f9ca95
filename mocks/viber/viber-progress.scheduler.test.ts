import { createHmac } from 'node:crypto';
import { DEFAULT_ACCOUNT, startViberMock, type RunningViberMock } from './index';
import { callApi, rawToken, startReceiver, textMessage, type WebhookReceiver } from './viber-test.fixture';

const TOKEN = DEFAULT_ACCOUNT.authToken;

describe('Viber mock: delivery receipts', () => {
  let viber: RunningViberMock;
  let hook: WebhookReceiver;
  const api = (method: string, body: unknown) => callApi(viber.url, method, body, { token: TOKEN });
  const send = async (userId: string) => rawToken((await api('send_message', textMessage(userId))).text)!;

  beforeAll(async () => {
    hook = await startReceiver();
    viber = await startViberMock({ autoProgress: { deliveredAfterMs: 10, seenAfterMs: 30 }, callbackRetryDelayMs: 5 });
  });
  afterAll(async () => {
    await viber.close();
    await hook.close();
  });
  beforeEach(async () => {
    viber.admin.reset();
    viber.settings.set({ autoProgress: { deliveredAfterMs: 10, seenAfterMs: 30 } });
    hook.reply(() => ({ status: 200 }));
    await api('set_webhook', { url: hook.url });
    hook.received.length = 0;
  });

  it('sends delivered then seen for a user who reads, signed over the raw body', async () => {
    const u = viber.users.add({ behaviour: 'reads' });
    const token = await send(u.id);
    const delivered = await hook.waitFor((c) => c.json?.event === 'delivered');
    const seen = await hook.waitFor((c) => c.json?.event === 'seen');
    expect(delivered.raw).toBe(`{"event":"delivered","timestamp":${delivered.json.timestamp},"chat_hostname":"SN-CHAT-05_","message_token":${token},"user_id":${JSON.stringify(u.id)}}`);
    expect(rawToken(seen.raw)).toBe(token);
    expect(seen.json.user_id).toBe(u.id);
    for (const cb of [delivered, seen]) {
      expect(cb.headers['x-viber-content-signature']).toBe(createHmac('sha256', TOKEN).update(cb.raw).digest('hex'));
    }
    expect(hook.received.indexOf(delivered)).toBeLessThan(hook.received.indexOf(seen));
    await viber.callbacks.waitFor((r) => r.event === 'seen');
    expect(viber.sent.get(token)[0]).toMatchObject({ state: 'seen' });
  });

  it('sends only delivered for the default behaviour, failed with desc for `fails`, nothing for `silent`', async () => {
    const d = viber.users.add({});
    const f = viber.users.add({ behaviour: 'fails' });
    const s = viber.users.add({ behaviour: 'silent' });
    const td = await send(d.id);
    const tf = await send(f.id);
    const ts = await send(s.id);
    const failed = await hook.waitFor((c) => c.json?.event === 'failed');
    expect(failed.json).toMatchObject({ user_id: f.id, desc: 'Receiver is not reachable' });
    expect(rawToken(failed.raw)).toBe(tf);
    await hook.waitFor((c) => c.json?.event === 'delivered' && rawToken(c.raw) === td);
    await new Promise((r) => setTimeout(r, 80));
    expect(hook.received.filter((c) => c.json.event === 'seen')).toHaveLength(0);
    expect(hook.received.filter((c) => rawToken(c.raw) === ts)).toHaveLength(0);
    expect(viber.sent.get(tf)[0]).toMatchObject({ state: 'failed', failDesc: 'Receiver is not reachable' });
  });

  it('filters receipts by the event_types the webhook asked for', async () => {
    await api('set_webhook', { url: hook.url, event_types: ['seen'] });
    hook.received.length = 0;
    const u = viber.users.add({ behaviour: 'reads' });
    await send(u.id);
    await hook.waitFor((c) => c.json?.event === 'seen');
    expect(hook.received.map((c) => c.json.event)).toEqual(['seen']);
  });

  it('retries a non-2xx answer callbackRetries times and records every attempt', async () => {
    viber.settings.set({ callbackRetries: 2 });
    hook.reply((cb) => ({ status: cb.json?.event === 'delivered' ? 500 : 200 }));
    const u = viber.users.add({});
    const token = await send(u.id);
    const rec = await viber.callbacks.waitFor((r) => r.event === 'delivered');
    expect(rec).toMatchObject({ attempt: 3, status: 500, delivered: false, done: true, messageToken: token, userId: u.id });
    expect(rec.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
    expect(hook.received.filter((c) => c.json.event === 'delivered').map((c) => c.raw)).toEqual([rec.body, rec.body, rec.body]);
  });

  it('stops after the first 2xx', async () => {
    let n = 0;
    hook.reply(() => ({ status: ++n === 1 ? 503 : 200 }));
    const u = viber.users.add({});
    await send(u.id);
    const rec = await viber.callbacks.waitFor((r) => r.event === 'delivered');
    expect(rec.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(rec.delivered).toBe(true);
  });

  it('lets a test drive receipts by hand when autoProgress is off', async () => {
    viber.settings.set({ autoProgress: { enabled: false } });
    const u = viber.users.add({ behaviour: 'reads' });
    const token = await send(u.id);
    await new Promise((r) => setTimeout(r, 50));
    expect(hook.received).toHaveLength(0);
    const r1 = await viber.sent.deliver(token);
    expect(r1.message.state).toBe('delivered');
    expect(r1.callback).toMatchObject({ event: 'delivered', delivered: true });
    const res = await fetch(`${viber.baseUrl}/__admin/sent/${token}/failed`, { method: 'POST', body: JSON.stringify({ desc: 'Phone lost' }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { message: { state: string }; callback: { body: string } };
    expect(body.message.state).toBe('failed');
    expect(JSON.parse(body.callback.body)).toMatchObject({ event: 'failed', desc: 'Phone lost', user_id: u.id });
    expect(hook.received.map((c) => c.json.event)).toEqual(['delivered', 'failed']);
    await expect(viber.sent.seen('123')).rejects.toMatchObject({ status: 404 });
    await expect(viber.sent.seen('12x')).rejects.toMatchObject({ status: 400 });
  });

  it('keeps up with 300 sends from 30 concurrent clients: unique increasing tokens, one receipt each', async () => {
    viber.settings.set({ autoCreateUsers: true });
    const tokens: string[] = [];
    let next = 0;
    // A few workers rather than hundreds of simultaneous connections, which would overflow the listen backlog.
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        while (next < 300) tokens.push(await send(`bench-${next++ % 100}`));
      }),
    );
    expect(new Set(tokens).size).toBe(300);
    const sorted = tokens.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted[299] - sorted[0]).toBe(299n);
    for (let i = 0; i < 400 && hook.received.length < 300; i++) await new Promise((r) => setTimeout(r, 50));
    expect(new Set(hook.received.map((c) => rawToken(c.raw)))).toEqual(new Set(tokens));
    expect(viber.sent.list().count).toBe(300);
    expect(viber.users.list()).toHaveLength(100);
  }, 60_000);
});
