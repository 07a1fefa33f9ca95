import { randomUUID } from 'node:crypto';
import { backoff, CallbackClient, SentLog } from '../_kit';
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
 * Posts status callbacks through the kit's {@link CallbackClient}: form-encoded, signed
 * (`X-Twilio-Signature` over URL + parameters), with an idempotency token shared by the retries
 * of one callback, retried after a fixed pause on anything but a 2xx. Every attempt goes to a
 * bounded {@link SentLog}.
 */
export class CallbackDispatcher {
  private readonly log: SentLog<CallbackAttempt>;
  private readonly client: CallbackClient;

  /** @param options retry policy, timeouts and log size */
  constructor(private readonly options: DispatcherOptions) {
    this.log = new SentLog<CallbackAttempt>({ max: options.logLimit, what: 'callback', copy });
    this.client = new CallbackClient({ timeoutMs: options.timeoutMs, maxSockets: 64 });
  }

  /**
   * Delivers one callback, retrying as configured (a `#rc=N` fragment on the URL overrides the
   * retry count, as Twilio's connection overrides do).
   * @returns true when the receiver answered 2xx; false when every attempt failed or the mock was reset
   */
  async deliver(job: CallbackJob): Promise<boolean> {
    const { url, retries } = splitOverrides(job.url, this.options.retries);
    const signature = twilioSignature(job.authToken, url, job.params);
    const token = randomUUID();
    const outcome = await this.client.deliver({
      url,
      body: encodeForm(job.params),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'i-twilio-idempotency-token': token,
        'user-agent': 'TwilioProxy/1.1',
        'x-home-region': 'us1',
        accept: '*/*',
      },
      sign: () => ({ 'x-twilio-signature': signature }),
      retries,
      delayMs: backoff.fixed(this.options.retryDelayMs),
      onAttempt: (attempt, startedAt, reply) => {
        const entry = this.log.add((seq) => ({
          seq,
          messageSid: job.messageSid,
          status: job.params.MessageStatus ?? '',
          url,
          params: { ...job.params },
          signature,
          idempotencyToken: token,
          attempt,
          httpStatus: reply.status,
          error: reply.error,
          time: new Date(startedAt).toISOString(),
          durationMs: reply.durationMs,
        }));
        this.log.finish(entry);
      },
    });
    return outcome.delivered;
  }

  /** Logged attempts, oldest first; optionally those of one message. */
  list(filter: { sid?: string } = {}): CallbackAttempt[] {
    return this.log.list((a) => filter.sid === undefined || a.messageSid === filter.sid);
  }

  /** Resolves with the first logged attempt (past or future) matching the predicate. */
  waitFor(predicate: (a: CallbackAttempt) => boolean = () => true, options: { timeoutMs?: number } = {}): Promise<CallbackAttempt> {
    return this.log.waitFor(predicate, options);
  }

  /** Forgets the log (sequence numbers keep counting). */
  clearLog(): void {
    this.log.clear();
  }

  /** Forgets the log and abandons callbacks in progress (no further attempts, none logged). */
  reset(): void {
    this.client.cancelAll();
    this.clearLog();
  }

  /** Abandons everything and closes the keep-alive connections. */
  close(): void {
    this.clearLog();
    this.client.close();
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
