import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot, webhookCallback } from 'grammy';
import { DEFAULT_BOT, startTelegramMock, type RunningTelegramMock } from './index';
import { call, startReceiver, type Receiver } from './tg-http.fixture';

const SECRET = 'hub-secret_2026-abc';

describe('Telegram mock: webhooks', () => {
  let tg: RunningTelegramMock;
  let hook: Receiver;
  let skew = 0;
  /** Moves the mock's clock past setWebhook's one-call-per-second limit. */
  const later = () => (skew += 1500);
  const setWebhook = async (params: Record<string, unknown>) => {
    later();
    return call(tg.baseUrl, 'setWebhook', params);
  };
  const info = async () => (await call(tg.baseUrl, 'getWebhookInfo')).body.result;

  beforeAll(async () => {
    tg = await startTelegramMock({ clock: () => Date.now() + skew, webhookRetries: 2, webhookRetryDelayMs: 10 });
  });
  afterAll(() => tg.close());
  beforeEach(async () => {
    tg.admin.reset();
    hook = await startReceiver();
  });
  afterEach(() => hook.close());

  it('POSTs each update as JSON with the secret-token header; getWebhookInfo describes the webhook', async () => {
    const set = await setWebhook({ url: hook.url, secret_token: SECRET, max_connections: 5 });
    expect(set.body).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    const chat = tg.chats.open({ firstName: 'Олена', username: 'olena_k' });
    const first = tg.chats.start(chat.id, 'tok_1');
    const second = tg.chats.send(chat.id, 'Коли буде відповідь?');
    const [a, b] = await hook.waitFor(2);
    expect(a.headers['x-telegram-bot-api-secret-token']).toBe(SECRET);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.body).toEqual(first.update);
    expect(a.body.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(b.body.update_id).toBe(a.body.update_id + 1);
    expect(b.body.message.text).toBe('Коли буде відповідь?');
    expect(second.update?.update_id).toBe(b.body.update_id);
    await tg.updates.idle();
    expect(await info()).toEqual({ url: hook.url, has_custom_certificate: false, pending_update_count: 0, max_connections: 5, ip_address: '127.0.0.1' });
    expect(tg.updates.get(a.body.update_id)).toMatchObject({ state: 'delivered', attempts: [{ kind: 'webhook', status: 200, error: null }] });
  });

  it('works with grammY webhookCallback as the receiver, which checks the secret', async () => {
    const receiverBot = new Bot(DEFAULT_BOT.token, { client: { apiRoot: tg.apiRoot } });
    const texts: string[] = [];
    receiverBot.on('message:text', (ctx) => {
      texts.push(ctx.message.text);
    });
    const server = http.createServer(webhookCallback(receiverBot, 'http', { secretToken: SECRET }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tg`;
    try {
      await setWebhook({ url, secret_token: SECRET });
      const chat = tg.chats.open({ firstName: 'Іван' });
      tg.chats.send(chat.id, 'Добрий день');
      await waitUntil(() => texts.length === 1);
      expect(texts).toEqual(['Добрий день']);

      await setWebhook({ url, secret_token: 'wrong-secret' });
      tg.chats.send(chat.id, 'не дійде');
      await waitUntil(() => tg.updates.list().some((u) => u.parked));
      expect(await info()).toMatchObject({ pending_update_count: 1, last_error_message: 'Wrong response from the webhook: 401 Unauthorized' });
      expect(texts).toEqual(['Добрий день']);
    } finally {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    }
  });

  it('retries a failed delivery, then keeps it pending with last_error_*; a later round delivers it', async () => {
    await setWebhook({ url: hook.url });
    hook.answers.push({ status: 500 }, { status: 503 }, { status: 502 });
    const chat = tg.chats.open({ firstName: 'Олег' });
    const { update } = tg.chats.send(chat.id, 'x');
    await hook.waitFor(3);
    await tg.updates.idle();
    const stored = tg.updates.get(update!.update_id);
    expect(stored.state).toBe('pending');
    expect(stored.parked).toBe(true);
    expect(stored.attempts.map((a) => [a.status, a.error])).toEqual([
      [500, 'Wrong response from the webhook: 500 Internal Server Error'],
      [503, 'Wrong response from the webhook: 503 Service Unavailable'],
      [502, 'Wrong response from the webhook: 502 Bad Gateway'],
    ]);
    const failing = await info();
    expect(failing).toMatchObject({ pending_update_count: 1, last_error_message: 'Wrong response from the webhook: 502 Bad Gateway' });
    expect(Math.abs(failing.last_error_date - Math.floor((Date.now() + skew) / 1000))).toBeLessThanOrEqual(2);

    await tg.updates.deliverPending();
    expect(tg.updates.get(update!.update_id).state).toBe('delivered');
    expect(hook.received).toHaveLength(4);
    expect((await info()).pending_update_count).toBe(0);
  });

  it('a delivery that succeeds within the retries is delivered once', async () => {
    await setWebhook({ url: hook.url });
    hook.answers.push({ status: 500 });
    const chat = tg.chats.open({ firstName: 'Оксана' });
    const { update } = tg.chats.send(chat.id, 'x');
    await hook.waitFor(2);
    await tg.updates.idle();
    expect(tg.updates.get(update!.update_id)).toMatchObject({ state: 'delivered', parked: false });
    expect(tg.updates.get(update!.update_id).attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it('reports an unreachable receiver as "Connection refused"', async () => {
    const closed = await startReceiver();
    await closed.close();
    await setWebhook({ url: closed.url });
    const chat = tg.chats.open({ firstName: 'Петро' });
    tg.chats.send(chat.id, 'x');
    await waitUntil(() => tg.updates.list().some((u) => u.parked));
    expect(await info()).toMatchObject({ pending_update_count: 1, last_error_message: 'Connection refused' });
  });

  it("waits for the receiver's Retry-After before retrying", async () => {
    await setWebhook({ url: hook.url });
    hook.answers.push({ status: 429, headers: { 'retry-after': '1' } });
    const chat = tg.chats.open({ firstName: 'Тарас' });
    tg.chats.send(chat.id, 'x');
    const [first, second] = await hook.waitFor(2);
    expect(first.body.update_id).toBe(second.body.update_id);
    await tg.updates.idle();
    const attempts = tg.updates.list()[0].attempts;
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(Date.parse(attempts[1].at) - Date.parse(attempts[0].at)).toBeGreaterThanOrEqual(950);
  });

  it('counts a receiver slower than webhookTimeoutMs as "Read timeout expired"', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const quick = await startTelegramMock({ webhookTimeoutMs: 100, webhookRetries: 0 });
    try {
      await call(quick.baseUrl, 'setWebhook', { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/` });
      const chat = quick.chats.open({ firstName: 'Ліна' });
      quick.chats.send(chat.id, 'x');
      await waitUntil(() => quick.updates.list().some((u) => u.parked));
      expect((await call(quick.baseUrl, 'getWebhookInfo')).body.result.last_error_message).toBe('Read timeout expired');
    } finally {
      await quick.close();
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('keeps order within a chat but does not let one chat block another', async () => {
    await setWebhook({ url: hook.url });
    hook.answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    const a = tg.chats.open({ firstName: 'A' });
    const b = tg.chats.open({ firstName: 'B' });
    const a1 = tg.chats.send(a.id, 'a1').update!;
    const a2 = tg.chats.send(a.id, 'a2').update!;
    await waitUntil(() => tg.updates.get(a1.update_id).parked);
    const b1 = tg.chats.send(b.id, 'b1').update!;
    await tg.updates.idle();
    const delivered = hook.received.map((r) => r.body.message.text);
    // a1 failed three times and was parked; the new update unparked it, so a1 then a2 follow, and b1 was never held back.
    expect(delivered.slice(0, 3)).toEqual(['a1', 'a1', 'a1']);
    expect(delivered.indexOf('a1', 3)).toBeLessThan(delivered.indexOf('a2'));
    expect(delivered).toContain('b1');
    expect([a1, a2, b1].map((u) => tg.updates.get(u.update_id).state)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('redelivers an update with the same update_id, for de-duplication tests', async () => {
    await setWebhook({ url: hook.url, secret_token: SECRET });
    const chat = tg.chats.open({ firstName: 'Ганна' });
    const { update } = tg.chats.send(chat.id, 'один раз');
    await hook.waitFor(1);
    const attempt = await tg.updates.redeliver(update!.update_id);
    expect(attempt).toMatchObject({ kind: 'redeliver', status: 200, error: null });
    const [first, again] = await hook.waitFor(2);
    expect(again.body).toEqual(first.body);
    expect(again.headers['x-telegram-bot-api-secret-token']).toBe(SECRET);
  });

  it('executes a method the receiver puts in its answer (webhook reply)', async () => {
    await setWebhook({ url: hook.url });
    const chat = tg.chats.open({ firstName: 'Віра' });
    hook.answers.push({ status: 200, body: JSON.stringify({ method: 'sendMessage', chat_id: chat.id, text: 'Дякуємо!' }) });
    const { update } = tg.chats.send(chat.id, 'Привіт');
    await hook.waitFor(1);
    await tg.updates.idle();
    expect(tg.chats.messages(chat.id).map((m) => m.text)).toEqual(['Дякуємо!']);
    expect(tg.updates.get(update!.update_id).attempts[0].reply).toEqual({ method: 'sendMessage', ok: true });
  });

  it('keeps updates pending while no webhook is set and sends them once one is', async () => {
    const chat = tg.chats.open({ firstName: 'Люба' });
    tg.chats.send(chat.id, 'перше');
    tg.chats.send(chat.id, 'друге');
    expect((await info()).pending_update_count).toBe(2);
    await setWebhook({ url: hook.url });
    const got = await hook.waitFor(2);
    expect(got.map((r) => r.body.message.text)).toEqual(['перше', 'друге']);
  });

  describe('setWebhook rules', () => {
    it('validates secret_token, reports "already set", limits URL changes to one per second', async () => {
      const bad = await setWebhook({ url: hook.url, secret_token: 'with space' });
      expect([bad.status, bad.body.description]).toEqual([400, 'Bad Request: secret token contains unallowed characters']);
      expect((await setWebhook({ url: hook.url, secret_token: 'x'.repeat(257) })).body.description).toBe('Bad Request: secret token contains unallowed characters');
      expect((await setWebhook({ url: hook.url })).body.description).toBe('Webhook was set');
      expect((await setWebhook({ url: hook.url })).body).toEqual({ ok: true, result: true, description: 'Webhook is already set' });
      // Every setWebhook with a URL counts, "already set" included, as on the Bot API server.
      expect((await call(tg.baseUrl, 'setWebhook', { url: `${hook.url}/2` })).status).toBe(429);
      expect((await setWebhook({ url: `${hook.url}/2` })).body.description).toBe('Webhook was set');
      const tooSoon = await call(tg.baseUrl, 'setWebhook', { url: `${hook.url}/3` });
      expect([tooSoon.status, tooSoon.body]).toEqual([429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }]);
      expect((await info()).url).toBe(`${hook.url}/2`);
    });

    it('deleteWebhook and an empty url remove it; drop_pending_updates forgets pending updates', async () => {
      const chat = tg.chats.open({ firstName: 'Зоя' });
      tg.chats.send(chat.id, 'x');
      expect((await call(tg.baseUrl, 'deleteWebhook')).body.description).toBe('Webhook is already deleted');
      await setWebhook({ url: 'http://127.0.0.1:9/never' });
      expect((await call(tg.baseUrl, 'deleteWebhook', { drop_pending_updates: true })).body).toEqual({
        ok: true,
        result: true,
        description: 'Webhook was deleted',
      });
      expect(await info()).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 0 });
      await setWebhook({ url: hook.url });
      expect((await setWebhook({ url: '' })).body.description).toBe('Webhook was deleted');
    });

    it('refuses invalid URLs, and with requireHttpsWebhook plain HTTP and other ports; the old webhook is gone', async () => {
      await setWebhook({ url: hook.url });
      const invalid = await setWebhook({ url: 'http://exa mple.org/x' });
      expect(invalid.body.description).toBe('Bad Request: invalid webhook URL specified');
      expect((await info()).url).toBe('');

      const strict = await startTelegramMock({ requireHttpsWebhook: true, clock: () => Date.now() + skew });
      try {
        const http1 = await call(strict.baseUrl, 'setWebhook', { url: 'http://hub.example.org/tg' });
        expect(http1.body.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        later();
        const port = await call(strict.baseUrl, 'setWebhook', { url: 'https://hub.example.org:8080/tg' });
        expect(port.body.description).toBe('Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
        later();
        expect((await call(strict.baseUrl, 'setWebhook', { url: 'https://hub.example.org:8443/tg' })).body.ok).toBe(true);
      } finally {
        await strict.close();
      }
    });

    it('allowed_updates filters what is emitted and shows in getWebhookInfo', async () => {
      await setWebhook({ url: hook.url, allowed_updates: ['message'] });
      expect((await info()).allowed_updates).toEqual(['message']);
      const chat = tg.chats.open({ firstName: 'Юрій' });
      tg.chats.block(chat.id);
      const { update } = tg.chats.send(chat.id, 'x'); // unblocks first: my_chat_member is filtered out too
      await hook.waitFor(1);
      await tg.updates.idle();
      expect(tg.updates.list().map((u) => u.type)).toEqual(['message']);
      expect(hook.received.map((r) => r.body.update_id)).toEqual([update!.update_id]);
    });
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
