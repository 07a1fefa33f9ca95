import { randomBytes } from 'node:crypto';
import type { ErrorResponder, MockResponse } from '../_kit';
import { xmlEscape } from './s3-xml.codec';

/** The S3 error codes this mock answers, with S3's HTTP status and message (README, "Errors"). */
export const S3_ERRORS = {
  AccessDenied: [403, 'Access Denied'],
  AuthorizationHeaderMalformed: [400, 'The authorization header is malformed.'],
  BadDigest: [400, 'The Content-MD5 you specified did not match what we received.'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS Access Key Id you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidChunkSizeError: [400, 'Only the last chunk is allowed to have a size less than 8192 bytes'],
  InvalidDigest: [400, 'The Content-MD5 you specified is not valid.'],
  InvalidPart: [400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order. The parts list must be specified in order by part number.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  InvalidURI: [400, "Couldn't parse the specified URI."],
  KeyTooLongError: [400, 'Your key is too long'],
  MalformedTrailerError: [400, 'The request contained trailing data that was not well-formed or did not conform to our published schema.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented.'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the current time is too large.'],
  ServiceUnavailable: [503, 'Service is unable to handle request.'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  SlowDown: [503, 'Please reduce your request rate.'],
  XAmzContentSHA256Mismatch: [400, "The provided 'x-amz-content-sha256' header does not match what was computed."],
} as const satisfies Record<string, readonly [number, string]>;

/** One of {@link S3_ERRORS}. */
export type S3ErrorCode = keyof typeof S3_ERRORS;

/**
 * An S3 error answer. `details` are the extra elements S3 puts after `<Message>` (`<Key>`,
 * `<BucketName>`, `<UploadId>`, `<StringToSign>`…), in order.
 */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  readonly status: number;

  /**
   * @param code the S3 error code
   * @param message overrides the catalogue message
   * @param details extra elements, in order
   * @param headers extra response headers (`Content-Range` of a 416)
   */
  constructor(
    readonly code: S3ErrorCode,
    message?: string,
    readonly details: ReadonlyArray<readonly [string, string]> = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? S3_ERRORS[code][1]);
    this.status = S3_ERRORS[code][0];
  }
}

/** A request id as S3 shows them: 16 upper-case hex digits. */
export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** The `x-amz-request-id` / `x-amz-id-2` pair every answer carries. */
export function requestIdHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64'), server: 'AmazonS3' };
}

/** Renders an error as S3 does: `application/xml`, `<Error><Code>…</Code><Message>…</Message>…</Error>`. */
export function renderError(
  code: string,
  status: number,
  message: string,
  details: ReadonlyArray<readonly [string, string]> = [],
  extraHeaders: Record<string, string> = {},
  requestId = newRequestId(),
): MockResponse {
  const ids = requestIdHeaders(requestId);
  const extra = details.map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`).join('');
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${xmlEscape(ids['x-amz-id-2'])}</HostId></Error>`;
  return { status, headers: { 'content-type': 'application/xml', ...ids, ...extraHeaders }, body };
}

/** An {@link S3Error} as an answer; `requestId` is repeated in the body as in `x-amz-request-id`. */
export function errorAnswer(err: S3Error, requestId?: string): MockResponse {
  return renderError(err.code, err.status, err.message, err.details, err.headers, requestId);
}

/** The code an injected `http-error` of a status gets unless its `message` names one. */
const CODE_BY_STATUS: Record<number, S3ErrorCode> = {
  400: 'InvalidRequest',
  403: 'AccessDenied',
  404: 'NoSuchKey',
  405: 'MethodNotAllowed',
  412: 'PreconditionFailed',
  500: 'InternalError',
  501: 'NotImplemented',
  503: 'SlowDown',
};

/**
 * Renders the kit's own errors (injected faults, bodies over the cap) as S3 errors. A fault's
 * `message` may name the code: `"ServiceUnavailable"` or `"SlowDown: Please reduce your request
 * rate."`; without one the code follows the status (503 SlowDown, 500 InternalError, …).
 */
export const s3ErrorResponder: ErrorResponder = ({ status, message, cause, retryAfterSeconds }) => {
  if (cause === 'too-large') {
    const e = new S3Error('EntityTooLarge');
    return errorAnswer(e);
  }
  const named = message === undefined ? null : /^([A-Z][A-Za-z0-9]{1,63})(?::\s*([\s\S]*))?$/.exec(message);
  const code = named ? named[1] : cause === 'rate-limit' ? 'SlowDown' : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'InternalError' : 'InvalidRequest'));
  const known = (S3_ERRORS as Record<string, readonly [number, string]>)[code];
  const text = named ? (named[2] ?? known?.[1] ?? code) : (message ?? known?.[1] ?? 'Injected fault');
  return renderError(code, status, text, [], retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) });
};
