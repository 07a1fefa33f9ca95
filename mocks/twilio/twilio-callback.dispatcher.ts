import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { randomUUID } from 'node:crypto';
import { encodeForm } from './twilio-form.codec';
import { twilioSignature } from './twilio-signature.codec';

/** One status callback to deliver (with its retries). */
export interface CallbackJob {
  messageSid: string;
  /** The `StatusCallback` as given, possibly with a `#rc=…` connection-override fragment. */
  url: string;
  params: Record<string, string>;
  /** Signs the request. */
  authToken: string;
}

/** One HTTP attempt of a callback, as `callbacks.list()` and `GET /__admin/callbacks` show it. */
export interface CallbackAttempt {
  /** Increasing per mock. */
  seq: number;
  messageSid: string;
  /** `MessageStatus` of the callback. */
  status: string;
  /** The URL posted to (fragment removed). */
  url: string;
  params: Record<string, string>;
  /** `X-Twilio-Signature` sent. */
  signature: string;
  /** `I-Twilio-Idempotency-Token` sent; the same on every attempt of one callback. */
  idempotencyToken: string;
  /** 1 for the first try, 2 for the first retry… */
  attempt: number;
  /** Status the receiver answered; null when it did not (connection refused, timeout). */
  httpStatus: number | null;
  /** Why there was no answer. */
  error: string | null;
  /** When the attempt started (ISO). */
  time: string;
  durationMs: number;
}

/** Settings of the dispatcher. */
export interface DispatcherOptions {
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  /** Attempts kept in the log (a ring: the oldest go first). */
  logLimit: number;
}

const MAX_OVERRIDE_RETRIES = 5;

/**
 * Posts status callbacks: form-encoded, signed, with an idempotency token shared by the retries
 * of one callback, retried on anything but a 2xx. Keeps a bounded log of attempts. Keep-alive
 * agents with a socket cap keep a 100 000-message run from opening a connection per callback.
 */
export class CallbackDispatcher {
  private readonly log: (CallbackAttempt | undefined)[];
  private next = 0;
  private seq = 0;
  private epoch = 0;
  private readonly events = new EventEmitter();
  private readonly inflight = new Set<http.ClientRequest>();
  private readonly sleepers = new Set<() => void>();
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  /** @param options retry policy, timeouts and log size */
  constructor(private readonly options: DispatcherOptions) {
    this.log = new Array(options.logLimit);
    this.events.setMaxListeners(0);
  }

  /**
   * Delivers one callback, retrying as configured (a `#rc=N` fragment on the URL overrides the
   * retry count, as Twilio's connection overrides do).
   * @returns true when the receiver answered 2xx; false when every attempt failed or the mock was reset
   */
  async deliver(job: CallbackJob): Promise<boolean> {
    const epoch = this.epoch;
    const { url, retries } = splitOverrides(job.url, this.options.retries);
    const signature = twilioSignature(job.authToken, url, job.params);
    const token = randomUUID();
    const body = encodeForm(job.params);
    for (let attempt = 1; attempt <= retries + 1; attempt++) {
      if (attempt > 1 && !(await this.sleep(this.options.retryDelayMs))) return false;
      if (epoch !== this.epoch) return false;
      const started = Date.now();
      const outcome = await this.post(url, body, signature, token);
      if (epoch !== this.epoch) return false;
      this.record({
        seq: ++this.seq,
        messageSid: job.messageSid,
        status: job.params.MessageStatus ?? '',
        url,
        params: { ...job.params },
        signature,
        idempotencyToken: token,
        attempt,
        httpStatus: outcome.status,
        error: outcome.error,
        time: new Date(started).toISOString(),
        durationMs: Date.now() - started,
      });
      if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) return true;
    }
    return false;
  }

  /** Logged attempts, oldest first; optionally those of one message. */
  list(filter: { sid?: string } = {}): CallbackAttempt[] {
    const out: CallbackAttempt[] = [];
    const n = this.log.length;
    for (let i = 0; i < n; i++) {
      const a = this.log[(this.next + i) % n];
      if (a && (filter.sid === undefined || a.messageSid === filter.sid)) out.push(copy(a));
    }
    return out;
  }

  /** Resolves with the first logged attempt (past or future) matching the predicate. */
  waitFor(predicate: (a: CallbackAttempt) => boolean = () => true, options: { timeoutMs?: number } = {}): Promise<CallbackAttempt> {
    const found = this.list().find(predicate);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const onAttempt = (a: CallbackAttempt) => {
        if (!predicate(a)) return;
        cleanup();
        resolve(copy(a));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching callback within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('attempt', onAttempt);
      };
      this.events.on('attempt', onAttempt);
    });
  }

  /** Forgets the log (sequence numbers keep counting). */
  clearLog(): void {
    this.log.fill(undefined);
    this.next = 0;
  }

  /** Forgets the log and abandons callbacks in progress (no further attempts, none logged). */
  reset(): void {
    this.epoch++;
    this.clearLog();
    for (const wake of this.sleepers) wake();
  }

  /** Abandons everything and closes the keep-alive connections. */
  close(): void {
    this.reset();
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private record(a: CallbackAttempt): void {
    if (this.log.length > 0) {
      this.log[this.next] = a;
      this.next = (this.next + 1) % this.log.length;
    }
    this.events.emit('attempt', a);
  }

  private post(url: string, body: string, signature: string, token: string): Promise<{ status: number | null; error: string | null }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: null, error: 'invalid URL' });
        return;
      }
      const secure = target.protocol === 'https:';
      const req = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-twilio-signature': signature,
          'i-twilio-idempotency-token': token,
          'user-agent': 'TwilioProxy/1.1',
          'x-home-region': 'us1',
          accept: '*/*',
        },
      });
      this.inflight.add(req);
      let settled = false;
      const done = (status: number | null, error: string | null) => {
        if (settled) return;
        settled = true;
        this.inflight.delete(req);
        resolve({ status, error });
      };
      req.setTimeout(this.options.timeoutMs, () => {
        done(null, `no answer within ${this.options.timeoutMs} ms`);
        req.destroy();
      });
      req.on('response', (res) => {
        res.on('error', () => done(res.statusCode ?? null, null));
        res.on('end', () => done(res.statusCode ?? null, null));
        res.resume();
      });
      req.on('error', (err) => done(null, (err as NodeJS.ErrnoException).code ?? err.message));
      req.end(body);
    });
  }

  /** Resolves true after `ms`, false when reset or closed first. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.sleepers.delete(wake);
        resolve(true);
      }, ms);
      this.sleepers.add(wake);
    });
  }
}

/**
 * Strips the fragment (never sent over HTTP, so not signed either) and reads Twilio's `rc`
 * connection override from it.
 */
export function splitOverrides(raw: string, defaultRetries: number): { url: string; retries: number } {
  const hash = raw.indexOf('#');
  if (hash === -1) return { url: raw, retries: defaultRetries };
  const rc = new URLSearchParams(raw.slice(hash + 1)).get('rc');
  const n = rc !== null && /^\d{1,2}$/.test(rc) ? Math.min(Number(rc), MAX_OVERRIDE_RETRIES) : defaultRetries;
  return { url: raw.slice(0, hash), retries: n };
}

function copy(a: CallbackAttempt): CallbackAttempt {
  return { ...a, params: { ...a.params } };
}
