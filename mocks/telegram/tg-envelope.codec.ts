import type { ErrorResponder, MockResponse } from '../_kit';
import type { TgResponseParameters } from './tg-types.model';

const JSON_CT = 'application/json';

/**
 * A Bot API failure: becomes `{"ok":false,"error_code":…,"description":…}` with the same HTTP
 * status. Thrown anywhere below the handler, so each rule states its error where it is checked.
 */
export class TgApiError extends Error {
  override readonly name = 'TgApiError';
  /**
   * @param code HTTP status and `error_code` (400, 401, 403, 404, 409, 429, 500)
   * @param description the full description, prefix included (`Bad Request: chat not found`)
   * @param parameters `retry_after` / `migrate_to_chat_id`, when the error has them
   */
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: TgResponseParameters,
  ) {
    super(description);
  }
}

/** `400 Bad Request: <what>`. */
export function badRequest(what: string): TgApiError {
  return new TgApiError(400, `Bad Request: ${what}`);
}

/** `429 Too Many Requests: retry after N` with `parameters.retry_after` = N. */
export function tooManyRequests(retryAfterSeconds: number): TgApiError {
  const n = Math.max(1, Math.ceil(retryAfterSeconds));
  return new TgApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
}

/** `{"ok":true,"result":…}`; setWebhook and deleteWebhook add a `description`. */
export function okResponse(result: unknown, description?: string): MockResponse {
  const body = description === undefined ? { ok: true, result } : { ok: true, result, description };
  return { status: 200, headers: { 'content-type': JSON_CT }, body: JSON.stringify(body) };
}

/**
 * The error envelope. Every status carries a JSON body because grammY calls `res.json()` on any
 * answer; a 429 also has `Retry-After`, as the Bot API server sends it.
 */
export function errorResponse(error: TgApiError): MockResponse {
  const body: Record<string, unknown> = { ok: false, error_code: error.code, description: error.description };
  if (error.parameters !== undefined) body.parameters = error.parameters;
  const headers: Record<string, string> = { 'content-type': JSON_CT };
  if (error.parameters?.retry_after !== undefined) headers['retry-after'] = String(error.parameters.retry_after);
  return { status: error.code, headers, body: JSON.stringify(body) };
}

const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Renders the kit's own errors (injected `http-error` / `rate-limit` faults, bodies over the cap)
 * in the Bot API envelope. The kit does not tell the responder which fault fired, so the
 * `Retry-After` seconds of a rate-limit fault are repeated as `parameters.retry_after`.
 */
export function createTgErrorResponder(): ErrorResponder {
  return ({ status, message, cause, retryAfterSeconds }) => {
    // An http-error fault with status 429 gets the same body as a rate-limit fault.
    if (cause === 'rate-limit' || status === 429) {
      const n = cause === 'rate-limit' ? Math.max(1, retryAfterSeconds ?? 1) : 1;
      return errorResponse(new TgApiError(429, message ?? `Too Many Requests: retry after ${n}`, { retry_after: n }));
    }
    if (cause === 'too-large') return errorResponse(new TgApiError(413, message ?? 'Request Entity Too Large'));
    return errorResponse(new TgApiError(status, message ?? STATUS_DESCRIPTIONS[status] ?? `Error ${status}`));
  };
}
