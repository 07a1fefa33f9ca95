import { Static, Type } from '@sinclair/typebox';
import { SECRET_KEYWORD } from '../../contracts';

/** Where the REST API lives unless `baseUrl` says otherwise. */
export const DEFAULT_BASE_URL = 'https://api.twilio.com';

/**
 * Settings of an `sms.twilio` instance. One of `from` / `messagingServiceSid` is required (both
 * may be given: Twilio then sends from `from` within the service).
 */
export const TwilioConfigSchema = Type.Object(
  {
    /** The account SID, `AC` + 32 hex digits; the Basic-auth user and the path segment of every call. */
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }),
    /** The account's auth token: the Basic-auth password and the key of `X-Twilio-Signature`. */
    authToken: Type.String({ minLength: 8, [SECRET_KEYWORD]: true }),
    /** Sender: an E.164 number, a short code, or an alphanumeric sender id (at most 11 characters, at least one letter). */
    from: Type.Optional(Type.String({ pattern: '^(\\+[1-9][0-9]{6,14}|[0-9]{3,8}|(?=[A-Za-z0-9 ]*[A-Za-z])[A-Za-z0-9 ]{1,11})$' })),
    /** A Messaging Service (`MG…`) that picks the sender and queues per its own settings. */
    messagingServiceSid: Type.Optional(Type.String({ pattern: '^MG[0-9a-fA-F]{32}$' })),
    /** REST API root, `https://api.twilio.com` by default; tests and regional edges point it elsewhere. */
    baseUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://[^?#]+$' })),
    /** Ask Twilio for status callbacks at the hub's webhook URL (default true; needs `hub.publicUrl`). */
    statusCallback: Type.Optional(Type.Boolean()),
    /** `ValidityPeriod`: Twilio drops a message still queued after this many seconds (error 30001). */
    validityPeriodSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_000 })),
  },
  {
    additionalProperties: false,
    // Twilio needs a sender: a number / sender id, or a Messaging Service that picks one.
    anyOf: [{ required: ['from'] }, { required: ['messagingServiceSid'] }],
  },
);

/** Settings of an `sms.twilio` instance. */
export type TwilioConfig = Static<typeof TwilioConfigSchema>;
