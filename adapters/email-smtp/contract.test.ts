import { createHash, randomUUID } from 'node:crypto';
import { createServer, Server, Socket } from 'node:net';
import { CloudEvent, exampleEvent, failureClassOf, HandleOutcome, NotificationDispatch, PermanentError, TransientError } from '../../contracts';
import type { ActiveFault, FaultSpec, RecordedRequest } from '../../mocks/_kit';
import { RunningSmtpMock, SmtpFaultSpec, startSmtpMock } from '../../mocks/smtp';
import { CapturingLogger, KitMock, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import { emailSmtpAdapter } from './index';
import { SmtpClient } from './smtp.client';
import type { SmtpConfig } from './smtp.config';

/*
 * The mandatory adapter contract kit against the SMTP mock (a real smtp-server, mocks/smtp), plus
 * what is specific to e-mail: Cyrillic round trips, attachments, refusals at RCPT/DATA, AUTH and
 * TLS settings, duplicates. The mock is separate code written to its wire contract
 * (mocks/smtp/README.md); nothing here is shared with the adapter.
 *
 * The kit drives faults with HTTP-shaped specs, which mean nothing to SMTP. `startMock()` wraps
 * the mock so that `admin.fault()` translates the specs listed in `transientFaults` (and the
 * probe family's `http-error 500`) into their SMTP counterparts:
 *
 * | kit fault                  | what the adapter meets                                              |
 * |----------------------------|---------------------------------------------------------------------|
 * | http-error 5xx             | `421 4.3.2 Service not available` instead of the greeting (connect) |
 * | http-error 421             | the same `421` at connect                                           |
 * | http-error 450             | `450 4.2.1 Mailbox busy` to RCPT TO                                 |
 * | http-error 451 / 452       | `451 4.3.0` / `452 4.3.1` after DATA (message not kept)             |
 * | http-error 454             | `454 4.7.0 Temporary authentication failure` to AUTH                |
 * | rate-limit                 | `451 4.7.1` to MAIL FROM (greylisting / sending-rate limit)         |
 * | reset                      | TCP RST on connect (a loopback proxy in front of the mock)          |
 * | timeout                    | the proxy accepts the connection and never says anything            |
 * | malformed                  | the proxy answers a non-SMTP line instead of the greeting           |
 *
 * Anything else is refused loudly, so a spec never silently injects nothing. The adapter always
 * talks to the proxy (a plain TCP pipe when no proxy fault is set), so STARTTLS and AUTH run
 * end to end against the real server behind it.
 *
 * The transient faults are given without `count`: the pooled transport re-sends a message once
 * over a fresh connection when its connection closes without an error (maxRequeues 1, meant for
 * connections a server dropped while idle). A standing fault keeps that re-send from turning an
 * injected failure into a success; the classification is what is under test here.
 *
 * `admin.requests()` has no HTTP requests to show: it returns the messages the mock accepted since
 * the last `clearRequests()`, one RecordedRequest each, with the headers as received (lower-case,
 * undecoded) and the raw source as `body`. Refused messages are not there (the mock keeps
 * them in `mailbox.rejections()`).
 */

const USER = 'hub';
const PASSWORD = 'smtp-demo-secret';
const FROM = '"Київ Цифровий" <noreply@kyiv.example>';
const CITIZEN = 'ivan.petrenko@example.org';
const SUBJECT = 'Ваше звернення № 42 зареєстровано — «Київ Цифровий»';
const TEXT = 'Шановний заявнику!\nВаше звернення EP-42 зареєстровано 03.06 о 10:15. Відповідь надійде протягом 15 днів.\n';
const HTML = '<p>Шановний заявнику!</p><p>Ваше звернення <b>EP-42</b> зареєстровано.</p>';

let smtp: RunningSmtpMock;

/** A dispatch event for the e-mail channel with its own dispatch id. */
function dispatch(data: Partial<NotificationDispatch> = {}): CloudEvent {
  const base = exampleEvent('notification.dispatch', { id: randomUUID() });
  const dispatchId = randomUUID();
  return {
    ...base,
    id: dispatchId,
    data: { ...(base.data as NotificationDispatch), dispatchId, channel: 'email', address: CITIZEN, subject: SUBJECT, text: TEXT, html: HTML, locale: 'uk', priority: 'normal', ...data },
  };
}

const dataOf = (e: CloudEvent) => e.data as NotificationDispatch;
const messageIdOf = (e: CloudEvent) => `<${dataOf(e).dispatchId}@kyiv.example>`;
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

/** A config pointed at `host:port`. */
function config(url: string, extra: Partial<SmtpConfig> = {}): SmtpConfig {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), user: USER, password: PASSWORD, from: FROM, tlsRejectUnauthorized: false, connectionTimeoutMs: 2_000, ...extra };
}

