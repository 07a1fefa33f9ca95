import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

/** Where the HTTP API v2 lives unless `baseUrl` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.turbosms.ua';
/** TurboSMS takes at most this many recipients in one send (more: 405 NOT_ALLOWED_RECIPIENTS_LIMIT). */
export const MAX_RECIPIENTS_PER_SEND = 5000;
/** How long the first dispatch of a batch waits for others with the same text, by default. */
export const DEFAULT_WINDOW_MS = 25;

/** Settings of an `sms.turbosms` instance. */
export const TurboSmsConfigSchema = Type.Object(
  {
    /** The API token from the TurboSMS cabinet; sent as `Authorization: Bearer <token>`. */
    token: Type.String({ minLength: 8, [SECRET_KEYWORD]: true }),
    /** API root, `https://api.turbosms.ua` by default; tests point it at the mock. */
    baseUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://[^?#]+$' })),
    /** The alpha-name registered in the TurboSMS cabinet (`sms.sender`); GSM allows 11 characters. */
    sender: Type.String({ minLength: 1, maxLength: 11 }),
    /** Micro-batching: one TurboSMS send carries one text to many recipients. */
    batch: Type.Optional(
      Type.Object(
        {
          /** Recipients per send (default and most 5 000, TurboSMS's own limit). */
          maxRecipients: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_RECIPIENTS_PER_SEND })),
          /** How long a batch stays open after its first dispatch (default 25 ms; 0 = the same tick only). */
          windowMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** Settings of an `sms.turbosms` instance. */
export type TurboSmsConfig = Static<typeof TurboSmsConfigSchema>;

/** The batch settings with their defaults filled in (the hub validates but does not default). */
export function batchSettings(config: Pick<TurboSmsConfig, 'batch'>): { maxRecipients: number; windowMs: number } {
  return {
    maxRecipients: config.batch?.maxRecipients ?? MAX_RECIPIENTS_PER_SEND,
    windowMs: config.batch?.windowMs ?? DEFAULT_WINDOW_MS,
  };
}
