import { once } from 'node:events';
import { createServer, IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Adapter, CloudEvent, NotificationDispatch, WebhookRequest } from '../../contracts';
import { exampleEvent, failureClassOf, PermanentError, TransientError } from '../../contracts';
import { FIRST_MESSAGE_TOKEN, RunningViberMock, startViberMock } from '../../mocks/viber';
import { CapturingLogger, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import type { ViberConfig } from './viber.config';
import { viberAdapter } from './index';

/*
 * The mandatory adapter contract kit against the Viber mock (separate code written to the wire
 * contract in mocks/viber/README.md; nothing is shared with the adapter). A tiny local HTTP
 * server stands in for the hub's callback endpoint: it hands each callback to an adapter's
 * `webhook()` and answers as the hub would (403 unverified, else the adapter's reply).
 */

const TOKEN = '4453b6ac12345678-e02c5f12174805f9-0a1b2c3d4e5f6a7b';
const CITIZEN = 'jc9HsWTZ2Yf2NkRZ8KcNug==';
const HOOK_PATH = '/v1/webhooks/viber-kit';

let mock: RunningViberMock;

/** The hub's callback endpoint, simplified: records what arrives, answers through an adapter. */
class HubEndpoint {
  readonly received: WebhookRequest[] = [];
  answerWith: Adapter | undefined;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) => void this.onRequest(req).then(({ status, contentType, body }) => res.writeHead(status, contentType ? { 'content-type': contentType } : {}).end(body ?? '')),
    );
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}${HOOK_PATH}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /** The first callback after `from` that satisfies `match`, waiting up to `timeoutMs`. */
  async waitFor(from: number, match: (r: WebhookRequest) => boolean, timeoutMs = 5000): Promise<WebhookRequest> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.slice(from).find(match);
      if (hit) return hit;
      if (Date.now() > until) throw new Error('no matching callback arrived');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private async onRequest(req: IncomingMessage): Promise<{ status: number; contentType?: string; body?: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const request: WebhookRequest = { method: req.method ?? 'POST', url: `${this.url.slice(0, this.url.indexOf(HOOK_PATH))}${req.url}`, headers, rawBody: Buffer.concat(chunks) };
    this.received.push(request);
    if (!this.answerWith?.webhook) return { status: 200 };
    const outcome = await this.answerWith.webhook(request);
    return outcome.verified ? (outcome.reply ?? { status: 200 }) : { status: 403 };
  }
}

const hub = new HubEndpoint();
beforeAll(() => hub.start());
afterAll(() => hub.stop());

const config = (url: string, authToken = TOKEN): ViberConfig => ({ authToken, baseUrl: url, senderName: 'Міська рада' });

/** An adapter as the hub creates it, with the public callback URL. */
function viber(cfg: ViberConfig, logger = new CapturingLogger()): Adapter & Required<Pick<Adapter, 'webhook' | 'register'>> {
  return viberAdapter.create(cfg, { instanceId: 'viber-kit', logger, now: () => new Date(), webhookUrl: hub.url }) as never;
}

/** A dispatch to the mock's citizen. */
function dispatchEvent(patch: Partial<NotificationDispatch> = {}): CloudEvent {
  const ev = exampleEvent('notification.dispatch', { id: randomUUID(), tenant: 'demo' });
  ev.data = {
    notificationId: `n-${randomUUID()}`,
    dispatchId: randomUUID(),
    channel: 'viber',
    address: CITIZEN,
    locale: 'uk',
    text: 'Ваше звернення EP-2041 зареєстровано за № 12/345.',
    priority: 'normal',
    ...patch,
  } satisfies NotificationDispatch;
  return ev;
}
const dataOf = (ev: CloudEvent) => ev.data as NotificationDispatch;

/** A fresh mock with the kit's citizen and this instance's webhook registered (Viber refuses sends without one). */
async function freshMock(): Promise<RunningViberMock> {
  mock = await startViberMock({ accounts: [{ authToken: TOKEN, name: 'Cabinet Demo' }], autoProgress: { deliveredAfterMs: 10, seenAfterMs: 30 }, callbackRetries: 0 });
  mock.users.add({ id: CITIZEN, name: 'Олена', language: 'uk', behaviour: 'reads' });
  const registrar = viber(config(mock.url));
  hub.answerWith = registrar;
  await registrar.register(AbortSignal.timeout(5000));
  return mock;
}

const fixture = dispatchEvent();
let capturedToken = '';