/** The adapter as the hub creates it. */
function adapterFor(cfg: SmtpConfig, logger = new CapturingLogger()) {
  return emailSmtpAdapter.create(cfg, { instanceId: 'email-smtp', logger, now: () => new Date() });
}

type ProxyMode = 'reset' | 'timeout' | 'malformed';

/**
 * A loopback TCP proxy in front of the SMTP mock: pipes bytes both ways, or (while a fault is
 * set) resets, stalls or garbles new connections. It stands in for what the SMTP mock cannot
 * inject itself: a network that breaks below SMTP.
 */
class FaultProxy {
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private fault: { mode: ProxyMode; remaining: number | null } | null = null;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  set(mode: ProxyMode, count?: number): void {
    this.fault = { mode, remaining: count ?? null };
  }

  clear(): void {
    this.fault = null;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => undefined);
    const mode = this.take();
    if (mode === 'reset') return void client.resetAndDestroy();
    if (mode === 'timeout') return; // held open and silent until the client gives up or the proxy closes
    if (mode === 'malformed') return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const upstream = new Socket();
    this.track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.connect(this.upstreamPort, '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  private take(): ProxyMode | null {
    const f = this.fault;
    if (!f) return null;
    if (f.remaining !== null && --f.remaining <= 0) this.fault = null;
    return f.mode;
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }
}

/** The SMTP fault a kit `http-error` status stands for (see the table above). */
function smtpFaultFor(status: number, count?: number): SmtpFaultSpec {
  const c = count !== undefined ? { count } : {};
  if (status >= 500 || status === 421) return { stage: 'connect', code: 421, ...c };
  if (status === 450) return { stage: 'rcpt', code: 450, ...c };
  if (status === 451 || status === 452) return { stage: 'data', code: status, ...c };
  if (status === 454) return { stage: 'auth', code: 454, ...c };
  throw new Error(`http-error ${status} has no SMTP counterpart in this test's translation`);
}

