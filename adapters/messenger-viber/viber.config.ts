import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

/** The public Viber REST Bot API root; every call is `POST <baseUrl>/<method>`. */
export const DEFAULT_BASE_URL = 'https://chatapi.viber.com/pa';

/** Viber refuses longer sender names (`badData`). */
export const SENDER_NAME_MAX = 28;

const Welcome = () => Type.String({ minLength: 1, maxLength: 7000 });

/** Settings of a `messenger.viber` instance. */
export const ViberConfigSchema = Type.Object(
  {
    /** The bot's auth token from the Viber admin panel; sent as `X-Viber-Auth-Token` and the HMAC key of callbacks. */
    authToken: Type.String({ minLength: 10, maxLength: 200, pattern: '^[^\\s]+$', [SECRET_KEYWORD]: true }),
    /** API root, default `https://chatapi.viber.com/pa` (tests point it at the mock). */
    baseUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
    /** Name shown as the sender of every message (Viber: at most 28 characters). */
    senderName: Type.String({ minLength: 1, maxLength: SENDER_NAME_MAX, pattern: '^[^\\x00-\\x1F\\x7F]+$' }),
    /** Sender avatar URL (Viber recommends a 720×720 JPEG of at most 100 kB). */
    senderAvatar: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 })),
    /** Call `set_webhook` with the hub's callback URL on start (default true); false when the URL is registered by hand. */
    register: Type.Optional(Type.Boolean()),
    /**
     * Optional welcome text returned in the answer to `conversation_started`, per language of the
     * citizen's Viber app (the first configured one when theirs is missing). The hub sends its own
     * messages after linking; this is only the greeting Viber shows before the citizen subscribes.
     */
    welcomeText: Type.Optional(Type.Object({ uk: Type.Optional(Welcome()), ru: Type.Optional(Welcome()), en: Type.Optional(Welcome()) }, { additionalProperties: false, minProperties: 1 })),
  },
  { additionalProperties: false },
);

/** Settings of a `messenger.viber` instance. */
export type ViberConfig = Static<typeof ViberConfigSchema>;
