import { CallbackClient, type CallbackReply } from '../_kit';
import type { DeliveryAttempt, StoredUpdate, TgUpdateQueue } from './tg-update-queue.repository';

/** A webhook as setWebhook configured it. */
export interface WebhookConfig {
  /** As given to setWebhook (getWebhookInfo shows it). */
  url: string;
  /** The URL POSTed to: `url` with `https://` added when it had no scheme. */
  target: string;
  /** Sent as `X-Telegram-Bot-Api-Secret-Token`; null when none was set. */
  secretToken: string | null;
  maxConnections: number;
  hasCustomCertificate: boolean;
  ipAddress: string | null;
}

/** What the dispatcher needs from its bot. */
export interface WebhookDispatcherDeps {
  queue: TgUpdateQueue;
  /** The current webhook, or null when none is set. */
  config(): WebhookConfig | null;
  /** Retries after the first failed attempt (the option `webhookRetries`). */
  retries: number;
  /** Delay before the first retry, doubled for each next one. */
  retryDelayMs: number;
  timeoutMs: number;
  clock: () => number;
  /** A failed attempt: getWebhookInfo's last_error_date / last_error_message. */
  onError(message: string): void;
  /** The receiver answered a 2xx with a method call in the body (a "webhook reply"). */
  onReply(method: string, params: Record<string, unknown>): Promise<{ ok: boolean; description?: string }>;
}