/** The SMTP mock behind a fault proxy, shaped as the kit's KitMock. */
async function startMock(options: Parameters<typeof startSmtpMock>[0] = {}): Promise<KitMock & { smtp: RunningSmtpMock; proxy: FaultProxy }> {
  const mock = await startSmtpMock(options);
  const proxy = await new FaultProxy(mock.port).start();
  let since = 0; // index of the first message `requests()` shows
  let faultSeq = 0;
  const active = (spec: FaultSpec): ActiveFault => ({ ...spec, id: `kit-${++faultSeq}`, remaining: spec.count ?? null, expiresAt: null, hits: 0 });
  return {
    url: `smtp://127.0.0.1:${proxy.port}`,
    smtp: mock,
    proxy,
    admin: {
      fault: (input) => {
        const specs = (Array.isArray(input) ? input : [input]) as FaultSpec[];
        return specs.map((spec) => {
          if (spec.match !== undefined || spec.durationMs !== undefined) throw new Error('match/durationMs are HTTP notions; not translated to SMTP');
          if (spec.fault === 'http-error') mock.faults.add(smtpFaultFor(spec.status ?? 500, spec.count));
          else if (spec.fault === 'rate-limit')
            mock.faults.add({ stage: 'mail', code: 451, message: '4.7.1 Sending rate exceeded, try again later', ...(spec.count !== undefined ? { count: spec.count } : {}) });
          else if (spec.fault === 'reset' || spec.fault === 'timeout' || spec.fault === 'malformed') proxy.set(spec.fault, spec.count);
          else throw new Error(`kit fault ${spec.fault} has no SMTP counterpart in this test's translation`);
          return active(spec);
        });
      },
      clearFaults: () => {
        mock.faults.clear();
        proxy.clear();
      },
      requests: () =>
        mock.mailbox.messages({ fromIndex: since }).map((m): RecordedRequest => {
          const raw = mock.mailbox.raw(m.index);
          return {
            seq: m.index + 1,
            time: m.receivedAt,
            method: 'DATA',
            url: mock.smtpUrl,
            path: '',
            headers: { ...m.headers },
            body: raw?.raw ? raw.raw.toString('utf8') : '',
            bodyBytes: m.size,
            bodyTruncated: m.rawTruncated,
            type: 'message',
            status: 250,
            fault: null,
            faultId: null,
            durationMs: 0,
            done: true,
          };
        }),
      clearRequests: () => {
        const all = mock.mailbox.messages();
        since = all.length ? all[all.length - 1].index + 1 : since;
      },
      reset: () => {
        mock.admin.reset();
        proxy.clear();
        since = 0;
      },
    },
    close: async () => {
      await proxy.close();
      await mock.close();
    },
  };
}

const fixtureEvent = dispatch();

