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
 * out the update stays pending and blocks its chat until the next nudge.
 */
export class TgWebhookDispatcher {
  private inFlight = 0;
  private lifetime = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  /** @param deps the bot's queue, webhook and hooks */
  constructor(private readonly deps: WebhookDispatcherDeps) {}

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
      void this.deliver(u, config, this.lifetime.signal);
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
      return await this.post(u, config, 'redeliver', this.lifetime.signal);
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
    this.lifetime.abort();
    this.lifetime = new AbortController();
  }

  /** Abandons every delivery and never starts another (the mock is closing). */
  shutdown(): void {
    this.closed = true;
    this.lifetime.abort();
  }

  private async deliver(u: StoredUpdate, config: WebhookConfig, signal: AbortSignal): Promise<void> {
    u.inFlight = true;
    this.inFlight++;
    try {
      for (let attempt = 0; ; attempt++) {
        const result = await this.post(u, config, 'webhook', signal);
        if (signal.aborted) return;
        if (result.error === null) {
          this.deps.queue.markDelivered(u);
          return;
        }
        if (attempt >= this.deps.retries) {
          u.parked = true;
          return;
        }
        const delay = result.retryAfterMs ?? this.deps.retryDelayMs * 2 ** attempt;
        if (!(await sleep(delay, signal))) return;
      }
    } finally {
      u.inFlight = false;
      this.inFlight--;
      // Also after an abort: updates skipped while this one was in flight may go now.
      this.pump();
    }
  }

  private async post(
    u: StoredUpdate,
    config: WebhookConfig,
    kind: DeliveryAttempt['kind'],
    signal: AbortSignal,
  ): Promise<DeliveryAttempt & { retryAfterMs?: number }> {
    const started = this.deps.clock();
    const attempt: DeliveryAttempt & { retryAfterMs?: number } = {
      at: new Date(started).toISOString(),
      kind,
      url: config.url,
      status: null,
      error: null,
      durationMs: 0,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.secretToken !== null) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
    const timeout = AbortSignal.timeout(this.deps.timeoutMs);
    try {
      const res = await fetch(config.target, {
        method: 'POST',
        headers,
        body: JSON.stringify(u.update),
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'manual',
      });
      attempt.status = res.status;
      const text = await readLimited(res);
      if (res.status >= 200 && res.status <= 299) {
        attempt.reply = await this.webhookReply(res.headers.get('content-type') ?? '', text);
      } else {
        attempt.error = `Wrong response from the webhook: ${res.status} ${res.statusText}`.trim();
        const retryAfter = Number(res.headers.get('retry-after'));
        if (Number.isInteger(retryAfter) && retryAfter > 0) attempt.retryAfterMs = Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000;
      }
    } catch (err) {
      attempt.error = timeout.aborted ? 'Read timeout expired' : networkError(err);
    }
    attempt.durationMs = this.deps.clock() - started;
    if (signal.aborted) return attempt;
    if (attempt.error !== null) this.deps.onError(attempt.error);
    const { retryAfterMs: _omit, ...kept } = attempt;
    this.deps.queue.addAttempt(u, kept);
    return attempt;
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

/** Telegram's wording of the usual network failures (getWebhookInfo's `last_error_message`). */
function networkError(err: unknown): string {
  const code = ((err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code) as string | undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'Webhook connection closed';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'Failed to resolve host: Name or service not known';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'Connection timed out';
    default:
      return `Connection error: ${(err as Error)?.message ?? String(err)}`;
  }
}

async function readLimited(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_REPLY_BYTES) {
    await res.body?.cancel();
    return '';
  }
  const text = await res.text();
  return text.length > MAX_REPLY_BYTES ? '' : text;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
