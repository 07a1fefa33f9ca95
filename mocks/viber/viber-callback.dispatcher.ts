import { backoff, CallbackClient, SentLog, type CallbackReply } from '../_kit';
import type { CallbackPayload } from './viber-events.factory';
import { toRawJson } from './viber-json.codec';
import { signViberBody } from './viber-signature.codec';
import { ALWAYS_SENT_EVENTS } from './viber-status.constants';
import type { ViberAccount } from './viber-domain.types';

/** One POST of a callback to a webhook. */
export interface CallbackAttempt {
  /** 1 for the first POST. */
  attempt: number;
  /** When it was sent (ISO). */
  at: string;
  /** HTTP status the webhook answered; null for no answer. */
  status: number | null;
  /** Why there was no answer (refused, timeout, ...). */
  error: string | null;
  durationMs: number;
}

/** A callback the mock sent (or is sending), with every attempt. */
export interface CallbackRecord {
  /** Increasing from 1, never reused; `POST /__admin/callbacks/:index/redeliver`. */
  index: number;
  /** `webhook`, `delivered`, `seen`, `failed`, `subscribed`, `unsubscribed`, `conversation_started`, `message`. */
  event: string;
  /** Name of the bot whose webhook got it. */
  account: string;
  url: string;
  /** The exact raw JSON body (tokens as raw 64-bit numbers). */
  body: string;
  /** `X-Viber-Content-Signature` sent with it. */
  signature: string;
  /** The body's `message_token` as a decimal string. */
  messageToken: string | null;
  /** The user the event is about. */
  userId: string | null;
  /** When it was created (ISO). */
  time: string;
  attempts: CallbackAttempt[];
  /** Attempts made so far. */
  attempt: number;
  /** Status of the last answer (null: none yet / no answer). */
  status: number | null;
  /** True once the webhook answered 2xx. */
  delivered: boolean;
  /** True when no more attempts will be made. */
  done: boolean;
  /** Index of the callback this one re-sends, for redeliveries. */
  redeliveryOf: number | null;
  /** Body of the last answer, cut at 2 KiB. */
  response: string | null;
}

/** The callback log: newest last, bounded, indexes never reused (they survive reset). */
export type CallbackLog = SentLog<CallbackRecord>;

/** A callback log keeping `max` entries. */
export function createCallbackLog(max: number): CallbackLog {
  return new SentLog<CallbackRecord>({
    max,
    what: 'callback',
    done: (r) => r.done,
    copy: (r) => ({ ...r, attempts: r.attempts.map((a) => ({ ...a })) }),
  });
}

/** A finished callback and what the webhook answered last. */
export interface CallbackOutcome {
  record: CallbackRecord;
  /** The last reply (its body carries a welcome message after `conversation_started`). */
  reply: CallbackReply | null;
}

/** Collaborators of the {@link CallbackDispatcher}. */
export interface CallbackDispatcherDeps {
  /** The kit's client, with the mock's socket cap and timeout. */
  client: CallbackClient;
  log: CallbackLog;
  clock: () => number;
  /** Extra attempts after a non-2xx answer (read per callback: it is a run-time setting). */
  retries: () => number;
  /** Pause before retry n is n × this. */
  retryDelayMs: number;
}

/**
 * Serializes, signs and POSTs callbacks through the kit's client, retrying non-2xx answers after
 * n × `retryDelayMs`, and logs every attempt. The signature is computed over the exact bytes
 * sent, with the bot's auth token as HMAC key.
 */
export class CallbackDispatcher {
  /** @param deps client, log, clock and retry policy */
  constructor(private readonly deps: CallbackDispatcherDeps) {}

  /**
   * Sends an event to the bot's webhook when one is set and the event is subscribed (or
   * mandatory). Resolves when the last attempt is over; null when nothing was sent.
   */
  emit(account: ViberAccount, payload: CallbackPayload, meta: { userId?: string | null } = {}): Promise<CallbackOutcome | null> {
    const webhook = account.webhook;
    if (!webhook) return Promise.resolve(null);
    if (!ALWAYS_SENT_EVENTS.includes(payload.event) && !webhook.eventTypes.includes(payload.event)) return Promise.resolve(null);
    return this.post(account, webhook.url, toRawJson(payload), {
      event: payload.event,
      messageToken: payload.message_token.toString(),
      userId: meta.userId ?? null,
      retries: this.deps.retries(),
      redeliveryOf: null,
    });
  }

  /** POSTs a raw body (already serialized) to a URL, with `retries` extra attempts on failure. */
  async post(
    account: ViberAccount,
    url: string,
    body: string,
    meta: { event: string; messageToken: string | null; userId: string | null; retries: number; redeliveryOf: number | null },
  ): Promise<CallbackOutcome> {
    const signature = signViberBody(account.authToken, body);
    const record = this.deps.log.add((index) => ({
      index,
      event: meta.event,
      account: account.name,
      url,
      body,
      signature,
      messageToken: meta.messageToken,
      userId: meta.userId,
      time: new Date(this.deps.clock()).toISOString(),
      redeliveryOf: meta.redeliveryOf,
      attempts: [],
      attempt: 0,
      status: null,
      delivered: false,
      done: false,
      response: null,
    }));
    const outcome = await this.deps.client.deliver({
      url,
      body,
      headers: { 'content-type': 'application/json' },
      sign: () => ({ 'x-viber-content-signature': signature }),
      retries: meta.retries,
      delayMs: backoff.linear(this.deps.retryDelayMs),
      onAttempt: (attempt, startedAt, reply) => {
        record.attempts.push({ attempt, at: new Date(startedAt).toISOString(), status: reply.status, error: reply.error, durationMs: reply.durationMs });
        record.attempt = attempt;
        record.status = reply.status;
        record.response = reply.body.length > 2048 ? reply.body.slice(0, 2048) : reply.body;
      },
    });
    record.delivered = outcome.delivered;
    record.done = true;
    this.deps.log.finish(record);
    return { record, reply: outcome.reply };
  }

  /** Stops pending retries and callbacks in flight (reset / close). */
  cancelRetries(): void {
    this.deps.client.cancelAll();
  }
}
