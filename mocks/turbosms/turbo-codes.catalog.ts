/**
 * TurboSMS API v2 result codes and their `response_status` names. The table is the one published
 * on turbosms.ua/api.html as copied into several third-party clients [CODE]; only the codes this
 * mock can produce are listed.
 */
export const TURBO_CODES = {
  OK: 0,
  REQUIRED_TOKEN: 103,
  REQUIRED_CONTENT: 104,
  REQUIRED_AUTH: 105,
  REQUIRED_MESSAGE_SENDER: 200,
  REQUIRED_MESSAGE_TEXT: 201,
  REQUIRED_MESSAGE_RECIPIENT: 202,
  REQUIRED_BALANCE: 203,
  REQUIRED_MESSAGE_BUTTON_CAPTION: 205,
  REQUIRED_MESSAGE_BUTTON_ACTION: 206,
  INVALID_REQUEST: 300,
  INVALID_TOKEN: 301,
  INVALID_MESSAGE_SENDER: 302,
  INVALID_START_TIME: 303,
  INVALID_MESSAGE_TEXT: 304,
  INVALID_PHONE: 305,
  INVALID_TTL: 306,
  INVALID_MESSAGE_ID: 307,
  NOT_ALLOWED_MESSAGE_SENDER: 400,
  NOT_ALLOWED_NUMBER_STOPLIST: 404,
  NOT_ALLOWED_RECIPIENTS_LIMIT: 405,
  NOT_ALLOWED_RECIPIENT_COUNTRY: 406,
  NOT_ALLOWED_RECIPIENT_DUPLICATE: 407,
  NOT_ALLOWED_MESSAGE_BUTTON_TEXT_LENGTH: 408,
  NOT_ALLOWED_MESSAGE_TTL: 409,
  NOT_ALLOWED_MESSAGE_TEXT_LENGTH: 413,
  NOT_ALLOWED_MESSAGE_ID: 414,
  FAILED_PARSE_BODY: 502,
  FAILED_DUPLICATE_REQUEST: 507,
  SUCCESS_MESSAGE_ACCEPTED: 800,
  SUCCESS_MESSAGE_PARTIAL_ACCEPTED: 802,
  FATAL_ERROR: 999,
} as const;

/** A `response_status` name this mock uses. */
export type TurboStatusName = keyof typeof TURBO_CODES;

/** A `{ response_code, response_status }` pair, as both the envelope and per-item entries carry. */
export interface TurboCode {
  code: number;
  status: TurboStatusName;
}

/** The code and status for a status name. */
export function turboCode(status: TurboStatusName): TurboCode {
  return { code: TURBO_CODES[status], status };
}
