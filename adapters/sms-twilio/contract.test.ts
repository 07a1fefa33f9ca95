import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudEvent, exampleEvent, failureClassOf, NotificationDispatch, PermanentError, TransientError, WebhookRequest } from '../../contracts';
import { RunningTwilioMock, startTwilioMock } from '../../mocks/twilio';
import { CapturingLogger, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import type { TwilioConfig } from './twilio.config';
import { twilioSmsAdapter } from './index';

/*
 * The mandatory adapter contract kit against the Twilio mock, plus what is specific to SMS through
 * Twilio: reconciling after unknown outcomes, duplicates in flight, recipient refusals, callbacks.
 * The mock is separate code written to the wire contract (mocks/twilio/README.md).
 */

const ACCOUNT_SID = `AC${'3f9a0c1b'.repeat(4)}`;
const AUTH_TOKEN = 'kit-twilio-auth-token-7c1e';
const SENDER = '+15005550006';
const SERVICE = `MG${'5d2e'.repeat(8)}`;
const PHONE = '+380501234567';
const TEXT = 'Ваше звернення EP-1 зареєстровано. Київ Цифровий';

let tw: RunningTwilioMock;

/** A fresh mock whose messages move on quickly, so callbacks arrive within a test. */
async function startMock(): Promise<RunningTwilioMock> {
  return startTwilioMock({ accounts: [{ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }], autoProgress: { sentAfterMs: 10, deliveredAfterMs: 30 } });
}

/** A dispatch event with its own dispatch id. */
function dispatch(data: Partial<NotificationDispatch> = {}): CloudEvent {
  const base = exampleEvent('notification.dispatch', { id: randomUUID() });
  return { ...base, data: { ...(base.data as NotificationDispatch), dispatchId: randomUUID(), address: PHONE, text: TEXT, ...data } };
}

const config = (url: string, extra: Partial<TwilioConfig> = {}): TwilioConfig => ({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: url, ...extra });

/** The adapter as the hub creates it, optionally with a public webhook URL. */
function adapterFor(cfg: TwilioConfig, webhookUrl?: string, logger = new CapturingLogger()) {
  const adapter = twilioSmsAdapter.create(cfg, { instanceId: 'sms-twilio', logger, now: () => new Date(), ...(webhookUrl ? { webhookUrl } : {}) });
  return adapter as typeof adapter & { webhook: NonNullable<typeof adapter.webhook> };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );
const creates = () => tw.admin.requests().filter((r) => r.type === 'create-message');

/** A local stand-in for the hub's public webhook endpoint: records every callback exactly as received. */
class CallbackReceiver {
  private readonly received: WebhookRequest[] = [];
  private readonly waiters: { match: (r: WebhookRequest) => boolean; resolve: (r: WebhookRequest) => void }[] = [];
  private server!: Server;
  url = '';

  async start(path = '/v1/webhooks/sms-twilio?tenant=kyiv'): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200).end();
        this.add({ method: req.method ?? 'POST', url: `http://${req.headers.host}${req.url}`, headers: headersOf(req), rawBody: Buffer.concat(chunks) });
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  /** The first callback (already received or still to come) matching the predicate. */
  next(match: (r: WebhookRequest) => boolean, timeoutMs = 5000): Promise<WebhookRequest> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching callback arrived')), timeoutMs);
      this.waiters.push({ match, resolve: (r) => (clearTimeout(timer), resolve(r)) });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private add(r: WebhookRequest) {
    this.received.push(r);
    for (const w of [...this.waiters]) {
      if (w.match(r)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
}

const statusOf = (status: string) => (r: WebhookRequest) => new URLSearchParams(r.rawBody.toString()).get('MessageStatus') === status;

/** Sends a dispatch with a StatusCallback to a local receiver and returns the first callback with `status`. */
async function captureCallback(cfg: TwilioConfig, status: string, data: Partial<NotificationDispatch> = {}): Promise<WebhookRequest> {
  const receiver = await new CallbackReceiver().start();
  try {
    await adapterFor(cfg, receiver.url).handle(dispatch(data), AbortSignal.timeout(10_000));
    return await receiver.next(statusOf(status));
  } finally {
    await receiver.close();
  }
}

const fixtureInput = dispatch();
const fixtureData = fixtureInput.data as NotificationDispatch;

runAdapterContractKit({
  definition: twilioSmsAdapter,
  startMock: async () => {
    tw = await startMock();
    return { url: tw.url, admin: tw.admin, close: () => tw.close() };
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => config(m.url, { authToken: 'wrong-twilio-auth-token' }),
  invalidConfigs: [
    { config: { accountSid: 'AC123', authToken: AUTH_TOKEN, from: SENDER }, path: '/accountSid' },
    { config: { accountSid: ACCOUNT_SID, from: SENDER }, path: '/authToken' },
    { config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, path: '/from' },
    { config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: 'MG1' }, path: '/messagingServiceSid' },
    { config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: 'not a sender id' }, path: '/from' },
    { config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, baseUrl: 'ftp://api.twilio.com' }, path: '/baseUrl' },
    { config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: SENDER, validityPeriodSeconds: 0 }, path: '/validityPeriodSeconds' },
  ],
  fixtures: [
    {
      name: 'notify.sms',
      input: fixtureInput,
      expectRequests: (recorded) => {
        expect(recorded.map((r) => [r.type, r.method, r.path])).toEqual([['create-message', 'POST', `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`]]);
        expect(recorded[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
        expect(recorded[0].headers.authorization).toBe('Basic');
        // No public URL in the kit's context, so no StatusCallback.
        expect(Object.fromEntries(new URLSearchParams(recorded[0].body))).toEqual({ To: PHONE, Body: TEXT, From: SENDER });
      },
      expectOutcome: (outcome) => {
        expect(outcome.results).toEqual([]);
        expect(outcome.deliveries).toEqual([{ dispatchId: fixtureData.dispatchId, providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'sent', occurredAt: expect.any(String) }]);
        expect(outcome.summary?.response).toEqual({ sid: outcome.deliveries![0].providerMessageId, status: 'queued', numSegments: 1 });
        expect(outcome.summary?.request).toMatchObject({ dispatchId: fixtureData.dispatchId, characters: [...TEXT].length, segments: 1, encoding: 'UCS-2' });
        const summary = JSON.stringify(outcome.summary);
        expect(summary).not.toContain(PHONE.slice(1));
        expect(summary).not.toContain('звернення');
        expect(tw.messages.get(outcome.deliveries![0].providerMessageId)).toMatchObject({ to: PHONE, body: TEXT, from: SENDER });
      },
      sideEffects: () => tw.messages.list({ to: PHONE }).filter((m) => m.body === TEXT).length,
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
    capture: (_m, cfg) => captureCallback(cfg, 'delivered'),
    expectOutcome: (outcome) => {
      expect(outcome.verified).toBe(true);
      expect(outcome.inbound).toEqual([]);
      expect(outcome.deliveries).toEqual([
        { providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'delivered', occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/) },
      ]);
      // The mock sends I-Twilio-Idempotency-Token, which wins over MessageSid:MessageStatus.
      expect(outcome.dedupKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(outcome.reply).toEqual({ status: 200 });
    },
  },
  bypass: {
    polling: 'Twilio reports delivery statuses by signed status callbacks (webhooks family); there are no case results to poll.',
  },
});

describe('sms.twilio specifics', () => {
  beforeEach(async () => {
    tw = await startMock();
  });
  afterEach(async () => {
    await tw.close();
  });

  describe('a dispatch reaches the citizen once', () => {
    it.each([
      ['a timeout after Twilio took the message', { fault: 'timeout', afterProcessing: true, count: 1, match: { type: 'create-message' } }, 500],
      ['a reset after Twilio took the message', { fault: 'reset', afterProcessing: true, count: 1, match: { type: 'create-message' } }, 10_000],
      ['a cut-off 2xx answer', { fault: 'malformed', count: 1, match: { type: 'create-message' } }, 10_000],
    ] as const)('reconciles after %s instead of sending again', async (_name, fault, timeoutMs) => {
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      tw.admin.fault(fault);
      const err = await errorOf(adapter.handle(ev, AbortSignal.timeout(timeoutMs)));
      expect(err).toBeInstanceOf(TransientError);
      tw.admin.clearFaults();
      const retry = await adapter.handle(ev, AbortSignal.timeout(10_000));
      expect(tw.messages.list({ to: PHONE })).toHaveLength(1);
      expect(retry.summary?.response).toMatchObject({ reconciled: true, sid: tw.messages.list({ to: PHONE })[0].sid });
      expect(retry.deliveries).toEqual([expect.objectContaining({ dispatchId: (ev.data as NotificationDispatch).dispatchId, status: expect.stringMatching(/^(sent|delivered)$/) })]);
      expect(tw.admin.requests().map((r) => r.type)).toEqual(['create-message', 'list-messages']);
    });

    it('sends after an uncertain attempt that did not reach Twilio, once', async () => {
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      tw.admin.fault({ fault: 'http-error', status: 503, count: 1 });
      expect(await errorOf(adapter.handle(ev, AbortSignal.timeout(10_000)))).toBeInstanceOf(TransientError);
      const retry = await adapter.handle(ev, AbortSignal.timeout(10_000));
      expect(retry.deliveries?.[0].status).toBe('sent');
      expect(tw.messages.count()).toBe(1);
      expect(tw.admin.requests().map((r) => r.type)).toEqual(['create-message', 'list-messages', 'create-message']);
    });

    it('does not take the message of another dispatch with the same text for the uncertain one', async () => {
      const adapter = adapterFor(config(tw.url));
      await adapter.handle(dispatch(), AbortSignal.timeout(10_000));
      const ev = dispatch();
      tw.admin.fault({ fault: 'reset', count: 1, match: { type: 'create-message' } });
      expect(await errorOf(adapter.handle(ev, AbortSignal.timeout(10_000)))).toBeInstanceOf(TransientError);
      const retry = await adapter.handle(ev, AbortSignal.timeout(10_000));
      expect(retry.summary?.response).not.toHaveProperty('reconciled');
      expect(tw.messages.count()).toBe(2);
      expect(new Set(tw.messages.list().map((m) => m.sid)).size).toBe(2);
    });

    it('answers a repeat from memory without calling Twilio', async () => {
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      const first = await adapter.handle(ev, AbortSignal.timeout(10_000));
      const second = await adapter.handle(ev, AbortSignal.timeout(10_000));
      expect(second.deliveries).toEqual(first.deliveries);
      expect(second.summary?.response).toMatchObject({ replayed: 'memory' });
      expect(creates()).toHaveLength(1);
    });

    it('makes a concurrent duplicate wait for the call in flight', async () => {
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      tw.admin.fault({ fault: 'latency', ms: 300, count: 1 });
      const [a, b] = await Promise.all([adapter.handle(ev, AbortSignal.timeout(10_000)), adapter.handle(ev, AbortSignal.timeout(10_000))]);
      expect(b.deliveries).toEqual(a.deliveries);
      expect(b.summary?.response).toMatchObject({ replayed: 'in-flight' });
      expect(creates()).toHaveLength(1);
      expect(tw.messages.count()).toBe(1);
    });

    it('gives a waiting duplicate up when its own deadline passes, still sending once', async () => {
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      tw.admin.fault({ fault: 'latency', ms: 400, count: 1 });
      const first = adapter.handle(ev, AbortSignal.timeout(10_000));
      const dup = await errorOf(adapter.handle(ev, AbortSignal.timeout(50)));
      expect(dup).toBeInstanceOf(TransientError);
      expect((await first).deliveries?.[0].status).toBe('sent');
      expect(creates()).toHaveLength(1);
    });
  });

  describe('classification', () => {
    it('carries Retry-After of a 429 as retryAfterMs', async () => {
      tw.admin.fault({ fault: 'rate-limit', retryAfterSeconds: 2, count: 1 });
      const err = await errorOf(adapterFor(config(tw.url)).handle(dispatch(), AbortSignal.timeout(10_000)));
      expect(err).toBeInstanceOf(TransientError);
      expect((err as TransientError).retryAfterMs).toBe(2000);
    });

    it('classifies the mock’s own throughput limit (429 / 20429) as transient', async () => {
      await tw.close();
      tw = await startTwilioMock({ accounts: [{ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }], ratePerSecond: 1 });
      const adapter = adapterFor(config(tw.url));
      const errors = await Promise.all([1, 2, 3].map(() => errorOf(adapter.handle(dispatch(), AbortSignal.timeout(10_000)))));
      const limited = errors.filter((e) => e !== undefined);
      expect(limited.length).toBeGreaterThan(0);
      for (const e of limited) expect(e).toMatchObject({ name: 'TransientError', retryAfterMs: expect.any(Number) });
    });

    it.each([
      ['unsubscribed', 'twilio:21610', true],
      ['invalid', 'twilio:21211', false],
      ['not-mobile', 'twilio:21614', false],
    ] as const)('a %s recipient is a failed delivery (%s), remembered, and nothing is sent', async (behaviour, code, inactive) => {
      tw.recipients.set(PHONE, behaviour);
      const adapter = adapterFor(config(tw.url));
      const ev = dispatch();
      const outcome = await adapter.handle(ev, AbortSignal.timeout(10_000));
      const id = (ev.data as NotificationDispatch).dispatchId;
      expect(outcome.deliveries).toEqual([
        {
          dispatchId: id,
          providerMessageId: `refused:${id}`,
          status: 'failed',
          failure: { code, message: expect.any(String) },
          ...(inactive ? { addressInactive: true } : {}),
          occurredAt: expect.any(String),
        },
      ]);
      expect(outcome.summary?.response).toEqual({ httpStatus: 400, errorCode: Number(code.slice(7)) });
      expect(JSON.stringify(outcome)).not.toContain(PHONE.slice(1));
      await adapter.handle(ev, AbortSignal.timeout(10_000));
      expect(creates()).toHaveLength(1);
      expect(tw.messages.count()).toBe(0);
    });

    it('refused credentials are permanent, and the probe says so without the token', async () => {
      const bad = adapterFor(config(tw.url, { authToken: 'wrong-twilio-auth-token' }));
      const err = await errorOf(bad.handle(dispatch(), AbortSignal.timeout(10_000)));
      expect(err).toBeInstanceOf(PermanentError);
      expect((err as Error).message).toContain('20003');
      const probe = await bad.probe();
      expect(probe.ok).toBe(false);
      expect(probe.detail).not.toContain('wrong-twilio-auth-token');
    });

    it('refuses a body over 1600 characters without calling Twilio', async () => {
      const err = await errorOf(adapterFor(config(tw.url)).handle(dispatch({ text: 'x'.repeat(1601) }), AbortSignal.timeout(10_000)));
      expect(failureClassOf(err)).toBe('permanent');
      expect(tw.admin.requests()).toEqual([]);
    });

    it('reports an address that is not a phone number as a failed delivery without calling Twilio', async () => {
      const outcome = await adapterFor(config(tw.url)).handle(dispatch({ address: 'citizen@example.org' }), AbortSignal.timeout(10_000));
      expect(outcome.deliveries?.[0]).toMatchObject({ status: 'failed', failure: { code: 'hub:invalid-address' } });
      expect(JSON.stringify(outcome)).not.toContain('citizen@');
      expect(tw.admin.requests()).toEqual([]);
    });

    it('refuses a dispatch for another channel, and an already aborted call, before any request', async () => {
      const adapter = adapterFor(config(tw.url));
      expect(await errorOf(adapter.handle(dispatch({ channel: 'email' }), AbortSignal.timeout(10_000)))).toBeInstanceOf(PermanentError);
      const ac = new AbortController();
      ac.abort();
      expect(await errorOf(adapter.handle(dispatch(), ac.signal))).toBeInstanceOf(TransientError);
      expect(tw.admin.requests()).toEqual([]);
    });

    it('keeps phone numbers and texts out of logs and errors', async () => {
      const logger = new CapturingLogger();
      const adapter = adapterFor(config(tw.url), undefined, logger);
      const seen: string[] = [];
      tw.recipients.set('+380509999999', 'invalid');
      for (const fault of [
        { fault: 'http-error', status: 500, count: 1 },
        { fault: 'reset', count: 1 },
      ] as const) {
        tw.admin.fault(fault);
        seen.push(String(await errorOf(adapter.handle(dispatch(), AbortSignal.timeout(10_000)))));
      }
      const refused = await adapter.handle(dispatch({ address: '+380509999999' }), AbortSignal.timeout(10_000));
      await adapter.handle(dispatch(), AbortSignal.timeout(10_000));
      const text = [...logger.lines, ...seen, JSON.stringify(refused)].join('\n');
      expect(logger.lines.length).toBeGreaterThan(0);
      for (const pii of ['380501234567', '380509999999', 'звернення']) expect(text).not.toContain(pii);
    });
  });

  describe('sending options', () => {
    it('passes the hub webhook URL as StatusCallback, unless turned off', async () => {
      const url = 'https://hub.example/v1/webhooks/sms-twilio';
      await adapterFor(config(tw.url), url).handle(dispatch(), AbortSignal.timeout(10_000));
      await adapterFor(config(tw.url, { statusCallback: false }), url).handle(dispatch(), AbortSignal.timeout(10_000));
      const bodies = creates().map((r) => new URLSearchParams(r.body).get('StatusCallback'));
      expect(bodies).toEqual([url, null]);
    });

    it('sends through a Messaging Service with a validity period; `accepted` counts as sent', async () => {
      const outcome = await adapterFor({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE, baseUrl: tw.url, validityPeriodSeconds: 600 }).handle(
        dispatch(),
        AbortSignal.timeout(10_000),
      );
      expect(Object.fromEntries(new URLSearchParams(creates()[0].body))).toEqual({ To: PHONE, Body: TEXT, MessagingServiceSid: SERVICE, ValidityPeriod: '600' });
      expect(outcome.deliveries?.[0].status).toBe('sent');
      expect(outcome.summary?.response).toMatchObject({ status: 'accepted' });
    });

    it('probes with a one-entry list', async () => {
      expect(await adapterFor(config(tw.url)).probe()).toEqual({ ok: true, detail: expect.any(String) });
      expect(tw.admin.requests().map((r) => [r.type, r.url])).toEqual([['list-messages', expect.stringContaining('PageSize=1')]]);
    });
  });

  describe('status callbacks', () => {
    const cfg = () => config(tw.url);

    it('reads an undelivered callback as failed with its error code', async () => {
      tw.recipients.set(PHONE, 'undelivered');
      const outcome = await adapterFor(cfg()).webhook(await captureCallback(cfg(), 'undelivered'));
      expect(outcome.verified).toBe(true);
      expect(outcome.deliveries).toEqual([
        { providerMessageId: expect.any(String), status: 'failed', failure: { code: 'twilio:30003', message: 'the handset is unreachable' }, occurredAt: expect.any(String) },
      ]);
    });

    it('marks the number inactive on a failed 30005 callback', async () => {
      tw.recipients.set(PHONE, 'failed', 30005);
      const outcome = await adapterFor(cfg()).webhook(await captureCallback(cfg(), 'failed'));
      expect(outcome.deliveries[0]).toMatchObject({ status: 'failed', failure: { code: 'twilio:30005' }, addressInactive: true });
    });

    it('reads every callback of a message, whatever their order, with distinct de-duplication keys', async () => {
      await tw.close();
      tw = await startTwilioMock({ accounts: [{ sid: ACCOUNT_SID, authToken: AUTH_TOKEN }], autoProgress: { sentAfterMs: 10, deliveredAfterMs: 30 }, outOfOrderCallbacks: true });
      const receiver = await new CallbackReceiver().start();
      try {
        const adapter = adapterFor(cfg(), receiver.url);
        await adapter.handle(dispatch(), AbortSignal.timeout(10_000));
        const sending = await receiver.next(statusOf('sending'));
        const sent = await receiver.next(statusOf('sent'));
        const delivered = await receiver.next(statusOf('delivered'));
        const outcomes = await Promise.all([sending, delivered, sent].map((r) => adapter.webhook(r)));
        expect(outcomes.map((o) => [o.verified, o.deliveries[0]?.status])).toEqual([
          [true, 'sent'],
          [true, 'delivered'],
          [true, 'sent'],
        ]);
        expect(new Set(outcomes.map((o) => o.dedupKey)).size).toBe(3);
        await tw.callbacks.waitFor((c) => c.status === 'sent' && c.httpStatus === 200);
        const order = tw.callbacks.list().map((c) => c.status);
        expect(order.indexOf('delivered')).toBeLessThan(order.indexOf('sent'));
      } finally {
        await receiver.close();
      }
    });

    it('falls back to MessageSid:MessageStatus without the idempotency token, and checks the exact URL called', async () => {
      const request = await captureCallback(cfg(), 'delivered');
      const { ['i-twilio-idempotency-token']: _token, ...headers } = request.headers;
      const sid = new URLSearchParams(request.rawBody.toString()).get('MessageSid');
      const adapter = adapterFor(cfg());
      expect(await adapter.webhook({ ...request, headers })).toMatchObject({ verified: true, dedupKey: `${sid}:delivered` });
      // Only default ports (:80 / :443) may be added or dropped; another port is another URL.
      expect((await adapter.webhook({ ...request, url: request.url.replace(/:\d+\//, '/') })).verified).toBe(false);
    });

    it('refuses a callback signed with another account’s token', async () => {
      const request = await captureCallback(cfg(), 'sent');
      expect((await adapterFor(config(tw.url, { authToken: 'another-auth-token-123' })).webhook(request)).verified).toBe(false);
    });
  });
});