runAdapterContractKit({
  definition: emailSmtpAdapter,
  startMock: async () => {
    const m = await startMock();
    smtp = m.smtp;
    return m;
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => config(m.url, { password: 'wrong-password-kit' }),
  invalidConfigs: [
    { config: { host: '', from: FROM }, path: '/host' },
    { config: { host: 'smtp.example.org', from: 'not an address' }, path: '/from' },
    { config: { host: 'smtp.example.org', from: 'a@example.org, b@example.org' }, path: '/from' },
    { config: { host: 'smtp.example.org', from: FROM, user: USER }, path: '/password' },
    { config: { host: 'smtp.example.org', from: FROM, password: PASSWORD }, path: '/user' },
    { config: { host: 'smtp.example.org', from: FROM, port: 70_000 }, path: '/port' },
    { config: { host: 'smtp.example.org', from: FROM, messageIdDomain: 'київ.укр' }, path: '/messageIdDomain' },
  ],
  fixtures: [
    {
      name: 'notify.email',
      input: fixtureEvent,
      expectRequests: (recorded) => {
        expect(recorded).toHaveLength(1);
        const h = recorded[0].headers;
        expect(h['message-id']).toBe(messageIdOf(fixtureEvent));
        expect(h.to).toBe(CITIZEN);
        // UTF-8 header text goes out as RFC 2047 encoded words; the header block stays ASCII.
        expect(h.subject).toMatch(/^=\?UTF-8\?[BQ]\?/i);
        expect(h.from).toMatch(/^=\?UTF-8\?[BQ]\?.*\?= <noreply@kyiv\.example>$/i);
        expect(h['auto-submitted']).toBe('auto-generated');
        expect(h['x-hub-dispatch-id']).toBe(dataOf(fixtureEvent).dispatchId);
        const headerBlock = recorded[0].body.split('\r\n\r\n')[0];
        expect(/^[\x00-\x7f]*$/.test(headerBlock)).toBe(true);
      },
      expectOutcome: (outcome) => {
        const d = dataOf(fixtureEvent);
        expect(outcome.results).toEqual([]);
        expect(outcome.deliveries).toEqual([{ dispatchId: d.dispatchId, providerMessageId: messageIdOf(fixtureEvent), status: 'sent', occurredAt: expect.any(String) }]);
        const captured = smtp.mailbox.byMessageId(messageIdOf(fixtureEvent));
        expect(captured).toBeDefined();
        expect(captured!.envelope).toEqual({ from: 'noreply@kyiv.example', to: [CITIZEN] });
        expect(captured!.subject).toBe(SUBJECT);
        expect(captured!.text).toBe(TEXT);
        expect(captured!.html).toBe(HTML);
        expect(captured!.from).toEqual([{ name: 'Київ Цифровий', address: 'noreply@kyiv.example' }]);
        expect(captured!.authUser).toBe(USER);
        expect(captured!.secure).toBe(true); // STARTTLS before AUTH
        // The journal summary holds ids and sizes only.
        const summary = JSON.stringify(outcome.summary);
        for (const personal of [CITIZEN, SUBJECT, 'Шановний']) expect(summary).not.toContain(personal);
        expect(outcome.summary?.response).toMatchObject({ status: 'sent', responseCode: 250, queueId: captured!.queueId });
      },
      sideEffects: () => smtp.mailbox.messages({ messageId: messageIdOf(fixtureEvent) }).length,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 421 },
    { fault: 'http-error', status: 503 },
    { fault: 'http-error', status: 450 },
    { fault: 'http-error', status: 451 },
    { fault: 'http-error', status: 452 },
    { fault: 'http-error', status: 454 },
    { fault: 'rate-limit', retryAfterSeconds: 60 },
    { fault: 'reset' },
    { fault: 'timeout' },
    { fault: 'malformed' },
  ],
  bypass: {
    polling: 'SMTP has nothing to poll: the 250 reply is the last status a submission server gives, and bounces (DSN) arrive later as mail to the sender, which this adapter does not read.',
    webhooks: 'SMTP has no callbacks; delivery failures after acceptance come back as DSN bounce mail, not as HTTP calls the hub could receive.',
  },
});

describe('email.smtp specifics', () => {
  let m: Awaited<ReturnType<typeof startMock>>;
  beforeEach(async () => {
    m = await startMock();
    smtp = m.smtp;
  });
  afterEach(async () => {
    await m.close();
  });

  const send = (cfg: SmtpConfig, event: CloudEvent, logger?: CapturingLogger) => adapterFor(cfg, logger).handle(event, AbortSignal.timeout(10_000));

  it('keeps Cyrillic subject, body, sender name and attachment names intact (RFC 2047 / RFC 2231)', async () => {
    const client = new SmtpClient(config(m.url));
    const pdf = Buffer.from('%PDF-1.4 відповідь на звернення', 'utf8');
    try {
      await client.send(
        {
          messageId: '<att-1@kyiv.example>',
          from: FROM,
          to: CITIZEN,
          subject: 'Відповідь на звернення № 42',
          text: 'Відповідь у вкладенні.',
          date: new Date('2026-04-01T10:00:00Z'),
          attachments: [{ filename: 'Відповідь на звернення № 42.pdf', content: pdf, contentType: 'application/pdf' }],
        },
        AbortSignal.timeout(10_000),
      );
    } finally {
      client.close();
    }
    const captured = smtp.mailbox.byMessageId('<att-1@kyiv.example>')!;
    expect(captured.subject).toBe('Відповідь на звернення № 42');
    expect(captured.text).toBe('Відповідь у вкладенні.');
    expect(captured.attachments).toEqual([
      expect.objectContaining({ filename: 'Відповідь на звернення № 42.pdf', contentType: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') }),
    ]);
    // The file name is encoded on the wire (RFC 2231 parameter continuations), never raw UTF-8 in a header.
    const raw = smtp.mailbox.raw(captured.index)!.raw!.toString('utf8');
    expect(raw).not.toContain('Відповідь на звернення № 42.pdf');
    expect(raw).toMatch(/filename\*0\*=utf-8''%D0%92/i);
  });

  it('reports 550 5.1.1 at RCPT TO as a failed delivery with the address inactive, once', async () => {
    smtp.mailbox.rejectRecipient(CITIZEN, { code: 550, message: `5.1.1 <${CITIZEN}>: Recipient address rejected: User unknown` });
    const event = dispatch();
    const logger = new CapturingLogger();
    const adapter = adapterFor(config(m.url), logger);
    const first = await adapter.handle(event, AbortSignal.timeout(10_000));
    expect(first.deliveries).toEqual([
      {
        dispatchId: dataOf(event).dispatchId,
        providerMessageId: messageIdOf(event),
        status: 'failed',
        failure: { code: 'smtp:550', message: expect.any(String) },
        addressInactive: true,
        occurredAt: expect.any(String),
      },
    ]);
    expect(smtp.mailbox.messages()).toEqual([]);
    // The server echoed the address in its reply; none of it reaches the report, the summary or the logs.
    expect(JSON.stringify([first, logger.lines])).not.toContain(CITIZEN);
    const refusals = smtp.mailbox.rejections().length;
    const again = await adapter.handle(event, AbortSignal.timeout(10_000));
    expect(again.deliveries).toEqual(first.deliveries);
    expect(again.summary?.response).toMatchObject({ replayed: 'memory' });
    expect(smtp.mailbox.rejections()).toHaveLength(refusals); // not sent again
  });

  it.each([
    [{ stage: 'rcpt', code: 553 } as SmtpFaultSpec, 'smtp:553'],
    [{ stage: 'data', code: 552 } as SmtpFaultSpec, 'smtp:552'],
    [{ stage: 'data', code: 554, message: '5.7.1 Message rejected as spam' } as SmtpFaultSpec, 'smtp:554'],
  ])('reports %j as a failed delivery %s (the hub tries another channel)', async (fault, code) => {
    smtp.faults.add({ ...fault, count: 1 });
    const out = await send(config(m.url), dispatch());
    expect(out.deliveries).toEqual([expect.objectContaining({ status: 'failed', failure: { code, message: expect.any(String) } })]);
    expect(out.deliveries![0].addressInactive).toBeUndefined();
    expect(smtp.mailbox.messages()).toEqual([]);
  });

  it('reports a message over the size limit (552 5.3.4) as a failed delivery', async () => {
    await m.close();
    m = await startMock({ sizeLimit: 2048 });
    smtp = m.smtp;
    const out = await send(config(m.url), dispatch({ text: 'Ж'.repeat(4000) }));
    expect(out.deliveries![0]).toMatchObject({ status: 'failed', failure: { code: 'smtp:552' } });
  });

  it('retries a deferred message (451 at DATA) and the retry sends it once', async () => {
    smtp.faults.add({ stage: 'data', code: 451, count: 1 });
    const adapter = adapterFor(config(m.url));
    const event = dispatch();
    const err = await errorOf(adapter.handle(event, AbortSignal.timeout(10_000)));
    expect(err).toBeInstanceOf(TransientError);
    const out = await adapter.handle(event, AbortSignal.timeout(10_000));
    expect(out.deliveries![0].status).toBe('sent');
    expect(smtp.mailbox.messages({ messageId: messageIdOf(event) })).toHaveLength(1);
  });

  it('asks for a 30 s back-off on 421', async () => {
    smtp.faults.add({ stage: 'connect', code: 421 });
    const err = await errorOf(send(config(m.url), dispatch()));
    expect(err).toBeInstanceOf(TransientError);
    expect((err as TransientError).retryAfterMs).toBe(30_000);
  });

  it('sends a duplicate arriving while the first is in flight only once', async () => {
    const adapter = adapterFor(config(m.url));
    const event = dispatch();
    const [a, b] = await Promise.all([adapter.handle(event, AbortSignal.timeout(10_000)), adapter.handle(structuredClone(event), AbortSignal.timeout(10_000))]);
    expect(a.deliveries).toEqual(b.deliveries);
    expect([a, b].map((o: HandleOutcome) => o.summary?.response?.replayed ?? null).sort()).toEqual(['in-flight', null].sort());
    expect(smtp.mailbox.messages({ messageId: messageIdOf(event) })).toHaveLength(1);
    expect(smtp.mailbox.duplicates()).toEqual([]);
  });

  it('sends nothing when the call is already aborted, and gives up on a stalled server when the call times out', async () => {
    const adapter = adapterFor(config(m.url));
    const ctl = new AbortController();
    ctl.abort();
    expect(failureClassOf(await errorOf(adapter.handle(dispatch(), ctl.signal)))).toBe('transient');
    m.proxy.set('timeout');
    const started = Date.now();
    const err = await errorOf(adapter.handle(dispatch(), AbortSignal.timeout(300)));
    expect(err).toBeInstanceOf(TransientError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(smtp.mailbox.messages()).toEqual([]);
  });

  it('refuses a malformed or multiple address without talking to the server', async () => {
    const out = await send(config(m.url), dispatch({ address: `${CITIZEN}, other@example.org` }));
    expect(out.deliveries![0]).toMatchObject({ status: 'failed', failure: { code: 'smtp:invalid-address' } });
    expect(smtp.mailbox.messages()).toEqual([]);
    expect(smtp.mailbox.rejections()).toEqual([]);
  });

  it('fails permanently when the server wants AUTH and none is configured (530)', async () => {
    const err = await errorOf(send(config(m.url, { user: undefined, password: undefined }), dispatch()));
    expect(err).toBeInstanceOf(PermanentError);
    expect(String(err)).toContain('530');
  });

  it('sends through a relay that takes mail without AUTH', async () => {
    await m.close();
    m = await startMock({ authOptional: true });
    smtp = m.smtp;
    const cfg = config(m.url);
    delete cfg.user;
    delete cfg.password;
    const event = dispatch();
    expect((await send(cfg, event)).deliveries![0].status).toBe('sent');
    expect(smtp.mailbox.byMessageId(messageIdOf(event))!.authUser).toBeNull();
  });

  it('speaks implicit TLS (port-465 style) with `secure`', async () => {
    await m.close();
    m = await startMock({ secure: true });
    smtp = m.smtp;
    const event = dispatch();
    expect((await send(config(m.url, { secure: true }), event)).deliveries![0].status).toBe('sent');
    expect(smtp.mailbox.byMessageId(messageIdOf(event))!.secure).toBe(true);
  });

  it('verifies certificates by default: the mock`s expired test certificate fails as a transient TLS error', async () => {
    const cfg = config(m.url, { requireTls: true });
    delete cfg.tlsRejectUnauthorized;
    const err = await errorOf(send(cfg, dispatch()));
    expect(err).toBeInstanceOf(TransientError);
    expect(String(err)).toContain('TLS');
    expect(await adapterFor(cfg).probe()).toMatchObject({ ok: false });
  });

  it('probes without sending, reports refused credentials, and never throws', async () => {
    expect(await adapterFor(config(m.url)).probe()).toEqual({ ok: true, detail: expect.any(String) });
    const bad = await adapterFor(config(m.url, { password: 'wrong-password-kit' })).probe();
    expect(bad).toMatchObject({ ok: false, detail: expect.stringContaining('535') });
    expect(bad.detail).not.toContain('wrong-password-kit');
    expect(await adapterFor(config('smtp://127.0.0.1:1')).probe()).toMatchObject({ ok: false });
    expect(smtp.mailbox.messages()).toEqual([]);
  });

  it('sends one message per dispatch without a pool too', async () => {
    const event = dispatch({ priority: 'high' });
    const out = await send(config(m.url, { pool: false }), event);
    expect(out.deliveries![0].status).toBe('sent');
    expect(smtp.mailbox.byMessageId(messageIdOf(event))!.headers['x-priority']).toMatch(/^1/);
  });
});
