/** Test helpers: raw SigV4-signed HTTP requests to the mock (for what the SDK never sends). */
import http from 'node:http';
import type { S3Credentials } from './s3-mock.options';
import { canonicalRequest, canonicalUri, sha256Hex, sign, signingKey, stringToSign, type SigningScope } from './s3-signature.codec';
import { parseQuery } from './s3-request.reader';

/** An answer as read off the socket. */
export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** `<Code>` of an S3 error body, or null. */
  code: string | null;
}

/** What to send. */
export interface RawRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sign with these (default: send unsigned). */
  credentials?: S3Credentials;
  region?: string;
  /** `x-amz-content-sha256` (default: the sha256 of the body). */
  payloadHash?: string;
  /** Request time (default now). */
  date?: Date;
  /** Host header (default the mock's host:port). */
  host?: string;
  /** Headers present on the wire but left out of SignedHeaders. */
  unsignedHeaders?: Record<string, string>;
}

/** `YYYYMMDDTHHMMSSZ` */
export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Signs a request as SigV4 clients do; returns the headers to send and the seed signature. */
export function signHeaders(r: RawRequest & { hostHeader: string }): { headers: Record<string, string>; signature: string; key: Buffer; scope: SigningScope; amzDate: string } {
  const date = r.date ?? new Date();
  const stamp = amzDate(date);
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const headers: Record<string, string> = { host: r.hostHeader, 'x-amz-date': stamp, 'x-amz-content-sha256': r.payloadHash ?? sha256Hex(body) };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  const creds = r.credentials!;
  const scope: SigningScope = { date: stamp.slice(0, 8), region: r.region ?? 'us-east-1', service: 's3' };
  const q = r.path.indexOf('?');
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: r.method,
    canonicalUri: canonicalUri(q === -1 ? r.path : r.path.slice(0, q)),
    query: parseQuery(q === -1 ? '' : r.path.slice(q + 1)),
    headers,
    signedHeaders,
    payloadHash: headers['x-amz-content-sha256'],
  });
  const key = signingKey(creds.secretAccessKey, scope);
  const signature = sign(key, stringToSign(stamp, scope, canonical));
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope.date}/${scope.region}/s3/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return { headers, signature, key, scope, amzDate: stamp };
}

/** Sends one request over a fresh connection and reads the whole answer. */
export function rawCall(baseUrl: string, r: RawRequest): Promise<RawAnswer> {
  const url = new URL(baseUrl);
  const hostHeader = r.host ?? url.host;
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const headers = r.credentials ? signHeaders({ ...r, hostHeader }).headers : { host: hostHeader, ...(r.headers ?? {}) };
  Object.assign(headers, r.unsignedHeaders ?? {});
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'transfer-encoding')) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        const text = b.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Deterministic pseudo-random bytes (xorshift), so a failing comparison can be reproduced. */
export function pseudoRandomBytes(size: number, seed = 42): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, Math.min(i, size - 4) === i ? i : size - 4);
  }
  return out;
}
