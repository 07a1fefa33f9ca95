import { PermanentError, TransientError } from '../../contracts';
import type { DeliveryFailure } from '../../contracts';

/** Envelope codes of an accepted send: 800 accepted, 801 sent, 802 / 803 partly accepted. */
const SEND_SUCCESS = new Set([800, 801, 802, 803]);
/** 507 FAILED_DUPLICATE_REQUEST: TurboSMS did not send again and returned the earlier results. */
export const DUPLICATE_REQUEST = 507;
/** Per-recipient code of a stop-listed number: the address takes no SMS from this account. */
export const STOP_LIST = 404;
/** How long to wait after 203 REQUIRED_BALANCE: an operator has to top the account up. */
export const BALANCE_RETRY_AFTER_MS = 60_000;

/** Token problems: 103 REQUIRED_TOKEN, 105 REQUIRED_AUTH (unknown token), 301 INVALID_TOKEN. */
const TOKEN_CODES = new Set([103, 105, 301]);
/** Provider-side failures worth a retry: 999 FATAL_ERROR and the FAILED_* family except 502 (our body). */
const PROVIDER_FAILURES = new Set([500, 501, 503, 504, 505, 506, 999]);

/** Whether a send envelope means TurboSMS took the request (507 included: it answers with the first results). */
export function isSendAccepted(code: number): boolean {
  return SEND_SUCCESS.has(code) || code === DUPLICATE_REQUEST;
}

/**
 * What a refused envelope means for the hub (the code is never a success code of the call):
 *
 * | code | meaning | class |
 * |---|---|---|
 * | 103, 105, 301 | token missing, unknown, malformed | permanent |
 * | 203 | balance too low | transient, retry after 60 s |
 * | 502 | our body could not be parsed | permanent |
 * | 500, 501, 503–506, 999 | TurboSMS failed | transient |
 * | other 1xx–4xx (104, 200–206, 300–309, 400–415) | the request itself is wrong | permanent |
 * | anything else | unknown | transient |
 *
 * @param code `response_code`
 * @param status `response_status` (a constant name such as `NOT_ALLOWED_MESSAGE_SENDER`)
 * @param what the call, for the message (`send`, `status`, `balance`)
 */
export function classifyEnvelope(code: number, status: unknown, what: string): TransientError | PermanentError {
  const name = statusName(status);
  const message = `TurboSMS ${what}: response_code ${code}${name ? ` ${name}` : ''}`;
  if (TOKEN_CODES.has(code)) return new PermanentError(`${message}: the configured token was refused`);
  if (code === 203) return new TransientError(`${message}: the account balance does not cover the send; top it up`, BALANCE_RETRY_AFTER_MS);
  if (code === 502) return new PermanentError(`${message}: TurboSMS could not parse the request body`);
  if (PROVIDER_FAILURES.has(code)) return new TransientError(message);
  if (code >= 100 && code < 500) return new PermanentError(`${message}: the request was refused`);
  return new TransientError(`${message}: unknown code`);
}

/**
 * An HTTP status other than 200. TurboSMS itself answers 200 for everything; other statuses come
 * from its front proxy (5xx, 429) or a wrong `baseUrl`.
 * @returns the error, or undefined when the body's envelope should decide (4xx with an envelope)
 */
export function classifyHttpStatus(httpStatus: number, retryAfter: string | null, hasEnvelope: boolean): TransientError | PermanentError | undefined {
  if (httpStatus === 429) return new TransientError('TurboSMS answered HTTP 429', retryAfterMs(retryAfter));
  if (httpStatus >= 500 || httpStatus === 408) return new TransientError(`TurboSMS answered HTTP ${httpStatus}`, retryAfterMs(retryAfter));
  if (hasEnvelope) return undefined;
  if (httpStatus === 401 || httpStatus === 403) return new PermanentError(`TurboSMS refused the configured token (HTTP ${httpStatus})`);
  return new PermanentError(`TurboSMS answered HTTP ${httpStatus}`);
}

/**
 * Why TurboSMS refused one recipient of a send (404 stop list, 305 invalid phone, 406 country not
 * allowed, 407 duplicate in the request, ...): a failed delivery, not an exception, so the hub
 * falls back to the next channel. Only the stop list makes the address inactive.
 */
export function recipientFailure(code: number, status: unknown): { failure: DeliveryFailure; addressInactive: boolean } {
  const name = statusName(status);
  const why: Record<number, string> = {
    [STOP_LIST]: 'the number is on the TurboSMS stop list',
    305: 'TurboSMS considers the number invalid',
    406: 'the account may not send to this country',
    407: 'the number appeared twice in one send',
  };
  return {
    failure: { code: `turbosms:${code}`, message: `${why[code] ?? 'TurboSMS refused the recipient'}${name ? ` (${name})` : ''}` },
    addressInactive: code === STOP_LIST,
  };
}

function retryAfterMs(header: string | null): number | undefined {
  const s = Number(header);
  return Number.isFinite(s) && s > 0 ? Math.min(s, 3600) * 1000 : undefined;
}

/** TurboSMS status names are upper-case constants; anything else is left out of messages. */
function statusName(status: unknown): string {
  return typeof status === 'string' && /^[A-Z0-9_]{1,64}$/.test(status) ? status : '';
}
