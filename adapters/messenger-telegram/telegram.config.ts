import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

/** Telegram's own API root; a local Bot API server or the mock replaces it. */
export const DEFAULT_API_ROOT = 'https://api.telegram.org';
/** Telegram allows about one message per second to one chat. */
export const DEFAULT_PER_CHAT_INTERVAL_MS = 1000;

/** Settings of a `messenger.telegram` instance. */
export const TelegramConfigSchema = Type.Object(
  {
    /** The bot token from @BotFather, `<bot id>:<secret>`; it travels in the URL path of every call. */
    token: Type.String({ pattern: '^[0-9]+:[A-Za-z0-9_-]{20,}$', [SECRET_KEYWORD]: true }),
    /** Bot API root without a trailing slash (grammY refuses one); default `https://api.telegram.org`. */
    apiRoot: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://.*[^/]$' })),
    /** `secret_token` given to setWebhook; Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token`. */
    webhookSecret: Type.String({ pattern: '^[A-Za-z0-9_-]{1,256}$', [SECRET_KEYWORD]: true }),
    /** `HTML` when the hub's templates render Telegram HTML; absent: the text goes out as plain text. */
    parseMode: Type.Optional(Type.Literal('HTML')),
    /** Least time between two messages to the same chat, in ms (default 1000; 0 turns pacing off). */
    perChatIntervalMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    /** Whether `register()` calls setWebhook with the hub's public URL (default true). */
    register: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Settings of a `messenger.telegram` instance. */
export type TelegramConfig = Static<typeof TelegramConfigSchema>;
