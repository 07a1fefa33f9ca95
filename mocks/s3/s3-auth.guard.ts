import { S3Error } from './s3-error.codec';
import type { S3Credentials } from './s3-mock.options';
import type { ChunkSigning } from './s3-chunked.codec';
import { canonicalRequest, canonicalUri, sign, signingKey, stringToSign, SIGV4_ALGORITHM, type SigningScope } from './s3-signature.codec';

/** How the body is covered, from `x-amz-content-sha256`. */
export type PayloadMode =
  | { kind: 'hash'; sha256: string }
  | { kind: 'unsigned' }
  /** aws-chunked with chunk signatures; `trailer` for the -TRAILER variant (signed trailer). */
  | { kind: 'streaming-signed'; trailer: boolean }
  /** aws-chunked without signatures, checksum in a trailer (what @aws-sdk/client-s3 sends for a stream body). */
  | { kind: 'streaming-unsigned-trailer' };

/** A request whose signature checked out. */
export interface Authenticated {
  accessKeyId: string;
  payload: PayloadMode;
  /** What the chunk and trailer signatures of an aws-chunked body chain from. */
  chunkSigning: ChunkSigning;
}

/** What the guard needs from a request. */
export interface AuthInput {
  method: string;
  /** The path as received (not decoded). */
  rawPath: string;
  /** Query parameters, decoded. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: Readonly<Record<string, string>>;
}

/** Settings of the guard. */
export interface AuthSettings {
  credentials: readonly S3Credentials[];
  region: string;
  maxClockSkewMs: number;
  clock: () => number;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks the SigV4 `Authorization` header of a request the way S3 does, in S3's order of
 * complaints (README, "Authentication"). The body is not looked at here: its hash (or its chunk
 * signatures) are checked once it is decoded.
 * @throws S3Error AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, AuthorizationHeaderMalformed,
 *   RequestTimeTooSkewed, InvalidRequest, InvalidArgument, InvalidURI, NotImplemented
 */
export function authenticate(req: AuthInput, settings: AuthSettings): Authenticated {
  if (req.query.some(([k]) => k === 'X-Amz-Algorithm' || k === 'X-Amz-Signature' || k === 'X-Amz-Credential')) {
    throw new S3Error('NotImplemented', 'Query-string authentication (presigned URLs) is not modelled by this mock.');
  }
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') throw new S3Error('AccessDenied');
  if (/^AWS\s/.test(header)) throw new S3Error('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  if (!header.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new S3Error('InvalidArgument', 'Unsupported Authorization Type', [
      ['ArgumentName', 'Authorization'],
      ['ArgumentValue', header.slice(0, 64)],
    ]);
  }
  const fields = new Map<string, string>();
  for (const part of header.slice(SIGV4_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeadersText = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeadersText || !signature) {
    throw malformed('the header must have Credential, SignedHeaders and Signature');
  }
  const cred = credential.split('/');
  if (cred.length !== 5 || cred.some((c) => c === '') || cred[4] !== 'aws4_request' || !/^\d{8}$/.test(cred[1])) {
    throw malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, scopeDate, region, service] = cred;
  const account = settings.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!account) throw new S3Error('InvalidAccessKeyId', undefined, [['AWSAccessKeyId', accessKeyId.slice(0, 128)]]);

  const amzDate = req.headers['x-amz-date']?.trim() ?? '';
  const m = AMZ_DATE.exec(amzDate);
  const requestTime = m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
  if (!m || Number.isNaN(requestTime)) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (scopeDate !== amzDate.slice(0, 8)) throw malformed('Invalid credential date. Date is not the same as X-Amz-Date.');
  if (region !== settings.region) {
    throw new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${region.slice(0, 64)}' is wrong; expecting '${settings.region}'`, [
      ['Region', settings.region],
    ]);
  }
  if (service !== 's3') throw malformed(`the service '${service.slice(0, 64)}' is wrong; expecting 's3'`);
  const now = settings.clock();
  if (Math.abs(now - requestTime) > settings.maxClockSkewMs) {
    throw new S3Error('RequestTimeTooSkewed', undefined, [
      ['RequestTime', amzDate],
      ['ServerTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')],
      ['MaxAllowedSkewMilliseconds', String(settings.maxClockSkewMs)],
    ]);
  }

  const signedHeaders = signedHeadersText.split(';').map((h) => h.trim().toLowerCase());
  if (!signedHeaders.includes('host')) throw malformed('host must be a signed header');
  const unsigned = Object.keys(req.headers).filter((h) => h.startsWith('x-amz-') && !signedHeaders.includes(h));
  if (unsigned.length > 0) {
    throw new S3Error('AccessDenied', 'There were headers present in the request which were not signed', [['HeadersNotSigned', unsigned.join(', ').slice(0, 500)]]);
  }

  const payloadHash = req.headers['x-amz-content-sha256']?.trim();
  if (payloadHash === undefined) throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  const payload = payloadMode(payloadHash);

  let uri: string;
  try {
    uri = canonicalUri(req.rawPath);
  } catch {
    throw new S3Error('InvalidURI');
  }
  const scope: SigningScope = { date: scopeDate, region, service };
  const canonical = canonicalRequest({ method: req.method, canonicalUri: uri, query: req.query, headers: req.headers, signedHeaders, payloadHash });
  const toSign = stringToSign(amzDate, scope, canonical);
  const key = signingKey(account.secretAccessKey, scope);
  const expected = sign(key, toSign);
  if (signature !== expected) {
    throw new S3Error('SignatureDoesNotMatch', undefined, [
      ['AWSAccessKeyId', accessKeyId],
      ['StringToSign', toSign],
      ['SignatureProvided', signature.slice(0, 128)],
      ['CanonicalRequest', canonical.slice(0, 8192)],
    ]);
  }
  return { accessKeyId, payload, chunkSigning: { key, amzDate, scope, seedSignature: expected } };
}

function payloadMode(value: string): PayloadMode {
  if (HEX64.test(value)) return { kind: 'hash', sha256: value };
  switch (value) {
    case 'UNSIGNED-PAYLOAD':
      return { kind: 'unsigned' };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return { kind: 'streaming-signed', trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return { kind: 'streaming-signed', trailer: true };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return { kind: 'streaming-unsigned-trailer' };
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD':
    case 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER':
    case 'STREAMING-AWS4-HMAC-SHA256-EVENTS':
      throw new S3Error('NotImplemented', `x-amz-content-sha256 ${value} (SigV4a / event streams) is not modelled by this mock.`);
    default:
      throw new S3Error(
        'InvalidArgument',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        [
          ['ArgumentName', 'x-amz-content-sha256'],
          ['ArgumentValue', value.slice(0, 128)],
        ],
      );
  }
}

function malformed(why: string): S3Error {
  return new S3Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`);
}
