import { S3Error } from './s3-error.codec';

/** The S3 operations this mock tells apart (the kit records them as the request `type`). */
export const S3_OPERATIONS = [
  'PutObject',
  'GetObject',
  'HeadObject',
  'DeleteObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListObjectsV2',
  'HeadBucket',
] as const;
/** One of {@link S3_OPERATIONS}. */
export type S3Operation = (typeof S3_OPERATIONS)[number];

/** A request routed to an operation (path-style addressing: `/<bucket>/<key>`). */
export interface S3Route {
  /** The operation, or null when the request is an S3 call this mock does not model. */
  operation: S3Operation | null;
  /** What the unmodelled call looks like (`CopyObject`, `GET ?acl`), for the NotImplemented message. */
  unmodelled: string | null;
  bucket: string;
  /** Decoded; empty for bucket operations. */
  key: string;
  /** Decoded query parameters in the order received. */
  query: Array<[string, string]>;
  param(name: string): string | undefined;
}

/** Query parameters each operation may carry; any other one makes the call unmodelled. */
const ALLOWED: Record<S3Operation, readonly string[]> = {
  PutObject: ['x-id'],
  GetObject: ['x-id', 'response-cache-control', 'response-content-disposition', 'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires'],
  HeadObject: ['x-id'],
  DeleteObject: ['x-id'],
  CreateMultipartUpload: ['x-id', 'uploads'],
  UploadPart: ['x-id', 'partNumber', 'uploadId'],
  CompleteMultipartUpload: ['x-id', 'uploadId'],
  AbortMultipartUpload: ['x-id', 'uploadId'],
  ListObjectsV2: ['x-id', 'list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner'],
  HeadBucket: ['x-id'],
};

/**
 * Decodes a query string without turning `+` into a space (SigV4 clients encode a space as
 * `%20` and a plus as `%2B`).
 * @throws S3Error InvalidURI on bad percent-encoding
 */
export function parseQuery(raw: string): Array<[string, string]> {
  if (raw === '') return [];
  return raw
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const k = eq === -1 ? p : p.slice(0, eq);
      const v = eq === -1 ? '' : p.slice(eq + 1);
      try {
        return [decodeURIComponent(k), decodeURIComponent(v)] as [string, string];
      } catch {
        throw new S3Error('InvalidURI');
      }
    });
}

/**
 * Routes a request by method, path and query.
 * @throws S3Error InvalidURI when the path or query is not valid percent-encoded UTF-8
 */
export function routeRequest(method: string, rawPath: string, rawQuery: string): S3Route {
  const query = parseQuery(rawQuery);
  const names = new Set(query.map(([k]) => k));
  const param = (name: string) => query.find(([k]) => k === name)?.[1];
  const rest = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const slash = rest.indexOf('/');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(slash === -1 ? rest : rest.slice(0, slash));
    key = slash === -1 ? '' : decodeURIComponent(rest.slice(slash + 1));
  } catch {
    throw new S3Error('InvalidURI');
  }
  const route = (operation: S3Operation | null, unmodelled: string | null = null): S3Route => {
    if (operation !== null) {
      const extra = [...names].filter((n) => !ALLOWED[operation].includes(n));
      if (extra.length > 0) return { operation: null, unmodelled: `${operation} with ?${extra.join('&')}`, bucket, key, query, param };
    }
    return { operation, unmodelled, bucket, key, query, param };
  };
  if (bucket === '') return route(null, method === 'GET' ? 'ListBuckets' : `${method} /`);
  if (key === '') {
    if (method === 'GET' && param('list-type') === '2') return route('ListObjectsV2');
    if (method === 'HEAD') return route('HeadBucket');
    const sub = [...names].filter((n) => n !== 'x-id');
    const what: Record<string, string> = { GET: 'ListObjects (v1)', PUT: 'CreateBucket', DELETE: 'DeleteBucket', POST: sub.includes('delete') ? 'DeleteObjects' : 'POST on a bucket' };
    return route(null, sub.length > 0 && !(method === 'POST' && sub.includes('delete')) ? `${method} bucket ?${sub.join('&')}` : (what[method] ?? `${method} on a bucket`));
  }
  switch (method) {
    case 'PUT':
      if (names.has('partNumber') || names.has('uploadId')) return route('UploadPart');
      return route('PutObject');
    case 'GET':
      return route('GetObject');
    case 'HEAD':
      return route('HeadObject');
    case 'DELETE':
      return route(names.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject');
    case 'POST':
      if (names.has('uploads')) return route('CreateMultipartUpload');
      if (names.has('uploadId')) return route('CompleteMultipartUpload');
      return route(null, `POST on an object ?${[...names].join('&')}`);
    default:
      return route(null, `${method} on an object`);
  }
}

/** The operation of a request for the kit's recording and fault matching; never throws. */
export function classifyS3Request(req: { method: string; url: string }): string | null {
  try {
    const q = req.url.indexOf('?');
    const r = routeRequest(req.method, q === -1 ? req.url : req.url.slice(0, q), q === -1 ? '' : req.url.slice(q + 1));
    return r.operation ?? 'Unmodelled';
  } catch {
    return null;
  }
}