runAdapterContractKit({
  definition: viberAdapter,
  startMock: async () => {
    const m = await freshMock();
    return { url: m.url, admin: m.admin, close: () => m.close() };
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => config(m.url, '4453b6ac12345678-e02c5f12174805f9-ffffffffffffffff'),
  invalidConfigs: [
    { config: { authToken: TOKEN, baseUrl: 'ftp://viber', senderName: 'Рада' }, path: '/baseUrl' },
    { config: { baseUrl: 'http://127.0.0.1/pa', senderName: 'Рада' }, path: '/authToken' },
    { config: { authToken: TOKEN, senderName: 'Виконавчий комітет міської ради №1' }, path: '/senderName' },
    { config: { authToken: TOKEN, senderName: 'Рада', register: 'yes' }, path: '/register' },
    { config: { authToken: TOKEN, senderName: 'Рада', welcomeText: { de: 'Hallo' } }, path: '/welcomeText' },
  ],
  fixtures: [
    {
      name: 'notify.viber',
      input: fixture,
      expectRequests: (recorded) => {
        expect(recorded.map((r) => r.type)).toEqual(['send_message']);
        expect(recorded[0].method).toBe('POST');
        expect(recorded[0].headers['content-type']).toMatch(/^application\/json/);
        expect(recorded[0].headers['x-viber-auth-token']).toBeDefined();
        expect(JSON.parse(recorded[0].body)).toEqual({
          receiver: CITIZEN,
          sender: { name: 'Міська рада' },
          tracking_data: dataOf(fixture).dispatchId,
          type: 'text',
          text: dataOf(fixture).text,
          min_api_version: 1,
        });
      },
      expectOutcome: (outcome) => {
        const [sent] = mock.sent.list().messages.filter((m) => m.trackingData === dataOf(fixture).dispatchId);
        // The exact 64-bit token as the mock holds it, above 2^53: a rounded number would differ.
        expect(BigInt(sent.messageToken)).toBeGreaterThan(2n ** 53n);
        expect(outcome).toEqual({
          results: [],
          deliveries: [{ dispatchId: dataOf(fixture).dispatchId, providerMessageId: sent.messageToken, status: 'sent', occurredAt: expect.any(String) }],
          summary: {
            request: {
              method: 'send_message',
              dispatchId: dataOf(fixture).dispatchId,
              notificationId: dataOf(fixture).notificationId,
              type: 'text',
              textLength: dataOf(fixture).text.length,
              locale: 'uk',
              priority: 'normal',
            },
            response: { status: 0, statusName: 'ok', messageToken: sent.messageToken },
          },
        });
        expect(JSON.stringify(outcome.summary)).not.toContain(CITIZEN);
      },
      sideEffects: () => mock.sent.list().messages.filter((m) => m.trackingData === dataOf(fixture).dispatchId).length,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 500, count: 1 },
    { fault: 'http-error', status: 503, count: 1 },
    { fault: 'rate-limit', retryAfterSeconds: 2, count: 1 },
    { fault: 'reset', count: 1 },
    { fault: 'malformed', count: 1 },
    { fault: 'timeout', count: 1 },
  ],
  webhooks: {
    bodySigned: true,
    capture: async (m) => {
      const from = hub.received.length;
      const outcome = await viber(config(m.url)).handle(dispatchEvent(), AbortSignal.timeout(5000));
      capturedToken = outcome.deliveries![0].providerMessageId;
      return hub.waitFor(from, (r) => r.rawBody.includes('"event":"delivered"') && r.rawBody.includes(`"message_token":${capturedToken}`));
    },
    expectOutcome: (outcome) => {
      expect(outcome).toEqual({
        verified: true,
        dedupKey: `delivered:${capturedToken}`,
        deliveries: [{ providerMessageId: capturedToken, status: 'delivered', occurredAt: expect.any(String) }],
        inbound: [],
      });
    },
  },
  wireCarriesSecret: 'Viber authenticates every API call by the X-Viber-Auth-Token header, by protocol; the recorded requests carry it.',
  bypass: {
    polling: 'Viber pushes delivery statuses and citizens’ messages to the webhook; there is nothing to poll (webhooks family).',
  },
});

describe('messenger.viber specifics', () => {
  let m: RunningViberMock;
  beforeEach(async () => {
    m = await freshMock();
  });
  afterEach(async () => {
    hub.answerWith = undefined;
    await m.close();
  });

  const fail = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('register: set_webhook with the public URL and the filterable events, verified by the adapter', async () => {
    const call = m.admin.requests().find((r) => r.type === 'set_webhook')!;
    expect(JSON.parse(call.body)).toEqual({ url: hub.url, event_types: ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'], send_name: false, send_photo: false });
    const check = m.callbacks.list({ event: 'webhook' })[0];
    expect(check.status).toBe(200);
    expect(m.accounts()[0]).toMatchObject({ webhook: expect.objectContaining({ url: hub.url }) });
    const outcome = await viber(config(m.url)).webhook({ method: 'POST', url: hub.url, headers: { 'x-viber-content-signature': check.signature }, rawBody: Buffer.from(check.body) });
    expect(outcome).toEqual({ verified: true, dedupKey: `webhook:${FIRST_MESSAGE_TOKEN}`, deliveries: [], inbound: [] });
  });

  it('register: skipped with register: false; refused without a public URL', async () => {
    m.admin.clearRequests();
    await viber({ ...config(m.url), register: false }).register(AbortSignal.timeout(5000));
    expect(m.admin.requests()).toEqual([]);
    const bare = viberAdapter.create(config(m.url), { instanceId: 'x', logger: new CapturingLogger(), now: () => new Date() });
    expect(await fail(bare.register!(AbortSignal.timeout(5000)))).toBeInstanceOf(PermanentError);
  });

  it('statuses 5 and 6 are failed deliveries marking the address inactive; 11 only fails', async () => {
    m.users.add({ id: 'unsubscribed0000000000==', subscribed: false });
    m.users.add({ id: 'nodevice00000000000000==', behaviour: 'no-device' });
    const adapter = viber(config(m.url));
    const cases: [string, string, boolean][] = [
      ['unknown000000000000000==', 'viber:5', true],
      ['unsubscribed0000000000==', 'viber:6', true],
      ['nodevice00000000000000==', 'viber:11', false],
    ];
    for (const [address, code, inactive] of cases) {
      const ev = dispatchEvent({ address });
      const outcome = await adapter.handle(ev, AbortSignal.timeout(5000));
      expect(outcome.deliveries).toEqual([
        {
          dispatchId: dataOf(ev).dispatchId,
          providerMessageId: `dispatch:${dataOf(ev).dispatchId}`,
          status: 'failed',
          failure: { code, message: expect.any(String) },
          ...(inactive ? { addressInactive: true } : {}),
          occurredAt: expect.any(String),
        },
      ]);
      expect(JSON.stringify(outcome)).not.toContain(address);
    }
  });

  it('rate-limit statuses 12/18 are transient with a pause; account and data statuses are permanent', async () => {
    const adapter = viber(config(m.url));
    for (const status of [12, 18]) {
      m.statusFaults.add({ status, method: 'send_message', count: 1 });
      const e = await fail(adapter.handle(dispatchEvent(), AbortSignal.timeout(5000)));
      expect(e).toBeInstanceOf(TransientError);
      expect((e as TransientError).retryAfterMs).toBe(1000);
    }
    for (const status of [2, 3, 4, 7, 8, 9, 13, 14, 15, 17]) {
      m.statusFaults.add({ status, method: 'send_message', count: 1 });
      const e = await fail(adapter.handle(dispatchEvent(), AbortSignal.timeout(5000)));
      expect(failureClassOf(e)).toBe('permanent');
      expect((e as Error).message).toContain(`status ${status}`);
    }
  });

  it('a concurrent duplicate waits for the first call and sends nothing more', async () => {
    const adapter = viber(config(m.url));
    m.admin.fault({ fault: 'latency', ms: 200, count: 1 });
    const ev = dispatchEvent();
    const [a, b] = await Promise.all([adapter.handle(ev, AbortSignal.timeout(5000)), adapter.handle(ev, AbortSignal.timeout(5000))]);
    expect(b.deliveries).toEqual(a.deliveries);
    expect(b.summary?.response).toMatchObject({ replayed: true });
    expect(m.sent.list().messages.filter((x) => x.trackingData === dataOf(ev).dispatchId)).toHaveLength(1);
  });

  it('an aborted call is transient, and its retry sends (with a warning about the unknown outcome)', async () => {
    const logger = new CapturingLogger();
    const adapter = viber(config(m.url), logger);
    const ev = dispatchEvent();
    m.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1 });
    expect(await fail(adapter.handle(ev, AbortSignal.timeout(300)))).toBeInstanceOf(TransientError);
    const again = await adapter.handle(ev, AbortSignal.timeout(5000));
    expect(again.deliveries![0].status).toBe('sent');
    expect(logger.lines.some((l) => l.includes('unknown outcome'))).toBe(true);
    expect(logger.lines.join('\n')).not.toContain(CITIZEN);
    const ac = new AbortController();
    ac.abort();
    expect(await fail(adapter.handle(dispatchEvent(), ac.signal))).toBeInstanceOf(TransientError);
  });

  it('warns once per attempt with an unknown outcome, not again after a certain failure or a success', async () => {
    const logger = new CapturingLogger();
    const adapter = viber(config(m.url), logger);
    const ev = dispatchEvent();
    const warnings = () => logger.lines.filter((l) => l.includes('unknown outcome')).length;
    m.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1 });
    expect(await fail(adapter.handle(ev, AbortSignal.timeout(300)))).toBeInstanceOf(TransientError);
    m.statusFaults.add({ status: 12, method: 'send_message', count: 1 });
    expect(await fail(adapter.handle(ev, AbortSignal.timeout(5000)))).toBeInstanceOf(TransientError);
    expect(warnings()).toBe(1);
    expect((await adapter.handle(ev, AbortSignal.timeout(5000))).deliveries![0].status).toBe('sent');
    expect((await adapter.handle(ev, AbortSignal.timeout(5000))).summary?.response).toMatchObject({ replayed: true });
    expect(warnings()).toBe(1);
  });

  it('seen becomes read, failed becomes failed with Viber’s desc', async () => {
    const adapter = viber(config(m.url));
    hub.answerWith = adapter;
    const from = hub.received.length;
    const sent = await adapter.handle(dispatchEvent(), AbortSignal.timeout(5000));
    const token = sent.deliveries![0].providerMessageId;
    const seen = await hub.waitFor(from, (r) => r.rawBody.includes('"event":"seen"'));
    expect((await adapter.webhook(seen)).deliveries).toEqual([{ providerMessageId: token, status: 'read', occurredAt: expect.any(String) }]);

    m.users.add({ id: 'failing00000000000000==', behaviour: 'fails' });
    const from2 = hub.received.length;
    const other = await adapter.handle(dispatchEvent({ address: 'failing00000000000000==' }), AbortSignal.timeout(5000));
    const failed = await hub.waitFor(from2, (r) => r.rawBody.includes('"event":"failed"'));
    const outcome = await adapter.webhook(failed);
    expect(outcome.deliveries).toEqual([
      { providerMessageId: other.deliveries![0].providerMessageId, status: 'failed', failure: { code: 'viber:failed', message: expect.any(String) }, occurredAt: expect.any(String) },
    ]);
  });

  it('a citizen opening the bot with a link token, writing and unsubscribing', async () => {
    const adapter = viber({ ...config(m.url), welcomeText: { uk: 'Вітаємо! Тут приходитимуть сповіщення.', en: 'Welcome!' } });
    hub.answerWith = adapter;
    const linkToken = 'Lk7_Qm2-xY9pWz4aBc';
    const opened = await m.users.open('newcomer0000000000000==', linkToken);
    expect(opened.callback?.status).toBe(200);
    expect(opened.welcome).toMatchObject({ text: 'Вітаємо! Тут приходитимуть сповіщення.', senderName: 'Міська рада' });
    const start = await adapter.webhook(hub.received[hub.received.length - 1]);
    expect(start.inbound).toEqual([{ kind: 'start', channel: 'viber', address: 'newcomer0000000000000==', token: linkToken, language: 'uk' }]);
    expect(start.dedupKey).toBe(`conversation_started:${opened.callback!.messageToken}`);

    await m.users.write(CITIZEN, 'статус');
    expect((await adapter.webhook(hub.received[hub.received.length - 1])).inbound).toEqual([{ kind: 'text', channel: 'viber', address: CITIZEN, text: 'статус', language: 'uk' }]);

    const gone = await m.users.unsubscribe(CITIZEN);
    const out = await adapter.webhook(hub.received[hub.received.length - 1]);
    expect(out.inbound).toEqual([{ kind: 'unsubscribed', channel: 'viber', address: CITIZEN }]);
    expect(out.dedupKey).toBe(`unsubscribed:${gone.callback!.messageToken}`);
  });

  it('accepts the signature as ?sig= when the header is absent; a redelivery keeps its dedup key', async () => {
    const adapter = viber(config(m.url));
    hub.answerWith = adapter;
    await adapter.handle(dispatchEvent(), AbortSignal.timeout(5000));
    const record = await m.callbacks.waitFor((r) => r.event === 'delivered');
    const viaQuery = await adapter.webhook({ method: 'POST', url: `${hub.url}?sig=${record.signature}`, headers: {}, rawBody: Buffer.from(record.body) });
    expect(viaQuery.verified).toBe(true);
    const from = hub.received.length;
    await m.callbacks.redeliver(record.index);
    const again = await adapter.webhook(await hub.waitFor(from, () => true));
    expect(again.dedupKey).toBe(viaQuery.dedupKey);
  });

  it('probe reports a refused token with its status, without the token', async () => {
    expect(await viber(config(m.url)).probe()).toEqual({ ok: true });
    const wrong = 'wrong-token-0000000000000000';
    const probe = await viber(config(m.url, wrong)).probe();
    expect(probe).toEqual({ ok: false, detail: 'Viber get_account_info: status 2 (invalidAuthToken)' });
    expect(JSON.stringify(probe)).not.toContain(wrong);
  });
});
