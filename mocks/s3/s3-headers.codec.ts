import { checksumHeader } from './s3-checksum.codec';
import { S3Error } from './s3-error.codec';
import { STORED_HEADERS, type ObjectAttributes, type StoredObject } from './s3-object.repository';

/** S3's limit on user metadata: 2 KB of names and values (UTF-8). */
export const MAX_METADATA_BYTES = 2048;
/** S3's content type for an object stored without one. */
export const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';

/**
 * What is stored with an object from the request headers: `Content-Type`, the system headers
 * of {@link STORED_HEADERS} (`aws-chunked` taken out of `Content-Encoding`), `x-amz-meta-*`.
 * @throws S3Error MetadataTooLarge
 */
export function attributesFromHeaders(headers: Readonly<Record<string, string>>): ObjectAttributes {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = headers[name];
    if (v === undefined) continue;
    if (name === 'content-encoding') {
      v = v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && s.toLowerCase() !== 'aws-chunked')
        .join(',');
      if (v === '') continue;
    }
    stored[name] = v;
  }
  const metadata: Record<string, string> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    const short = name.slice('x-amz-meta-'.length);
    metadata[short] = value;
    bytes += Buffer.byteLength(short) + Buffer.byteLength(value);
  }
  if (bytes > MAX_METADATA_BYTES)
    throw new S3Error('MetadataTooLarge', undefined, [
      ['Size', String(bytes)],
      ['MaxSizeAllowed', String(MAX_METADATA_BYTES)],
    ]);
  return { contentType: headers['content-type'] ?? DEFAULT_CONTENT_TYPE, headers: stored, metadata };
}

/** The headers of a GET / HEAD answer for an object (without Content-Length, which the body sets). */
export function objectHeaders(obj: StoredObject, withChecksum: boolean): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': obj.contentType,
    etag: obj.etag,
    'last-modified': new Date(obj.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...obj.headers,
  };
  for (const [k, v] of Object.entries(obj.metadata)) h[`x-amz-meta-${k}`] = v;
  if (withChecksum && obj.checksum) {
    h[checksumHeader(obj.checksum.algorithm)] = obj.checksum.value;
    h['x-amz-checksum-type'] = obj.checksum.type;
  }
  return h;
}

function etagList(value: string): string[] {
  return value.split(',').map((t) => t.trim().replace(/^W\//, ''));
}

function sameEtag(given: string, etag: string): boolean {
  if (given === '*') return true;
  const bare = (s: string) => s.replace(/^"|"$/g, '');
  return bare(given) === bare(etag);
}

function httpDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/**
 * The conditional headers of GET / HEAD, in RFC 7232's order (S3 documents the same): If-Match
 * (else If-Unmodified-Since) failing → 412; If-None-Match (else If-Modified-Since) → 304.
 * @returns 'not-modified' for a 304
 * @throws S3Error PreconditionFailed
 */
export function checkReadConditions(headers: Readonly<Record<string, string>>, obj: StoredObject): 'ok' | 'not-modified' {
  const seconds = Math.floor(obj.lastModified / 1000) * 1000;
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    if (!etagList(ifMatch).some((t) => sameEtag(t, obj.etag))) throw new S3Error('PreconditionFailed', undefined, [['Condition', 'If-Match']]);
  } else {
    const since = httpDate(headers['if-unmodified-since']);
    if (since !== null && seconds > since) throw new S3Error('PreconditionFailed', undefined, [['Condition', 'If-Unmodified-Since']]);
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    if (etagList(ifNoneMatch).some((t) => sameEtag(t, obj.etag))) return 'not-modified';
  } else {
    const since = httpDate(headers['if-modified-since']);
    if (since !== null && seconds <= since) return 'not-modified';
  }
  return 'ok';
}

/**
 * The conditional writes of PutObject and CompleteMultipartUpload, checked against the object
 * there at the moment the new one would replace it: `If-None-Match: *` (only `*` is supported,
 * as on S3) and `If-Match: <etag>`.
 * @returns a check to run right before installing, null when the request has no condition
 * @throws S3Error NotImplemented for another If-None-Match value
 */
export function writeCondition(headers: Readonly<Record<string, string>>): ((current: StoredObject | undefined) => S3Error | null) | null {
  const ifNoneMatch = headers['if-none-match']?.trim();
  const ifMatch = headers['if-match']?.trim();
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') throw new S3Error('NotImplemented', 'If-None-Match on a write only supports "*".', [['Header', 'If-None-Match']]);
  if (ifNoneMatch === undefined && ifMatch === undefined) return null;
  return (current) => {
    if (ifNoneMatch !== undefined && current) return new S3Error('PreconditionFailed', undefined, [['Condition', 'If-None-Match']]);
    if (ifMatch !== undefined) {
      if (!current) return new S3Error('NoSuchKey');
      if (!etagList(ifMatch).some((t) => sameEtag(t, current.etag))) return new S3Error('PreconditionFailed', undefined, [['Condition', 'If-Match']]);
    }
    return null;
  };
}

/** A byte range `[start, end]` (inclusive) of an object. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range` header for an object of `size` bytes: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
 * @returns null for the whole object (no header, another unit, several ranges, a syntax S3 ignores)
 * @throws S3Error InvalidRange (416, `Content-Range: bytes *\/size`) when the range starts past the end
 */
export function parseRange(value: string | undefined, size: number): ByteRange | null {
  if (value === undefined) return null;
  const m = /^\s*bytes=(\d{0,15})-(\d{0,15})\s*$/.exec(value);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  const unsatisfiable = () =>
    new S3Error(
      'InvalidRange',
      undefined,
      [
        ['RangeRequested', value.slice(0, 100)],
        ['ActualObjectSize', String(size)],
      ],
      { 'content-range': `bytes */${size}` },
    );
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return null;
  if (start >= size) throw unsatisfiable();
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}
