/**
 * A stateful mock of the Telegram Bot API as grammY uses it: `/bot<token>/<method>`, the
 * `{ok,…}` envelope on every status, webhooks with the secret-token header,
 * throttling, and a citizen's side of the chat to drive. The wire contract is
 * `mocks/telegram/README.md`.
 */
import { createMockServer, MockAdminError, type MockAdminApi, type MockServer } from '../_kit';
import { TgBotContext } from './tg-bot.context';
import { classifyTgRequest, createTgApiHandler } from './tg-bot-api.handler';
import { TgSentLog } from './tg-chat-store.repository';
import { TgChatsApi, type BotResolver } from './tg-citizen.admin';
import { createTgErrorResponder, TgApiError } from './tg-envelope.codec';
import { TgMessagesService } from './tg-messages.service';
import { createMethodRegistry } from './tg-methods.registry';
import { resolveTelegramOptions, type TelegramMockOptions, type TgBotAccount } from './tg-mock.options';
import { paramsFromObject } from './tg-params.reader';
import { createThrottleApi, settingsRoutes, type TgThrottleApi } from './tg-settings.admin';
import { TgThrottle } from './tg-throttle.guard';
import { TgUpdatesApi } from './tg-updates.admin';
import { TgUpdatesService } from './tg-updates.service';

export { MockAdminError } from '../_kit';
export type { SentMessage, TgCitizen } from './tg-chat-store.repository';
export { TgChatsApi } from './tg-citizen.admin';
export type { BotSelector, ChatView, CitizenMessageResult, OpenChatInput, SentPage } from './tg-citizen.admin';
export { DEFAULT_BOT } from './tg-mock.options';
export type { TelegramMockOptions, TgBotAccount, TgThrottleOptions } from './tg-mock.options';
export type { BotView, TgThrottleApi } from './tg-settings.admin';
export type * from './tg-types.model';
export { TgUpdatesApi } from './tg-updates.admin';
export type { UpdateView } from './tg-updates.admin';
export type { DeliveryAttempt, UpdateState } from './tg-update-queue.repository';

/** update_id of the first update: large, as real ids are, so nobody assumes they start at 1. */
export const FIRST_UPDATE_ID = 500_000_001;

/** A created (not yet listening) Telegram mock, for callers that manage the server themselves. */
export interface TelegramMock {
  server: MockServer;
  admin: MockAdminApi;
  chats: TgChatsApi;
  updates: TgUpdatesApi;
  throttle: TgThrottleApi;
  /** The bots served, with ids filled in. */
  bots: Required<TgBotAccount>[];
  /** Where `startTelegramMock` listens (from the options). */
  listen: { host: string; port: number };
  /** Stops webhook deliveries for good (call before closing the server). */
  shutdown(): void;
}

/** A running Telegram mock. */
export interface RunningTelegramMock {
  /** For grammY: `new Bot(token, { client: { apiRoot } })`; no trailing slash. */
  apiRoot: string;
  /** `http://host:port` (same as apiRoot); the admin API is under `/__admin`. */
  baseUrl: string;
  port: number;
  /** Recording, faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** The citizen's side of the chats (also at `/__admin/chats`). */
  chats: TgChatsApi;
  /** Updates and webhook deliveries (also at `/__admin/updates`). */
  updates: TgUpdatesApi;
  /** Throttle mode (also at `/__admin/throttle`). */
  throttle: TgThrottleApi;
  bots: Required<TgBotAccount>[];
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it.
 * @throws MockAdminError(400) when an option is invalid
 */
export function createTelegramMock(options: TelegramMockOptions = {}): TelegramMock {
  const o = resolveTelegramOptions(options);
  let lastUpdateId = FIRST_UPDATE_ID - 1;
  const sentLog = new TgSentLog();
  const throttle = new TgThrottle(o.throttle, o.clock);
  const messages = new TgMessagesService({ sentLog, throttle, autoCreateChats: () => o.autoCreateChats });
  const methods = createMethodRegistry(messages, new TgUpdatesService({ requireHttpsWebhook: o.requireHttpsWebhook, clock: o.clock }));

  const bots = o.bots.map(
    (account) =>
      new TgBotContext(account, {
        nextUpdateId: () => ++lastUpdateId,
        clock: o.clock,
        webhookRetries: o.webhookRetries,
        webhookRetryDelayMs: o.webhookRetryDelayMs,
        webhookTimeoutMs: o.webhookTimeoutMs,
        onWebhookReply: async (bot, method, params) => {
          const entry = methods.get(method.toLowerCase());
          if (entry === undefined) return { ok: false, description: 'Not Found' };
          try {
            await entry.run(bot, paramsFromObject(params));
            return { ok: true };
          } catch (err) {
            if (err instanceof TgApiError) return { ok: false, description: err.description };
            throw err;
          }
        },
      }),
  );
  const byToken = new Map(bots.map((b) => [b.account.token, b]));
  const byName = new Map(bots.map((b) => [b.account.username.toLowerCase(), b]));
  const resolveBot: BotResolver = (username) => {
    if (username === undefined || username === null || username === '') return bots[0];
    if (typeof username !== 'string') throw new MockAdminError(400, 'bot must be a bot username');
    const bot = byName.get(username.replace(/^@/, '').toLowerCase());
    if (bot === undefined) throw new MockAdminError(404, `no bot @${username} (bots: ${[...byName.keys()].join(', ')})`);
    return bot;
  };

  const chats = new TgChatsApi(resolveBot, sentLog);
  const updates = new TgUpdatesApi(bots, resolveBot);
  const throttleApi = createThrottleApi(throttle);
  const server = createMockServer({
    name: 'telegram',
    maxBodyBytes: o.maxBodyBytes,
    clock: o.clock,
    recorder: o.recorder,
    classify: (req) => classifyTgRequest(req, methods),
    errorResponse: createTgErrorResponder(),
    adminRoutes: [...chats.routes(), ...updates.routes(), ...settingsRoutes(throttleApi, bots)],
    onReset: () => {
      for (const b of bots) b.reset();
      sentLog.clear();
      throttle.set(o.throttle);
    },
    handler: createTgApiHandler({ botByToken: (token) => byToken.get(token), methods }),
  });
  return {
    server,
    admin: server.admin,
    chats,
    updates,
    throttle: throttleApi,
    bots: o.bots.map((b) => ({ ...b })),
    listen: { host: o.host, port: o.port },
    shutdown: () => bots.forEach((b) => b.shutdown()),
  };
}

/**
 * Starts the Telegram mock (on 127.0.0.1 and a free port unless told otherwise).
 *
 * ```ts
 * const tg = await startTelegramMock();
 * const bot = new Bot(DEFAULT_BOT.token, { client: { apiRoot: tg.apiRoot } });
 * const chat = tg.chats.open({ firstName: 'Олена' });
 * await bot.api.sendMessage(chat.id, 'Вітаємо!');
 * tg.chats.messages(chat.id);          // what the bot sent
 * tg.chats.start(chat.id, 'link-token'); // the citizen follows t.me/<bot>?start=link-token
 * await tg.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid
 */
export async function startTelegramMock(options: TelegramMockOptions = {}): Promise<RunningTelegramMock> {
  const mock = createTelegramMock(options);
  const running = await mock.server.start(mock.listen);
  return {
    apiRoot: running.url,
    baseUrl: running.url,
    port: running.port,
    admin: mock.admin,
    chats: mock.chats,
    updates: mock.updates,
    throttle: mock.throttle,
    bots: mock.bots,
    close: async () => {
      mock.shutdown();
      await running.close();
    },
  };
}
