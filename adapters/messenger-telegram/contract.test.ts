import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, exampleEvent, failureClassOf, NotificationDispatch, PermanentError, TransientError, type WebhookRequest } from '../../contracts';
import { RunningTelegramMock, startTelegramMock } from '../../mocks/telegram';
import { CapturingLogger, createAdapter, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import type { TelegramConfig } from './telegram.config';
import { telegramAdapter } from './index';

/*
 * The mandatory adapter contract kit against the Telegram mock. The mock is separate code written
 * to the wire contract (mocks/telegram/README.md); nothing here is shared with the adapter.
 */

const TOKEN = '7000000001:AAF-kit_cabinet_hub_token_0123456789';
const OTHER_TOKEN = '7000000002:AAF-unknown_bot_token_9876543210abc';
const SECRET = 'kit_webhook-Secret_42';
const CHAT = 700_000_042;
const LINK_TOKEN = 'abcdefghijklmnop1234';

let mock: RunningTelegramMock;

const config = (apiRoot: string, extra: Partial<TelegramConfig> = {}): TelegramConfig => ({ token: TOKEN, apiRoot, webhookSecret: SECRET, ...extra });

/** A dispatch of a rendered notice to the kit's chat. */
function dispatchEvent(over: Partial<NotificationDispatch> = {}): CloudEvent {
  const ev = exampleEvent('notification.dispatch', { id: randomUUID(), tenant: 'demo' });
  const data: NotificationDispatch = {
    notificationId: randomUUID(),
    dispatchId: randomUUID(),
    channel: 'telegram',
    address: String(CHAT),
    locale: 'uk',
    text: 'Ваше звернення EP-1042 зареєстровано під № 01-15/223. Деталі в кабінеті: https://cabinet.example/a/1042 <не HTML>',
    priority: 'normal',
    ...over,
  };
  return { ...ev, data } as CloudEvent;
}
const dataOf = (ev: CloudEvent) => ev.data as NotificationDispatch;

async function startMock(): Promise<RunningTelegramMock> {
  const m = await startTelegramMock({ bots: [{ token: TOKEN, username: 'cabinet_kit_bot' }] });
  m.chats.open({ chatId: CHAT, firstName: 'Олена', languageCode: 'uk' });
  return m;
}

/** A local HTTP server standing in for the hub's webhook endpoint; it keeps every callback. */
async function webhookSink(): Promise<{ url: string; next(): Promise<WebhookRequest>; close(): Promise<void> }> {
  const queue: WebhookRequest[] = [];
  const waiting: ((r: WebhookRequest) => void)[] = [];
  let url = '';
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      res.writeHead(200).end();
      const request = { method: req.method ?? 'POST', url, headers, rawBody: Buffer.concat(chunks) };
      const w = waiting.shift();
      if (w) w(request);
      else queue.push(request);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/webhooks/kit`;
  return {
    url,
    next: () => {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      const arrived = new Promise<WebhookRequest>((r) => waiting.push(r));
      return Promise.race([arrived, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no webhook call within 10 s')), 10_000).unref())]);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Registers the adapter's webhook (its own register()) with a sink as the hub's public URL. */
async function registeredSink(cfg: TelegramConfig) {
  const sink = await webhookSink();
  const adapter = telegramAdapter.create(cfg, { instanceId: 'kit', logger: new CapturingLogger(), now: () => new Date(), webhookUrl: sink.url });
  await adapter.register!(AbortSignal.timeout(10_000));
  return sink;
}

/** Lets `act` make the mock call the registered webhook; returns the first callback exactly as it arrived. */
async function captureWebhook(cfg: TelegramConfig, act: () => unknown): Promise<WebhookRequest> {
  const sink = await registeredSink(cfg);
  try {
    act();
    return await sink.next();
  } finally {
    await sink.close();
  }
}

const fixture = dispatchEvent();

runAdapterContractKit({
  definition: telegramAdapter,
  startMock: async () => {
    mock = await startMock();
    return { url: mock.apiRoot, admin: mock.admin, close: () => mock.close() };
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => ({ ...config(m.url), token: OTHER_TOKEN }),
  invalidConfigs: [
    { config: { token: 'not-a-token', webhookSecret: SECRET }, path: '/token' },
    { config: { token: TOKEN }, path: '/webhookSecret' },
    { config: { token: TOKEN, webhookSecret: 'has space' }, path: '/webhookSecret' },
    { config: { token: TOKEN, webhookSecret: SECRET, apiRoot: 'http://127.0.0.1:8080/' }, path: '/apiRoot' },
    { config: { token: TOKEN, webhookSecret: SECRET, parseMode: 'MarkdownV2' }, path: '/parseMode' },
    { config: { token: TOKEN, webhookSecret: SECRET, perChatIntervalMs: -1 }, path: '/perChatIntervalMs' },
  ],
  fixtures: [
    {
      name: 'notify.telegram',
      input: fixture,
      expectRequests: (recorded) => {
        expect(recorded.map((r) => r.type)).toEqual(['sendMessage']);
        const [r] = recorded;
        expect(r.method).toBe('POST');
        expect(r.path).toBe(`/bot${TOKEN}/sendMessage`);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        // Plain text: no parse_mode, so the "<не HTML>" in the text is shown as typed.
        expect(JSON.parse(r.body)).toEqual({ chat_id: CHAT, text: dataOf(fixture).text });
      },
      expectOutcome: (outcome) => {
        const sent = mock.chats.messages(CHAT);
        expect(sent).toHaveLength(1);
        expect(sent[0].text).toBe(dataOf(fixture).text);
        expect(outcome.results).toEqual([]);
        expect(outcome.deliveries).toEqual([
          { dispatchId: dataOf(fixture).dispatchId, providerMessageId: `${CHAT}:${sent[0].message_id}`, status: 'sent', occurredAt: new Date(sent[0].date * 1000).toISOString() },
        ]);
        expect(outcome.summary?.response).toEqual({ status: 'sent', messageId: sent[0].message_id });
        const summary = JSON.stringify(outcome.summary);
        expect(summary).not.toContain(String(CHAT));
        expect(summary).not.toContain('звернення');
      },
      sideEffects: () => mock.chats.messages(CHAT).filter((m) => m.text === dataOf(fixture).text).length,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 500, count: 1 },
    { fault: 'http-error', status: 502, count: 1 },
    { fault: 'rate-limit', retryAfterSeconds: 3, count: 1 },
    { fault: 'reset', count: 1 },
    { fault: 'malformed', count: 1 },
    { fault: 'timeout', count: 1 },
  ],
  webhooks: {
    capture: (_m, cfg) => captureWebhook(cfg, () => mock.chats.start(CHAT, LINK_TOKEN)),
    expectOutcome: (outcome) => {
      expect(outcome.dedupKey).toMatch(/^update:\d+$/);
      expect(outcome.deliveries).toEqual([]);
      expect(outcome.inbound).toEqual([{ kind: 'start', channel: 'telegram', address: String(CHAT), token: LINK_TOKEN, language: 'uk' }]);
      expect(outcome.reply?.status ?? 200).toBe(200);
    },
    bodySigned: false,
  },
  wireCarriesSecret: 'The Bot API puts the bot token in the URL path of every call (/bot<token>/<method>), and setWebhook carries the webhook secret as secret_token by protocol.',
  bypass: {
    polling: 'Telegram reports nothing to poll for a sent message (no delivery receipts); inbound updates arrive by webhook (webhooks family).',
  },
});

describe('messenger.telegram specifics', () => {
  let m: RunningTelegramMock;
  beforeEach(async () => {
    m = await startMock();
  });
  afterEach(async () => {
    await m.close();
  });
  const adapterFor = (extra: Partial<TelegramConfig> = {}, logger = new CapturingLogger()) => createAdapter({ definition: telegramAdapter } as never, config(m.apiRoot, extra), logger);
  const fail = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('a citizen who blocked the bot is a failed delivery with an inactive address, not an exception', async () => {
    m.chats.block(CHAT);
    const ev = dispatchEvent();
    const outcome = await adapterFor().handle(ev, AbortSignal.timeout(10_000));
    expect(outcome.deliveries).toEqual([
      expect.objectContaining({ dispatchId: dataOf(ev).dispatchId, status: 'failed', failure: { code: 'telegram:403', message: 'Forbidden: bot was blocked by the user' }, addressInactive: true }),
    ]);
    expect(outcome.summary?.response).toEqual({ status: 'failed', failureCode: 'telegram:403', addressInactive: true });
  });

  it('an unknown chat is a failed delivery telegram:400 with an inactive address', async () => {
    const outcome = await adapterFor().handle(dispatchEvent({ address: '700000999' }), AbortSignal.timeout(10_000));
    expect(outcome.deliveries?.[0]).toMatchObject({ status: 'failed', failure: { code: 'telegram:400' }, addressInactive: true });
  });

  it('an address that is not a chat id fails the channel without calling Telegram', async () => {
    m.admin.clearRequests();
    const outcome = await adapterFor().handle(dispatchEvent({ address: '+380501234567' }), AbortSignal.timeout(10_000));
    expect(outcome.deliveries?.[0]).toMatchObject({ status: 'failed', failure: { code: 'telegram:invalid-chat-id' } });
    expect(m.admin.requests()).toEqual([]);
  });

  it('a message longer than Telegram takes is permanent (the template is wrong), and the error holds no text', async () => {
    const err = await fail(adapterFor().handle(dispatchEvent({ text: 'Дуже довге повідомлення. '.repeat(200) }), AbortSignal.timeout(10_000)));
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/400/);
    expect((err as Error).message).not.toContain('Дуже');
  });

  it('a concurrent duplicate waits for the first call and reaches the citizen once', async () => {
    const adapter = adapterFor();
    const ev = dispatchEvent();
    const [a, b] = await Promise.all([adapter.handle(ev, AbortSignal.timeout(10_000)), adapter.handle(ev, AbortSignal.timeout(10_000))]);
    expect(a.deliveries).toEqual(b.deliveries);
    expect(m.chats.messages(CHAT)).toHaveLength(1);
    expect([a.summary?.response?.repeated, b.summary?.response?.repeated].filter(Boolean)).toHaveLength(1);
  });

  it('paces messages to one chat, so the per-chat flood limit is not hit', async () => {
    m.throttle.set({ perChatPerSecond: 1 });
    const adapter = adapterFor({ perChatIntervalMs: 1100 });
    const started = Date.now();
    const outcomes = await Promise.all([dispatchEvent(), dispatchEvent()].map((ev) => adapter.handle(ev, AbortSignal.timeout(10_000))));
    expect(outcomes.map((o) => o.deliveries?.[0].status)).toEqual(['sent', 'sent']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(m.chats.messages(CHAT)).toHaveLength(2);
  });

  it('a flood 429 is transient with retry_after in milliseconds', async () => {
    m.throttle.set({ perChatPerSecond: 1 });
    const adapter = adapterFor({ perChatIntervalMs: 0 });
    await adapter.handle(dispatchEvent(), AbortSignal.timeout(10_000));
    const err = await fail(adapter.handle(dispatchEvent(), AbortSignal.timeout(10_000)));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).retryAfterMs).toBeGreaterThanOrEqual(1000);
  });

  it('sends parse_mode HTML only when configured', async () => {
    m.admin.clearRequests();
    await adapterFor({ parseMode: 'HTML' }).handle(dispatchEvent({ text: 'Звернення <b>зареєстровано</b>' }), AbortSignal.timeout(10_000));
    expect(JSON.parse(m.admin.requests()[0].body)).toMatchObject({ parse_mode: 'HTML' });
  });

  it('an aborted call is transient and sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await fail(adapterFor().handle(dispatchEvent(), ac.signal));
    expect(failureClassOf(err)).toBe('transient');
    expect(m.chats.messages(CHAT)).toHaveLength(0);
  });

  it('register() sets the webhook with the secret and the updates the bot needs; off or without a URL it does not', async () => {
    m.admin.clearRequests();
    const create = (webhookUrl?: string, extra: Partial<TelegramConfig> = {}) =>
      telegramAdapter.create(config(m.apiRoot, extra), { instanceId: 'kit', logger: new CapturingLogger(), now: () => new Date(), webhookUrl });
    await create('https://hub.example/v1/webhooks/telegram').register!(AbortSignal.timeout(10_000));
    const [r] = m.admin.requests();
    expect(r.type).toBe('setWebhook');
    expect(JSON.parse(r.body)).toEqual({ url: 'https://hub.example/v1/webhooks/telegram', secret_token: SECRET, allowed_updates: ['message', 'my_chat_member'] });
    m.admin.clearRequests();
    await create('https://hub.example/v1/webhooks/telegram', { register: false }).register!(AbortSignal.timeout(10_000));
    expect(m.admin.requests()).toEqual([]);
    expect(await fail(create(undefined).register!(AbortSignal.timeout(10_000)))).toBeInstanceOf(PermanentError);
  });

  it('reads a citizen blocking the bot as unsubscribed, and other text as text', async () => {
    const adapter = adapterFor();
    const sink = await registeredSink(config(m.apiRoot));
    try {
      m.chats.send(CHAT, 'Який статус?');
      expect((await adapter.webhook!(await sink.next())).inbound).toEqual([{ kind: 'text', channel: 'telegram', address: String(CHAT), text: 'Який статус?', language: 'uk' }]);
      m.chats.block(CHAT);
      expect((await adapter.webhook!(await sink.next())).inbound).toEqual([{ kind: 'unsubscribed', channel: 'telegram', address: String(CHAT) }]);
    } finally {
      await sink.close();
    }
  });

  it('probe names the bot', async () => {
    expect(await adapterFor().probe()).toEqual({ ok: true, detail: 'getMe: @cabinet_kit_bot' });
  });
});