const MAX_RETRY_AFTER_S = 3600;
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * POSTs pending updates to the webhook as Telegram does: in update_id order within a chat, one
 * at a time per chat, up to `max_connections` chats in parallel. A non-2xx answer or a network
 * error is retried after a growing pause (or the receiver's `Retry-After`); when the retries run
 * out the update stays pending and blocks its chat until the next nudge. The POSTs, pauses and
 * cancellation are the kit's {@link CallbackClient}.
 */
export class TgWebhookDispatcher {
  private inFlight = 0;
  private readonly client: CallbackClient;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  /** @param deps the bot's queue, webhook and hooks */
  constructor(private readonly deps: WebhookDispatcherDeps) {
    // max_connections is at most 100; replies over 1 MiB are ignored, as Telegram ignores them.
    this.client = new CallbackClient({ timeoutMs: deps.timeoutMs, maxSockets: 100, maxReplyBytes: MAX_REPLY_BYTES });
  }

  /** Starts deliveries that can start now. Cheap when there is nothing to do. */
  pump(): void {
    const config = this.deps.config();
    if (config === null || this.closed) return this.settle();
    const busyKeys = new Set<string>();
    for (const u of this.deps.queue.pendingInOrder()) {
      if (this.inFlight >= config.maxConnections) break;
      if (busyKeys.has(u.queueKey)) continue;
      busyKeys.add(u.queueKey); // only the oldest pending update of a chat may go
      if (u.inFlight || u.parked) continue;
      void this.deliver(u, config);
    }
    this.settle();
  }

  /** Gives parked updates a new round of attempts. */
  retryParked(): void {
    this.deps.queue.unparkAll();
    this.pump();
  }

  /**
   * POSTs an update once more, whatever its state (the receiver must de-duplicate by update_id).
   * @returns the attempt; with no webhook set, an attempt with the error `no webhook is set`
   */
  async redeliver(u: StoredUpdate): Promise<DeliveryAttempt> {
    const config = this.deps.config();
    if (config === null) {
      const attempt: DeliveryAttempt = { at: new Date(this.deps.clock()).toISOString(), kind: 'redeliver', url: '', status: null, error: 'no webhook is set', durationMs: 0 };
      this.deps.queue.addAttempt(u, attempt);
      return attempt;
    }
    this.inFlight++;
    try {
      let last: DeliveryAttempt | null = null;
      await this.client.deliver({ ...this.job(u, config, 'redeliver', (a) => (last = a)), retries: 0 });
      return last ?? this.cancelledAttempt(config, 'redeliver');
    } finally {
      this.inFlight--;
      this.settle();
    }
  }

  /** Resolves when no delivery is under way (parked updates do not count). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Abandons every delivery under way (the webhook changed, or reset); later pumps start afresh. */
  stop(): void {
    this.client.cancelAll();
  }

  /** Abandons every delivery and never starts another (the mock is closing). */
  shutdown(): void {
    this.closed = true;
    this.client.close();
  }

  private async deliver(u: StoredUpdate, config: WebhookConfig): Promise<void> {
    u.inFlight = true;
    this.inFlight++;
    try {
      const outcome = await this.client.deliver({ ...this.job(u, config, 'webhook'), retries: this.deps.retries });
      if (outcome.cancelled) return;
      if (outcome.delivered) this.deps.queue.markDelivered(u);
      else u.parked = true;
    } finally {
      u.inFlight = false;
      this.inFlight--;
      // Also after a cancel: updates skipped while this one was in flight may go now.
      this.pump();
    }
  }

  /** The kit job for one update: JSON, the secret header, Telegram's backoff, each attempt recorded. */
  private job(u: StoredUpdate, config: WebhookConfig, kind: DeliveryAttempt['kind'], seen?: (a: DeliveryAttempt) => void) {
    return {
      url: config.target,
      body: JSON.stringify(u.update),
      headers: { 'content-type': 'application/json' },
      sign: (): Record<string, string> => (config.secretToken === null ? {} : { 'x-telegram-bot-api-secret-token': config.secretToken }),
      delayMs: (n: number, last: CallbackReply) => retryAfterMs(last) ?? this.deps.retryDelayMs * 2 ** (n - 1),
      onAttempt: async (_n: number, startedAt: number, reply: CallbackReply) => {
        const attempt: DeliveryAttempt = {
          at: new Date(startedAt).toISOString(),
          kind,
          url: config.url,
          status: reply.status,
          error: attemptError(reply),
          durationMs: reply.durationMs,
        };
        if (attempt.error === null) {
          const reply_ = await this.webhookReply(reply.headers['content-type'] ?? '', reply.truncated ? '' : reply.body);
          if (reply_ !== undefined) attempt.reply = reply_;
        } else {
          this.deps.onError(attempt.error);
        }
        this.deps.queue.addAttempt(u, attempt);
        seen?.(attempt);
      },
    };
  }

  private cancelledAttempt(config: WebhookConfig, kind: DeliveryAttempt['kind']): DeliveryAttempt {
    return { at: new Date(this.deps.clock()).toISOString(), kind, url: config.url, status: null, error: 'Webhook connection closed', durationMs: 0 };
  }

  /**
   * Telegram executes a method the receiver puts in its 2xx answer, except setWebhook,
   * deleteWebhook, close, logOut and get* methods.
   */
  private async webhookReply(contentType: string, text: string): Promise<DeliveryAttempt['reply']> {
    if (!contentType.toLowerCase().includes('application/json') || text.trim() === '') return undefined;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const params = body as Record<string, unknown>;
    if (typeof params.method !== 'string' || params.method === '') return undefined;
    const method = params.method;
    const lower = method.toLowerCase();
    if (['setwebhook', 'deletewebhook', 'close', 'logout'].includes(lower) || lower.startsWith('get')) return undefined;
    try {
      return { method, ...(await this.deps.onReply(method, params)) };
    } catch (err) {
      return { method, ok: false, description: (err as Error).message };
    }
  }

  private settle(): void {
    if (this.inFlight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Null on a 2xx; otherwise what getWebhookInfo shows as `last_error_message`. */
function attemptError(reply: CallbackReply): string | null {
  if (reply.status !== null) {
    return reply.status >= 200 && reply.status <= 299 ? null : `Wrong response from the webhook: ${reply.status} ${reply.statusText}`.trim();
  }
  return reply.errorCode === 'TIMEOUT' ? 'Read timeout expired' : networkError(reply.errorCode, reply.error);
}

/** The receiver's `Retry-After` on a failed answer, capped at an hour. */
function retryAfterMs(reply: CallbackReply): number | undefined {
  const retryAfter = Number(reply.headers['retry-after']);
  return Number.isInteger(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000 : undefined;
}

/** Telegram's wording of the usual network failures (getWebhookInfo's `last_error_message`). */
function networkError(code: string | null, message: string | null): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'Webhook connection closed';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Failed to resolve host: Name or service not known';
    case 'ETIMEDOUT':
      return 'Connection timed out';
    default:
      return `Connection error: ${message ?? 'unknown'}`;
  }
}
