/**
 * Status codes of the Viber REST Bot API (external-systems.md §9.3) and the fixed strings the
 * mock puts on the wire. Every API answer is HTTP 200; the outcome is in `status`.
 */

/** `status` values by name, as in §9.3. */
export const VIBER_STATUS = {
  ok: 0,
  invalidUrl: 1,
  invalidAuthToken: 2,
  badData: 3,
  missingData: 4,
  receiverNotRegistered: 5,
  receiverNotSubscribed: 6,
  publicAccountBlocked: 7,
  publicAccountNotFound: 8,
  publicAccountSuspended: 9,
  webhookNotSet: 10,
  receiverNoSuitableDevice: 11,
  tooManyRequests: 12,
  apiVersionNotSupported: 13,
  incompatibleWithVersion: 14,
  publicAccountNotAuthorized: 15,
  inboxMessageStateMismatch: 16,
  unsupportedMessageType: 17,
  messageRateExceeded: 18,
  editMessageFailed: 19,
  unsupportedMedia: 20,
} as const;

/** A status name of §9.3. */
export type ViberStatusName = keyof typeof VIBER_STATUS;

const NAMES: readonly string[] = (() => {
  const out: string[] = [];
  for (const [name, code] of Object.entries(VIBER_STATUS)) out[code] = name;
  return out;
})();

/** The `status_message` of a code; `generalError` for codes outside the table. */
export function statusMessage(code: number): string {
  return NAMES[code] ?? 'generalError';
}

/** True for a code of the §9.3 table other than 0 (what a status fault may force). */
export function isErrorStatus(code: unknown): code is number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 1 && code < NAMES.length;
}

/** `chat_hostname` of API answers and message callbacks. */
export const CHAT_HOSTNAME = 'SN-CHAT-05_';
/** `chat_hostname` of the `webhook` verification callback (as in the [CODE] fixture). */
export const WEBHOOK_CHAT_HOSTNAME = 'SN-CHAT-22_';

/** The API methods under `/pa/`. */
export const VIBER_METHODS = ['set_webhook', 'send_message', 'get_account_info'] as const;

/** One of {@link VIBER_METHODS}. */
export type ViberMethod = (typeof VIBER_METHODS)[number];

/** Events a bot may list in `set_webhook.event_types`; all of them when the field is absent. */
export const FILTERABLE_EVENTS: readonly string[] = ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'];

/**
 * Events sent whatever `event_types` says. [MEM] Viber's docs call `message`, `subscribed` and
 * `unsubscribed` mandatory: a bot cannot opt out of them (they may still be listed).
 */
export const ALWAYS_SENT_EVENTS: readonly string[] = ['webhook', 'message', 'subscribed', 'unsubscribed'];

/** Longest `sender.name`. */
export const MAX_SENDER_NAME = 28;
/** Longest text of a `text` message. */
export const MAX_TEXT = 7000;
/** Longest `tracking_data`. */
export const MAX_TRACKING_DATA = 4096;
