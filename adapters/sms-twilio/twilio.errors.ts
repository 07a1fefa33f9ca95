import { DeliveryFailure, PermanentError, TransientError } from '../../contracts';

/** Wait before retrying a 429 that came without `Retry-After`. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;
/** Longest wait taken from a `Retry-After` header (a bogus huge value must not park the work for days). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Fixed descriptions of the Twilio error codes this adapter meets. Twilio's own `message` is never
 * copied into errors or failures: for 21211 and others it quotes the phone number.
 */
const DESCRIPTIONS: Readonly<Record<number, string>> = {
  20003: 'authentication failed: check accountSid and authToken',
  20404: 'the requested resource was not found',
  20429: 'too many concurrent requests',
  21211: "the 'To' number is not a valid phone number",
  21408: 'sending to the region of the recipient is not enabled for this account',
  21606: "the 'From' number cannot send SMS to this destination",
  21610: 'the recipient unsubscribed from this sender (replied STOP)',
  21612: 'the recipient cannot be reached by SMS from this sender',
  21614: "the 'To' number is not a mobile number",
  21617: 'the message body exceeds 1600 characters',
  30001: 'queue overflow: the message stayed queued past its validity period',
  30002: 'the account is suspended',
  30003: 'the handset is unreachable',
  30004: 'the message was blocked',
  30005: 'the destination number is unknown or no longer exists',
  30006: 'a landline, or a carrier that cannot take SMS',
  30007: 'filtered by the carrier',
  30008: 'unknown delivery error',
};

/** Refusals of the create call that concern this recipient only: another channel may still reach them. */
const RECIPIENT_CODES = new Set([21211, 21408, 21610, 21612, 21614]);

/** Codes after which the number should not be used for SMS again until the citizen updates it. */
const INACTIVE_CODES = new Set([21610, 30005, 30006]);

/**
 * A description of a Twilio error code, safe for logs, errors and delivery failures.
 * @param code Twilio's numeric error code
 */
export function describeTwilioCode(code: number | undefined): string {
  if (code === undefined) return 'no error code given';
  return DESCRIPTIONS[code] ?? `Twilio error ${code} (https://www.twilio.com/docs/errors/${code})`;
}

/** True when a failure with this code means the number no longer takes SMS (stop list, no such number, landline). */
export function isAddressInactiveCode(code: number | undefined): boolean {
  return code !== undefined && INACTIVE_CODES.has(code);
}

/** A delivery failure for a Twilio error code, as the hub journals it (`twilio:<code>`). */
export function deliveryFailureOf(code: number | undefined, fallback: string): DeliveryFailure {
  return code === undefined ? { code: `twilio:${fallback}`.slice(0, 64), message: `Twilio reported ${fallback} without an error code` } : { code: `twilio:${code}`, message: describeTwilioCode(code) };
}

/**
 * Twilio answered an API call with an HTTP error. Carries only the status, the numeric code and
 * the parsed Retry-After: never Twilio's message text (it can quote the recipient's number).
 */
export class TwilioApiError extends Error {
  override readonly name = 'TwilioApiError';
  /**
   * @param httpStatus the HTTP status of the answer
   * @param code Twilio's `code` from the error body, when the body had one
   * @param retryAfterMs the Retry-After header in milliseconds, when present and readable
   */
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    readonly retryAfterMs?: number,
  ) {
    super(`Twilio answered HTTP ${httpStatus}${code === undefined ? '' : ` with error ${code}: ${describeTwilioCode(code)}`}`);
  }
}

/**
 * A transport failure after which Twilio may or may not have taken the message (timeout, reset,
 * cut-off or unreadable answer). Transient; the adapter reconciles before sending again.
 */
export class OutcomeUnknownError extends TransientError {
  /** Marks the class for `instanceof`-free checks in logs. */
  readonly outcomeUnknown = true;
}

/** What a refused create call means for the dispatch. */
export type CreateRefusal = { kind: 'recipient'; code: number; failure: DeliveryFailure; addressInactive: boolean } | { kind: 'error'; error: TransientError | PermanentError };

/**
 * Classifies an HTTP error answer of the create call:
 * 429 / 20429 and 5xx are transient (429 with Retry-After or {@link DEFAULT_RETRY_AFTER_MS});
 * 401 / 20003 are permanent (credentials); 21211, 21408, 21610, 21612, 21614 refuse this
 * recipient only (a `failed` delivery, 21610 also `addressInactive`); any other 4xx is permanent.
 * @param e the error answer
 */
export function classifyCreateError(e: TwilioApiError): CreateRefusal {
  if (e.httpStatus === 429 || e.code === 20429) return { kind: 'error', error: new TransientError(e.message, e.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS) };
  if (e.httpStatus >= 500) return { kind: 'error', error: new TransientError(e.message, e.retryAfterMs) };
  if (e.httpStatus === 401 || e.code === 20003) return { kind: 'error', error: new PermanentError(e.message) };
  if (e.code !== undefined && RECIPIENT_CODES.has(e.code)) {
    return { kind: 'recipient', code: e.code, failure: deliveryFailureOf(e.code, 'refused'), addressInactive: isAddressInactiveCode(e.code) };
  }
  if (e.httpStatus >= 400) return { kind: 'error', error: new PermanentError(e.message) };
  // 1xx/3xx: nothing a retry of the same request should expect to change, but nothing is lost either.
  return { kind: 'error', error: new TransientError(e.message) };
}

/**
 * Classifies an error answer of a read call (list, account fetch): only credentials and other
 * 4xx are permanent; everything else may pass.
 * @param e the error answer
 */
export function classifyReadError(e: TwilioApiError): TransientError | PermanentError {
  if (e.httpStatus === 429 || e.code === 20429) return new TransientError(e.message, e.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
  if (e.httpStatus >= 400 && e.httpStatus < 500) return new PermanentError(e.message);
  return new TransientError(e.message, e.retryAfterMs);
}

/**
 * Reads `Retry-After` (delta-seconds or an HTTP date) as milliseconds from `nowMs`.
 * @returns undefined when absent or unreadable
 */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Math.round(Number(trimmed) * 1000);
  else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** Connect-phase failures: the request never left this host, so Twilio cannot have taken it. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Turns a rejected `fetch` into a transient failure: {@link OutcomeUnknownError} unless the
 * request certainly never reached Twilio. The message names the failure class only.
 * @param e what fetch (or reading the body) threw
 * @param what the call, e.g. `create message`
 */
export function transportFailure(e: unknown, what: string): TransientError {
  const name = (e as Error | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new OutcomeUnknownError(`Twilio ${what}: no answer before the call was aborted or timed out`);
  const code = (e as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const label = typeof code === 'string' ? code : (name ?? 'error');
  if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return new TransientError(`Twilio ${what}: unreachable (${label})`);
  return new OutcomeUnknownError(`Twilio ${what}: connection failed (${label})`);
}
