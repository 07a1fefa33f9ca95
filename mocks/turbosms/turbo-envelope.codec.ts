import type { ErrorResponder, MockResponse } from '../_kit';
import { turboCode, type TurboCode } from './turbo-codes.catalog';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/**
 * The TurboSMS answer: HTTP 200 (errors included) with `{response_code, response_status,
 * response_result}`; `response_result` is null for whole-request errors.
 */
export function envelope(code: TurboCode, result: unknown = null, httpStatus = 200): MockResponse {
  return envelopeRaw(code, JSON.stringify(result ?? null), httpStatus);
}

/**
 * {@link envelope} with `response_result` given as JSON text: the duplicate window keeps results
 * as text so that a 507 replays the first answer byte for byte.
 */
export function envelopeRaw(code: TurboCode, resultJson: string, httpStatus = 200): MockResponse {
  return {
    status: httpStatus,
    headers: JSON_TYPE,
    body: `{"response_code":${code.code},"response_status":${JSON.stringify(code.status)},"response_result":${resultJson}}`,
  };
}

/**
 * Renders what the kit answers by itself (injected `http-error` / `rate-limit`, a body over the
 * size cap) as the front proxy of the real service would carry it: the HTTP status of the fault
 * with a 999 FATAL_ERROR envelope, so a client that only reads `response_code` still sees a failure.
 */
export const turboErrorResponder: ErrorResponder = ({ status }) => envelope(turboCode('FATAL_ERROR'), null, status);
