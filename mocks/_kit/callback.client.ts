import http from 'node:http';
import https from 'node:https';
import { sleepUnlessAborted } from './waiter.helper';

/** What a receiver answered to one POST. Never an exception: a failure is data a mock records. */
export interface CallbackReply {
  /** HTTP status; null when there was no answer (refused, reset, timeout, bad URL, cancelled). */
  status: number | null;
  /** The status line's text (`Bad Gateway`), empty when none. */
  statusText: string;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** Response body as text, cut at `maxReplyBytes`. */
  body: string;
  /** True when the body was longer than `maxReplyBytes`. */
  truncated: boolean;
  /** Why there was no answer, for people (`ECONNREFUSED`, `no answer within 5000 ms`). */
  error: string | null;
  /** The Node error code behind `error` (`ECONNREFUSED`, `ECONNRESET`…), `TIMEOUT`, `CANCELLED` or `INVALID_URL`. */
  errorCode: string | null;
  durationMs: number;
}

/** Settings of a {@link CallbackClient}. */
export interface CallbackClientOptions {
  /** An attempt with no complete answer after this long fails (queueing behind the socket cap included). */
  timeoutMs: number;
  /** Keep-alive sockets per origin; more callbacks queue (default 64). */
  maxSockets?: number;
  /** Reply bytes kept (default 64 KiB). */
  maxReplyBytes?: number;
}

/** One callback to deliver, with its retries. */
export interface CallbackJob {
  url: string;
  body: string | Buffer;
  /** Headers before signing (content type, vendor's user agent…). */
  headers: Record<string, string>;
  /**
   * The vendor's signing hook: extra headers computed from the URL and the exact bytes sent
   * (Twilio signs URL + form parameters, Viber the raw body; Telegram echoes a secret).
   */
  sign?: (url: string, body: string | Buffer) => Record<string, string>;
  /** Extra attempts after one that got no 2xx. */
  retries: number;
  /** Pause before retry `n` (1 = the first retry); see {@link backoff}. */
  delayMs: (n: number, last: CallbackReply) => number;
  /** Called (and awaited) after every finished attempt of a delivery that was not cancelled. */
  onAttempt?: (attempt: number, startedAt: number, reply: CallbackReply) => void | Promise<void>;
  /** Stops this delivery (in addition to the client's own `cancelAll`). */
  signal?: AbortSignal;
}

/** How a delivery ended. */
export interface CallbackOutcome {
  /** True once an attempt got a 2xx. */
  delivered: boolean;
  /** True when it was cancelled before it ended (reset, webhook changed, mock closing). */
  cancelled: boolean;
  attempts: number;
  /** The last answer, null when no attempt was made. */
  reply: CallbackReply | null;
}

/** Retry pauses as vendors document them. */
export const backoff = {
  /** The same pause before every retry (Twilio). */
  fixed: (ms: number) => () => ms,
  /** Retry n waits n × ms (the Viber mock's choice; Viber documents none). */
  linear: (ms: number) => (n: number) => n * ms,
  /** Retry n waits ms × 2^(n-1) (Telegram's growing pause). */
  exponential: (ms: number) => (n: number) => ms * 2 ** (n - 1),
} as const;

const DEFAULT_MAX_REPLY = 64 * 1024;

/**
 * POSTs callbacks (status callbacks, webhooks) the way every mock needs: keep-alive agents with a
 * socket cap, so a 100 000-message run does not open a connection per callback; a timeout that
 * also covers queueing, so a stuck receiver cannot stall the mock; retries with a vendor's
 * backoff and signing hook; cancellation on reset and close that stops pauses and requests at
 * once. The record of what was sent stays with each mock (its shape is the vendor's), fed by
 * `onAttempt`.
 */
export class CallbackClient {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly inFlight = new Set<http.ClientRequest>();
  private lifetime = new AbortController();
  private closed = false;

