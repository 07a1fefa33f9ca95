import type { CallbackLog, CallbackRecord } from './viber-callback-log.repository';
import type { CallbackPayload } from './viber-events.factory';
import { toRawJson } from './viber-json.codec';
import { signViberBody } from './viber-signature.codec';
import { ALWAYS_SENT_EVENTS } from './viber-status.constants';
import type { ViberAccount } from './viber-domain.types';
import type { WebhookClient, WebhookReply } from './viber-webhook.client';

/** A finished callback and what the webhook answered last. */
export interface CallbackOutcome {
  record: CallbackRecord;
  /** The last reply (its body carries a welcome message after `conversation_started`). */
  reply: WebhookReply | null;
}

/** Collaborators of the {@link CallbackDispatcher}. */
export interface CallbackDispatcherDeps {
  client: WebhookClient;
  log: CallbackLog;
  clock: () => number;
  /** Extra attempts after a non-2xx answer (read per callback: it is a run-time setting). */
  retries: () => number;
  /** Pause before retry n is n × this. */
  retryDelayMs: number;
}

/**
 * Serializes, signs and POSTs callbacks, retrying non-2xx answers, and logs every attempt. The
 * signature is computed over the exact bytes sent, with the bot's auth token as HMAC key.
 */
export class CallbackDispatcher {
  /** Bumped by reset/close: retry loops of an older generation stop. */
  private generation = 0;

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
    const generation = this.generation;
    const signature = signViberBody(account.authToken, body);
    const record = this.deps.log.open({
      event: meta.event,
      account: account.name,
      url,
      body,
      signature,
      messageToken: meta.messageToken,
      userId: meta.userId,
      time: new Date(this.deps.clock()).toISOString(),
      redeliveryOf: meta.redeliveryOf,
    });
    const headers = { 'content-type': 'application/json', 'x-viber-content-signature': signature };
    let reply: WebhookReply | null = null;
    for (let attempt = 1; attempt <= meta.retries + 1; attempt++) {
      if (attempt > 1 && !(await this.pause((attempt - 1) * this.deps.retryDelayMs, generation))) break;
      const at = new Date(this.deps.clock()).toISOString();
      reply = await this.deps.client.post(url, body, headers);
      record.attempts.push({ attempt, at, status: reply.status, error: reply.error, durationMs: reply.durationMs });
      record.attempt = attempt;
      record.status = reply.status;
      record.response = reply.body.length > 2048 ? reply.body.slice(0, 2048) : reply.body;
      if (reply.status !== null && reply.status >= 200 && reply.status < 300) {
        record.delivered = true;
        break;
      }
      if (generation !== this.generation) break;
    }
    this.deps.log.close(record);
    return { record, reply };
  }

  /** Stops pending retries (reset / close). */
  cancelRetries(): void {
    this.generation++;
  }

  private pause(ms: number, generation: number): Promise<boolean> {
    if (generation !== this.generation) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => setTimeout(() => resolve(generation === this.generation), ms).unref());
  }
}
