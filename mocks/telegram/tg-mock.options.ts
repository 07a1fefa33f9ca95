import { OptionsReader, type RequestRecorderOptions } from '../_kit';

/** A bot the mock serves. */
export interface TgBotAccount {
  /** `<bot id>:<secret>`, as BotFather issues it. */
  token: string;
  /** Without `@`; 5–32 characters of `[A-Za-z0-9_]` ending in `bot` (case-insensitive). */
  username: string;
  /** The bot's user id; default the number before `:` in the token, as on Telegram. */
  id?: number;
  /** `first_name` in getMe; default the username. */
  firstName?: string;
}

/** Flood limits of the throttle mode; each is optional, at least one is required. */
export interface TgThrottleOptions {
  /** Sends per second per bot, all chats together (Telegram: about 30). */
  globalPerSecond?: number;
  /** Sends per second to one chat (Telegram: about 1). */
  perChatPerSecond?: number;
}

/** Options of {@link startTelegramMock}. */
export interface TelegramMockOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default one bot: {@link DEFAULT_BOT}. */
  bots?: TgBotAccount[];
  /**
   * false (default): sending to a chat nobody opened is `400 chat not found`. true: any positive
   * integer chat id is a private chat that exists (for benchmarks).
   */
  autoCreateChats?: boolean;
  /** Flood limits; default off. Over a limit: 429 `Too Many Requests: retry after N`. */
  throttle?: TgThrottleOptions | null;
  /**
   * Refuse webhook URLs that are not HTTPS on port 443, 80, 88 or 8443, as Telegram does.
   * Default false, so a webhook on http://127.0.0.1:PORT works in development.
   */
  requireHttpsWebhook?: boolean;
  /** Retries of a failed webhook delivery before the update is left pending (default 3). */
  webhookRetries?: number;
  /** Delay before the first retry, doubled for each next one (default 100 ms; Telegram: seconds). */
  webhookRetryDelayMs?: number;
  /** How long a webhook POST may take before it counts as failed (default 10 000 ms). */
  webhookTimeoutMs?: number;
  /** Largest request body (default 50 MiB, Telegram's upload limit for bots). */
  maxBodyBytes?: number;
  /** Limits of the kit's request log (e.g. `{ maxEntries: 100 }` for a 100 000-message benchmark). */
  recorder?: RequestRecorderOptions;
  /** Milliseconds since the epoch; injectable for dates, throttle windows and webhook timing. */
  clock?: () => number;
}

/** The bot of the standalone mock and of tests that do not care. */
export const DEFAULT_BOT: Readonly<TgBotAccount> = Object.freeze({
  token: '123456789:AAHdemo-cabinet-hub-bot-token_000000',
  username: 'cabinet_demo_bot',
});

/** Options with every default filled in. */
export interface ResolvedTelegramOptions {
  host: string;
  port: number;
  bots: Required<TgBotAccount>[];
  autoCreateChats: boolean;
  throttle: TgThrottleOptions | null;
  requireHttpsWebhook: boolean;
  webhookRetries: number;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  maxBodyBytes: number;
  recorder: RequestRecorderOptions | undefined;
  clock: () => number;
}

const KNOWN = ['host', 'port', 'bots', 'autoCreateChats', 'throttle', 'requireHttpsWebhook', 'webhookRetries', 'webhookRetryDelayMs', 'webhookTimeoutMs', 'maxBodyBytes', 'recorder', 'clock'];

/**
 * Checks the options and fills in defaults, reporting every problem at once.
 * @throws MockAdminError(400) with `details.problems`
 */
