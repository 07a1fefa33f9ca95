import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 as S3 computes it (README, "Authentication"): the canonical request,
 * the string to sign, the signing key, and the chained signatures of aws-chunked bodies and
 * their trailers. Pure functions, checked against the worked examples of AWS's documentation
 * (`s3-signature.codec.test.ts`).
 */

/** The algorithm name in `Authorization` and the first line of the string to sign. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** sha256 of the empty string, hex. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a canonical request is built from. */
export interface CanonicalInput {
  method: string;
  /** The path as S3 canonicalises it: see {@link canonicalUri}. */
  canonicalUri: string;
  /** Query parameters, decoded (name, value), in any order. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Lower-case header name → value, as received (repeated headers joined with ","). */
  headers: Readonly<Record<string, string>>;
  /** Lower-case names, in the order of `SignedHeaders`. */
  signedHeaders: readonly string[];
  /** The `x-amz-content-sha256` value (a hex hash or one of the literal payload markers). */
  payloadHash: string;
}

/** The scope of a signature: `date/region/service/aws4_request`. */
export interface SigningScope {
  /** `YYYYMMDD` */
  date: string;
  region: string;
  service: string;
}

/** `date/region/service/aws4_request` */
export function scopeString(s: SigningScope): string {
  return `${s.date}/${s.region}/${s.service}/aws4_request`;
}

/** URI-encodes as SigV4 requires: every byte except A-Z a-z 0-9 - . _ ~ as %XX (upper case); `/` kept when `keepSlash`. */
export function uriEncode(value: string, keepSlash = false): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || c === '-' || c === '.' || c === '_' || c === '~' || (keepSlash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The canonical URI of an S3 request from the path as received: each segment decoded and
 * encoded once again (S3 encodes once and does not normalise `.`, `..` or `//`, unlike other
 * services). So `/b/a%20b`, `/b/a b` and `/b/%61%20b` all sign as `/b/a%20b`.
 * @throws URIError when a segment is not valid percent-encoded UTF-8
 */
export function canonicalUri(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

/** Query string in canonical form: names and values encoded, sorted by name then value. */
export function canonicalQuery(query: ReadonlyArray<readonly [string, string]>): string {
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** A header value as SigV4 canonicalises it: trimmed, runs of spaces collapsed to one. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/[ \t]+/g, ' ');
}

/** The canonical request (six lines, see AWS's "Create a canonical request"). */
export function canonicalRequest(c: CanonicalInput): string {
  const headerLines = c.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(c.headers[name] ?? '')}\n`).join('');
  return [c.method, c.canonicalUri, canonicalQuery(c.query), headerLines, c.signedHeaders.join(';'), c.payloadHash].join('\n');
}

/** hex sha256 */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The signing key: HMAC chain over `AWS4<secret>`, date, region, service, `aws4_request`. */
export function signingKey(secret: string, scope: SigningScope): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request');
}

/** The string to sign of a request. */
export function stringToSign(amzDate: string, scope: SigningScope, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scopeString(scope), sha256Hex(canonical)].join('\n');
}

/** hex HMAC-SHA256 of a string to sign. */
export function sign(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

/** The string to sign of one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
export function chunkStringToSign(amzDate: string, scope: SigningScope, previousSignature: string, chunkSha256Hex: string): string {
  return ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scopeString(scope), previousSignature, EMPTY_SHA256, chunkSha256Hex].join('\n');
}

/**
 * The string to sign of the trailer chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER): the
 * trailing headers, each as `name:value\n`, hashed; chained to the signature of the final chunk.
 */
export function trailerStringToSign(amzDate: string, scope: SigningScope, previousSignature: string, trailers: ReadonlyArray<readonly [string, string]>): string {
  const canonical = trailers.map(([k, v]) => `${k}:${v}\n`).join('');
  return ['AWS4-HMAC-SHA256-TRAILER', amzDate, scopeString(scope), previousSignature, sha256Hex(canonical)].join('\n');
}
