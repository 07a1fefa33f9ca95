import type { ErrorResponder, MockResponse } from '../_kit';

/** The JSON body of every Twilio REST error. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A REST error to answer with: HTTP status, Twilio code and message. */
export class TwilioApiError extends Error {
  override readonly name = 'TwilioApiError';
  /**
   * @param status HTTP status
   * @param code Twilio error code (`more_info` points at its page)
   * @param message the `message` field
   */
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON content type the 2010 API answers with. */
export const JSON_CT = 'application/json; charset=utf-8';

/** Renders an error in Twilio's shape. */
export function errorResponse(err: TwilioApiError): MockResponse {
  const body: TwilioErrorBody = {
    code: err.code,
    message: err.message,
    more_info: `https://www.twilio.com/docs/errors/${err.code}`,
    status: err.status,
  };
  const headers: Record<string, string> = { 'content-type': JSON_CT };
  // Twilio challenges like any Basic-auth API, so curl and browsers retry with credentials.
  if (err.status === 401) headers['www-authenticate'] = 'Basic realm="Twilio API"';
  return { status: err.status, headers, body: JSON.stringify(body) };
}

/** Messages of the generic 20xxx codes used for errors the mock did not compute (faults). */
const GENERIC: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Authenticate',
  403: 'Forbidden',
  404: 'The requested resource was not found',
  405: 'Method not allowed',
  413: 'Request entity too large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * The Twilio error for an HTTP status with no specific cause: 401 is 20003, any other status
 * maps to `20000 + status` (20404, 20429, 20500, 20503 are real codes; the rest follow the pattern).
 */
export function genericError(status: number, message?: string): TwilioApiError {
  const code = status === 401 ? 20003 : 20000 + status;
  return new TwilioApiError(status, code, message ?? GENERIC[status] ?? `HTTP ${status}`);
}

/**
 * How the kit renders injected `http-error` / `rate-limit` faults and oversized bodies on this
 * mock: the Twilio error JSON (429 → code 20429).
 */
export const twilioErrorResponder: ErrorResponder = ({ status, message }) => errorResponse(genericError(status, message));

/** Descriptions of the delivery error codes a status callback can carry (`error_message`). */
export const DELIVERY_ERRORS: Readonly<Record<number, string>> = {
  30001: 'Queue overflow',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Carrier violation',
  30008: 'Unknown error',
};

/** `error_message` for a delivery error code. */
export function deliveryErrorMessage(code: number): string {
  return DELIVERY_ERRORS[code] ?? `Error ${code}`;
}