export function resolveTelegramOptions(input: TelegramMockOptions = {}): ResolvedTelegramOptions {
  const r = new OptionsReader('Telegram mock options', input, KNOWN);
  const o = r.o;
  const port = r.int('port', 0, 65535, 0);
  const webhookRetries = r.int('webhookRetries', 0, 20, 3);
  const webhookRetryDelayMs = r.int('webhookRetryDelayMs', 0, 600_000, 100);
  const webhookTimeoutMs = r.int('webhookTimeoutMs', 1, 600_000, 10_000);
  const maxBodyBytes = r.int('maxBodyBytes', 1024, 1024 * 1024 * 1024, 50 * 1024 * 1024);
  const autoCreateChats = r.bool('autoCreateChats', false);
  const requireHttpsWebhook = r.bool('requireHttpsWebhook', false);
  const resolved: ResolvedTelegramOptions = {
    host: r.str('host', '127.0.0.1'),
    port,
    bots: [],
    autoCreateChats,
    throttle: null,
    requireHttpsWebhook,
    webhookRetries,
    webhookRetryDelayMs,
    webhookTimeoutMs,
    maxBodyBytes,
    clock: r.fn('clock', Date.now),
    recorder: r.object<RequestRecorderOptions | undefined>('recorder', undefined),
  };
  resolved.throttle = o.throttle === undefined || o.throttle === null ? null : checkThrottle(o.throttle, r.problems);
  resolved.bots = checkBots(o.bots === undefined ? [DEFAULT_BOT] : o.bots, r.problems);
  r.done();
  return resolved;
}

/**
 * Checks a throttle setting (options or `POST /__admin/throttle`).
 * @returns the setting, or null when invalid (the problems are appended)
 */
export function checkThrottle(value: unknown, problems: string[]): TgThrottleOptions | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('throttle must be an object { globalPerSecond?, perChatPerSecond? } or null');
    return null;
  }
  const t = value as Record<string, unknown>;
  for (const k of Object.keys(t)) {
    if (k !== 'globalPerSecond' && k !== 'perChatPerSecond') problems.push(`throttle.${k} is not a field (globalPerSecond, perChatPerSecond)`);
  }
  for (const k of ['globalPerSecond', 'perChatPerSecond']) {
    if (t[k] !== undefined && !(Number.isInteger(t[k]) && (t[k] as number) >= 1 && (t[k] as number) <= 1_000_000)) {
      problems.push(`throttle.${k} must be an integer from 1 to 1000000`);
    }
  }
  if (t.globalPerSecond === undefined && t.perChatPerSecond === undefined) problems.push('throttle needs globalPerSecond or perChatPerSecond');
  return { globalPerSecond: t.globalPerSecond as number | undefined, perChatPerSecond: t.perChatPerSecond as number | undefined };
}

function checkBots(value: unknown, problems: string[]): Required<TgBotAccount>[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 100) {
    problems.push('bots must be a non-empty array of { token, username, id?, firstName? } (at most 100)');
    return [];
  }
  const out: Required<TgBotAccount>[] = [];
  const tokens = new Set<string>();
  const names = new Set<string>();
  value.forEach((b: unknown, i) => {
    const at = `bots[${i}]`;
    if (typeof b !== 'object' || b === null) return void problems.push(`${at} must be an object`);
    const bot = b as Record<string, unknown>;
    const token = bot.token;
    if (typeof token !== 'string' || !/^\d{1,20}:[A-Za-z0-9_-]{1,200}$/.test(token)) {
      return void problems.push(`${at}.token must look like <digits>:<letters, digits, _ or ->`);
    }
    if (typeof bot.username !== 'string' || !/^[a-z][a-z0-9_]{1,28}bot$/i.test(bot.username)) {
      return void problems.push(`${at}.username must be 5-32 characters of [A-Za-z0-9_] ending in "bot", without "@"`);
    }
    const id = bot.id ?? Number(token.slice(0, token.indexOf(':')));
    if (!Number.isSafeInteger(id) || (id as number) <= 0) return void problems.push(`${at}.id must be a positive integer`);
    if (bot.firstName !== undefined && (typeof bot.firstName !== 'string' || bot.firstName === '' || bot.firstName.length > 64)) {
      return void problems.push(`${at}.firstName must be a string of 1-64 characters`);
    }
    if (tokens.has(token)) problems.push(`${at}.token is used twice`);
    if (names.has(bot.username.toLowerCase())) problems.push(`${at}.username is used twice`);
    tokens.add(token);
    names.add(bot.username.toLowerCase());
    out.push({ token, username: bot.username, id: id as number, firstName: (bot.firstName as string | undefined) ?? bot.username });
  });
  return out;
}
