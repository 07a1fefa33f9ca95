import { PermanentError, TransientError } from '../../contracts';

/** Viber's `status` codes (HTTP is 200 even for errors; success is `status == 0`). */
export const VIBER_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'invalidUrl',
  2: 'invalidAuthToken',
  3: 'badData',
  4: 'missingData',
  5: 'receiverNotRegistered',
  6: 'receiverNotSubscribed',
  7: 'publicAccountBlocked',
  8: 'publicAccountNotFound',
  9: 'publicAccountSuspended',
  10: 'webhookNotSet',
  11: 'receiverNoSuitableDevice',
  12: 'tooManyRequests',
  13: 'apiVersionNotSupported',
  14: 'incompatibleWithVersion',
  15: 'publicAccountNotAuthorized',
  16: 'inboxMessageStateMismatch',
  17: 'unsupportedMessageType',
  18: 'messageRateExceeded',
  19: 'editMessageFailed',
  20: 'unsupportedMedia',
};

/** How long to wait after a Viber rate limit: Viber publishes no number and sends no Retry-After. */
export const RATE_LIMIT_RETRY_MS = 1000;

/** The name of a status code, `status<N>` for codes not in the table. */
export function statusName(status: number): string {
  return VIBER_STATUS_NAMES[status] ?? `status${status}`;
}

/** What a `send_message` status means for the dispatch. */
export type SendVerdict =
  | { kind: 'ok' }
  /** Viber refused this recipient: a `failed` delivery, so the hub falls back to the next channel. */
  | { kind: 'recipient'; code: string; message: string; addressInactive: boolean }
  | { kind: 'error'; error: TransientError | PermanentError };

/** Statuses about the receiver, not about us; `addressInactive` when the chat no longer takes messages. */
const RECIPIENT_STATUSES: Readonly<Record<number, { message: string; addressInactive: boolean }>> = {
  5: { message: 'Viber: the receiver is not a registered Viber user', addressInactive: true },
  6: { message: 'Viber: the receiver is not subscribed to the bot', addressInactive: true },
  // A transient condition of the citizen's devices, but retrying would not help soon: fall back.
  11: { message: 'Viber: the receiver has no device that can show the message', addressInactive: false },
};

/** Rate limits: retry after a pause. */
const RATE_LIMIT_STATUSES = new Set([12, 18]);

/**
 * Classifies a Viber `status` of `send_message` (or any other call):
 * 0 → ok; 5, 6, 11 → recipient refused (`viber:<status>`); 12, 18 → transient with a pause;
 * everything else (credentials 2, account 7/8/9/15, our data 3/4/13/14/17, unknown codes) →
 * permanent, since the same request would be refused again. Messages hold the code and its name
 * only: Viber's `status_message` is not copied (it may echo the request).
 */
export function classifyStatus(method: string, status: number): SendVerdict {
  if (status === 0) return { kind: 'ok' };
  const recipient = RECIPIENT_STATUSES[status];
  if (recipient) return { kind: 'recipient', code: `viber:${status}`, ...recipient };
  const what = `Viber ${method} refused: status ${status} (${statusName(status)})`;
  if (RATE_LIMIT_STATUSES.has(status)) return { kind: 'error', error: new TransientError(what, RATE_LIMIT_RETRY_MS) };
  return { kind: 'error', error: new PermanentError(what) };
}

/**
 * An HTTP answer other than 200: 401/403 mean the token was refused (permanent); 429 and
 * everything else (5xx, proxies, gateways in front of the API) are transient. Viber itself
 * answers 200 with a status code, so these come from the way there.
 */
export function classifyHttpStatus(method: string, httpStatus: number, retryAfter: string | null): TransientError | PermanentError {
  const what = `Viber ${method} answered HTTP ${httpStatus}`;
  if (httpStatus === 401 || httpStatus === 403) return new PermanentError(`${what}: credentials refused`);
  return new TransientError(what, httpStatus === 429 || httpStatus === 503 ? retryAfterMs(retryAfter) : undefined);
}

/** A failure to reach Viber or to read its answer: always transient. */
export function classifyNetworkError(method: string, err: unknown, signal: AbortSignal): TransientError {
  if (signal.aborted || isAbort(err)) return new TransientError(`Viber ${method}: timed out or cancelled`);
  const code = errorCode(err);
  return new TransientError(`Viber ${method}: network error${code ? ` (${code})` : ''}`);
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function isAbort(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** The system error code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET…) of fetch's cause chain; never its message. */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && /^[A-Z_0-9]{2,40}$/.test(e.code)) return e.code;
  }
  return undefined;
}
