import { TgChatStore } from './tg-chat-store.repository';
import type { TgBotAccount } from './tg-mock.options';
import type { TgUpdate, TgUpdateType, TgUser } from './tg-types.model';
import { TgUpdateQueue, type StoredUpdate } from './tg-update-queue.repository';
import { TgWebhookDispatcher, type WebhookConfig } from './tg-webhook.dispatcher';

/** What a bot needs from the mock around it. */
export interface TgBotContextDeps {
  /** Strictly increasing over the whole mock, so an id identifies an update across bots. */
  nextUpdateId(): number;
  clock: () => number;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  /** Runs a method a webhook receiver answered with, as this bot. */
  onWebhookReply(bot: TgBotContext, method: string, params: Record<string, unknown>): Promise<{ ok: boolean; description?: string }>;
}

/** Everything the mock keeps for one bot: its chats, its updates and its webhook. */
export class TgBotContext {
  /** The bot as getMe returns it. */
  readonly me: TgUser;
  readonly chats = new TgChatStore();
  readonly updates = new TgUpdateQueue();
  readonly dispatcher: TgWebhookDispatcher;
  webhook: WebhookConfig | null = null;
  lastWebhookError: { date: number; message: string } | null = null;
  /** Set by setWebhook `allowed_updates`; null = Telegram's default set. */
  allowedUpdates: string[] | null = null;
  /** When setWebhook last set a URL (ms); Telegram allows one such call per second. */
  lastWebhookSetAt = Number.NEGATIVE_INFINITY;

  /**
   * @param account token, username, id and first name
   * @param deps update ids, clock and webhook settings
   */
  constructor(
    readonly account: Required<TgBotAccount>,
    private readonly deps: TgBotContextDeps,
  ) {
    this.me = {
      id: account.id,
      is_bot: true,
      first_name: account.firstName,
      username: account.username,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
    this.dispatcher = new TgWebhookDispatcher({
      queue: this.updates,
      config: () => this.webhook,
      retries: deps.webhookRetries,
      retryDelayMs: deps.webhookRetryDelayMs,
      timeoutMs: deps.webhookTimeoutMs,
      clock: deps.clock,
      onError: (message) => {
        this.lastWebhookError = { date: Math.floor(deps.clock() / 1000), message };
      },
      onReply: (method, params) => deps.onWebhookReply(this, method, params),
    });
  }

  /** The bot as `Message.from` shows it. */
  get from(): TgUser {
    return { id: this.me.id, is_bot: true, first_name: this.me.first_name, username: this.me.username };
  }

  /** Unix seconds now. */
  now(): number {
    return Math.floor(this.deps.clock() / 1000);
  }

  /**
   * Emits an update unless `allowed_updates` excludes its type, then sends it on its way
   * (to the webhook, or pending until one is set). A new update also retries parked ones, as
   * Telegram keeps retrying.
   * @returns the stored update, or null when filtered out
   */
  emit(type: TgUpdateType, chatId: number, body: Omit<TgUpdate, 'update_id'>): StoredUpdate | null {
    if (this.allowedUpdates !== null && !this.allowedUpdates.includes(type)) return null;
    const stored = this.updates.push({ update_id: this.deps.nextUpdateId(), ...body }, type, String(chatId), this.deps.clock());
    this.dispatcher.retryParked();
    return stored;
  }

  /** Forgets chats, updates and the webhook. */
  reset(): void {
    this.dispatcher.stop();
    this.chats.clear();
    this.updates.clear();
    this.webhook = null;
    this.lastWebhookError = null;
    this.allowedUpdates = null;
    this.lastWebhookSetAt = Number.NEGATIVE_INFINITY;
  }

  /** Stops every background activity (the mock is closing). */
  shutdown(): void {
    this.dispatcher.shutdown();
  }
}