  /** @param options timeout, socket cap and reply size */
  constructor(private readonly options: CallbackClientOptions) {
    const maxSockets = options.maxSockets ?? 64;
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets }), https: new https.Agent({ keepAlive: true, maxSockets }) };
  }

  /** Delivers one callback, retrying until a 2xx, the retries run out, or it is cancelled. */
  async deliver(job: CallbackJob): Promise<CallbackOutcome> {
    const signal = job.signal ? AbortSignal.any([this.lifetime.signal, job.signal]) : this.lifetime.signal;
    const headers = { ...job.headers, ...(job.sign?.(job.url, job.body) ?? {}) };
    let reply: CallbackReply | null = null;
    for (let attempt = 1; attempt <= job.retries + 1; attempt++) {
      if (attempt > 1 && !(await sleepUnlessAborted(job.delayMs(attempt - 1, reply as CallbackReply), signal))) {
        return { delivered: false, cancelled: true, attempts: attempt - 1, reply };
      }
      if (signal.aborted) return { delivered: false, cancelled: true, attempts: attempt - 1, reply };
      const startedAt = Date.now();
      reply = await this.post(job.url, job.body, headers, signal);
      if (signal.aborted) return { delivered: false, cancelled: true, attempts: attempt, reply };
      await job.onAttempt?.(attempt, startedAt, reply);
      if (isSuccess(reply)) return { delivered: true, cancelled: false, attempts: attempt, reply };
    }
    return { delivered: false, cancelled: false, attempts: job.retries + 1, reply };
  }

  /** POSTs `body` to `url` once; never rejects. */
  post(url: string, body: string | Buffer, headers: Record<string, string>, signal?: AbortSignal): Promise<CallbackReply> {
    const started = Date.now();
    const fail = (error: string, errorCode: string): CallbackReply => ({
      status: null,
      statusText: '',
      headers: {},
      body: '',
      truncated: false,
      error,
      errorCode,
      durationMs: Date.now() - started,
    });
    if (this.closed || signal?.aborted) return Promise.resolve(fail('cancelled', 'CANCELLED'));
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(fail('invalid URL', 'INVALID_URL'));
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') return Promise.resolve(fail(`unsupported protocol ${target.protocol}`, 'INVALID_URL'));
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const maxReply = this.options.maxReplyBytes ?? DEFAULT_MAX_REPLY;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: CallbackReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight.delete(req);
        resolve(r);
      };
      const req = (secure ? https : http).request(target, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: { ...headers, 'content-length': String(payload.length) },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < maxReply) chunks.push(c);
          size += c.length;
        });
        res.on('end', () =>
          finish({
            status: res.statusCode ?? null,
            statusText: res.statusMessage ?? '',
            headers: flatHeaders(res.headers),
            body: Buffer.concat(chunks).subarray(0, maxReply).toString('utf8'),
            truncated: size > maxReply,
            error: null,
            errorCode: null,
            durationMs: Date.now() - started,
          }),
        );
        res.on('error', (e) => finish(fail(e.message, (e as NodeJS.ErrnoException).code ?? 'ERROR')));
      });
      const timer = setTimeout(() => {
        finish(fail(`no answer within ${this.options.timeoutMs} ms`, 'TIMEOUT'));
        req.destroy();
      }, this.options.timeoutMs);
      timer.unref();
      const onAbort = () => {
        finish(fail('cancelled', 'CANCELLED'));
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.inFlight.add(req);
      req.on('error', (e) => finish(fail((e as NodeJS.ErrnoException).code ?? e.message, (e as NodeJS.ErrnoException).code ?? 'ERROR')));
      req.end(payload);
    });
  }

  /** Cancels every delivery under way (pauses and requests); later deliveries start afresh. */
  cancelAll(): void {
    this.lifetime.abort();
    this.lifetime = new AbortController();
  }

  /** Cancels everything, refuses further posts and closes the keep-alive connections. */
  close(): void {
    this.closed = true;
    this.lifetime.abort();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** A 2xx answer. */
export function isSuccess(reply: CallbackReply): boolean {
  return reply.status !== null && reply.status >= 200 && reply.status < 300;
}

function flatHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}
