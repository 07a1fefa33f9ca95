import type { MockResponse } from '../_kit';
import type { Authenticated } from './s3-auth.guard';
import { checksumHeader } from './s3-checksum.codec';
import { S3Error } from './s3-error.codec';
import { attributesFromHeaders, checkReadConditions, objectHeaders, parseRange, writeCondition } from './s3-headers.codec';
import type { ObjectRepository, StoredObject } from './s3-object.repository';
import { readPayload } from './s3-payload.reader';
import type { S3Route } from './s3-request.reader';
import { el, xmlDocument } from './s3-xml.codec';

/** What an operation gets. */
export interface S3Call {
  route: S3Route;
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  auth: Authenticated;
  method: string;
}

const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-content-type': 'content-type',
  'response-expires': 'expires',
};

/** PutObject, GetObject, HeadObject, DeleteObject and ListObjectsV2 (README, "Operations"). */
export class S3ObjectsService {
  constructor(
    private readonly repo: ObjectRepository,
    private readonly maxObjectBytes: number,
  ) {}

  async put(c: S3Call): Promise<MockResponse> {
    const { bucket, key } = c.route;
    const condition = writeCondition(c.headers);
    const attrs = attributesFromHeaders(c.headers);
    const payload = readPayload(c.body, c.headers, c.auth, this.maxObjectBytes);
    const checksum = payload.checksum ? { ...payload.checksum, type: 'FULL_OBJECT' as const } : null;
    const obj = await this.repo.putObject(bucket, key, payload.data, { ...attrs, etag: `"${payload.md5}"`, checksum }, condition ?? undefined);
    const headers: Record<string, string> = { etag: obj.etag, 'x-amz-server-side-encryption': 'AES256' };
    if (checksum) {
      headers[checksumHeader(checksum.algorithm)] = checksum.value;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    return { status: 200, headers };
  }

  /** GetObject and HeadObject (HEAD: the same headers, the body is dropped by Node). */
  async get(c: S3Call): Promise<MockResponse> {
    const { bucket, key } = c.route;
    const head = c.method === 'HEAD';
    const obj = this.repo.get(bucket, key);
    if (!obj) throw noSuchKey(key);
    if (checkReadConditions(c.headers, obj) === 'not-modified') {
      return { status: 304, headers: { etag: obj.etag, 'last-modified': new Date(obj.lastModified).toUTCString() } };
    }
    const range = parseRange(c.headers.range, obj.size);
    const start = range?.start ?? 0;
    const end = range ? range.end + 1 : obj.size;
    const headers = objectHeaders(obj, range === null && c.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED');
    for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
      const v = c.route.param(param);
      if (v !== undefined) headers[header] = v;
    }
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${obj.size}`;
    // The kit sets Content-Length from the body: a HEAD answer carries a body of the right
    // length, zero-filled (untouched pages cost nothing), that Node does not send.
    const body = head ? Buffer.alloc(end - start) : await this.repo.read(obj, start, end);
    if (body === null) throw noSuchKey(key);
    return { status: range ? 206 : 200, headers, body };
  }

  delete(c: S3Call): MockResponse {
    this.repo.delete(c.route.bucket, c.route.key);
    return { status: 204 };
  }

  list(c: S3Call): MockResponse {
    const p = (name: string) => c.route.param(name);
    const prefix = p('prefix') ?? '';
    const delimiter = p('delimiter') ?? '';
    const encoding = p('encoding-type');
    if (encoding !== undefined && encoding !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', [['ArgumentName', 'encoding-type']]);
    const maxKeysText = p('max-keys');
    if (maxKeysText !== undefined && !/^\d{1,9}$/.test(maxKeysText)) {
      throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', [
        ['ArgumentName', 'max-keys'],
        ['ArgumentValue', maxKeysText.slice(0, 40)],
      ]);
    }
    const maxKeys = Math.min(1000, maxKeysText === undefined ? 1000 : Number(maxKeysText));
    const token = p('continuation-token');
    let after = p('start-after') ?? '';
    let afterPrefix = false;
    if (token !== undefined) ({ after, afterPrefix } = decodeToken(token));
    const afterBytes = Buffer.from(after, 'utf8');

    const contents: StoredObject[] = [];
    const prefixes: string[] = [];
    let last: { key: string; prefix: boolean } | null = null;
    let truncated = false;
    for (const obj of this.repo.list(c.route.bucket)) {
      if (!obj.key.startsWith(prefix)) continue;
      if (after !== '' && Buffer.compare(Buffer.from(obj.key, 'utf8'), afterBytes) <= 0) continue;
      let common: string | null = null;
      if (delimiter !== '') {
        const i = obj.key.indexOf(delimiter, prefix.length);
        if (i !== -1) common = obj.key.slice(0, i + delimiter.length);
      }
      // A common prefix already returned (or the token's) is skipped as a whole.
      if (common !== null && (prefixes[prefixes.length - 1] === common || (afterPrefix && after === common))) continue;
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (common !== null) {
        prefixes.push(common);
        last = { key: common, prefix: true };
      } else {
        contents.push(obj);
        last = { key: obj.key, prefix: false };
      }
    }
    const enc = (s: string) => (encoding === 'url' ? encodeURIComponent(s) : s);
    let inner = el('Name', c.route.bucket) + el('Prefix', enc(prefix));
    if (delimiter !== '') inner += el('Delimiter', enc(delimiter));
    inner += el('MaxKeys', maxKeys) + el('KeyCount', contents.length + prefixes.length) + el('IsTruncated', truncated);
    if (token !== undefined) inner += el('ContinuationToken', token);
    if (p('start-after') !== undefined) inner += el('StartAfter', enc(p('start-after')!));
    if (encoding !== undefined) inner += el('EncodingType', encoding);
    if (truncated && last !== null) inner += el('NextContinuationToken', encodeToken(last.key, last.prefix));
    for (const o of contents) {
      inner += '<Contents>' + el('Key', enc(o.key)) + el('LastModified', new Date(o.lastModified).toISOString()) + el('ETag', o.etag) + el('Size', o.size);
      if (o.checksum) inner += el('ChecksumAlgorithm', o.checksum.algorithm) + el('ChecksumType', o.checksum.type);
      inner += el('StorageClass', 'STANDARD') + '</Contents>';
    }
    for (const cp of prefixes) inner += '<CommonPrefixes>' + el('Prefix', enc(cp)) + '</CommonPrefixes>';
    return { status: 200, headers: { 'content-type': 'application/xml' }, body: xmlDocument('ListBucketResult', inner) };
  }
}

/** `NoSuchKey` with the key, as S3 answers it. */
export function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', undefined, [['Key', key]]);
}

// Continuation tokens are opaque to clients; here they carry the last key (or common prefix) returned.
function encodeToken(last: string, prefix: boolean): string {
  return Buffer.from(`${prefix ? 'p' : 'k'}\n${last}`, 'utf8').toString('base64');
}

function decodeToken(token: string): { after: string; afterPrefix: boolean } {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(token) ? Buffer.from(token, 'base64').toString('utf8') : '';
  if (!/^[pk]\n/.test(text) || Buffer.from(text, 'utf8').toString('base64') !== token) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', [['ArgumentName', 'continuation-token']]);
  }
  return { after: text.slice(2), afterPrefix: text[0] === 'p' };
}
