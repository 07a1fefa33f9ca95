import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TransientError } from '../../contracts';
import { digestOf, refusal, sha256Of } from '../../test/helpers/files.helper';
import { S3FileStore, s3ClientFor, s3KeyOf, S3_UPLOAD_PREFIX } from './s3-file.store';

const MiB = 1024 * 1024;

/**
 * An S3 bucket at the level of the SDK's commands: a middleware that answers each command from a
 * Map before anything is serialised or sent. It tests what the store asks of S3 (temporary key,
 * copy, clean-up, multipart through lib-storage), not the wire; the wire is for mocks/s3 (below).
 */
function commandLevelBucket() {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  const calls: string[] = [];
  let failNext: string | undefined;
  const client = new S3Client({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
  const bytes = async (body: unknown) => (Buffer.isBuffer(body) || body instanceof Uint8Array ? Buffer.from(body) : Buffer.concat(await (body as Readable).toArray()));
  const notFound = () => Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const name = context.commandName as string;
      const input = args.input as Record<string, unknown> & { Key: string; Body?: unknown; UploadId?: string; PartNumber?: number; CopySource?: string };
      calls.push(`${name.replace(/Command$/, '')} ${input.Key}`);
      if (failNext === name) {
        failNext = undefined;
        throw Object.assign(new Error('InternalError'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      }
      const out = (o: Record<string, unknown> = {}) => ({ output: { $metadata: { httpStatusCode: 200 }, ...o }, response: {} }) as never;
      switch (name) {
        case 'PutObjectCommand':
          objects.set(input.Key, await bytes(input.Body));
          return out({ ETag: '"e"' });
        case 'CreateMultipartUploadCommand': {
          const id = `u${uploads.size + 1}`;
          uploads.set(id, { key: input.Key, parts: new Map() });
          return out({ UploadId: id, Bucket: 'b', Key: input.Key });
        }
        case 'UploadPartCommand':
          uploads.get(input.UploadId as string)?.parts.set(input.PartNumber as number, await bytes(input.Body));
          return out({ ETag: `"p${input.PartNumber}"` });
        case 'CompleteMultipartUploadCommand': {
          const u = uploads.get(input.UploadId as string)!;
          objects.set(u.key, Buffer.concat([...u.parts.entries()].sort(([a], [b]) => a - b).map(([, p]) => p)));
          uploads.delete(input.UploadId as string);
          return out({ Key: u.key, Bucket: 'b', Location: 'x' });
        }
        case 'AbortMultipartUploadCommand':
          uploads.delete(input.UploadId as string);
          return out();
        case 'HeadObjectCommand': {
          const o = objects.get(input.Key);
          if (!o) throw notFound();
          return out({ ContentLength: o.length });
        }
        case 'GetObjectCommand': {
          const o = objects.get(input.Key);
          if (!o) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
          return out({ Body: Readable.from([o.subarray(0, 1000), o.subarray(1000)]), ContentLength: o.length });
        }
        case 'CopyObjectCommand': {
          const source = objects.get((input.CopySource as string).replace(/^b\//, ''));
          if (!source) throw notFound();
          objects.set(input.Key, source);
          return out();
        }
        case 'DeleteObjectCommand':
          objects.delete(input.Key);
          return out();
        default:
          throw new Error(`unexpected command ${name}`);
      }
    },
    { step: 'initialize', name: 'commandLevelBucket' },
  );
  return { client, objects, uploads, calls, failOnce: (command: string) => (failNext = command) };
}

describe('S3FileStore (command level)', () => {
  it('streams to a temporary key, copies it to sha256/<hex> and deletes the temporary object', async () => {
    const bucket = commandLevelBucket();
    const store = new S3FileStore(bucket.client, 'b');
    const content = randomBytes(12 * MiB + 3);
    const digest = await store.put(Readable.from([content.subarray(0, 5), content.subarray(5)]), { maxBytes: 20 * MiB, expect: { size: content.length } });
    expect(digest).toEqual({ sha256: sha256Of(content), size: content.length });
    expect([...bucket.objects.keys()]).toEqual([s3KeyOf(digest.sha256)]);
    expect(bucket.objects.get(s3KeyOf(digest.sha256))?.equals(content)).toBe(true);
    expect(bucket.calls.filter((c) => c.startsWith('UploadPart')).length).toBe(3);
    expect(bucket.calls.at(-1)).toMatch(new RegExp(`^DeleteObject ${S3_UPLOAD_PREFIX}`));
    expect(await store.stat(digest.sha256)).toEqual({ size: content.length });
    expect(await digestOf(await store.open(digest.sha256))).toEqual(digest);
  });

  it('with the sha256 expected, writes straight to its key and never completes content that does not match', async () => {
    const bucket = commandLevelBucket();
    const store = new S3FileStore(bucket.client, 'b');
    const content = randomBytes(11 * MiB);
    const digest = await store.put(Readable.from([content]), { maxBytes: 20 * MiB, expect: { sha256: sha256Of(content), size: content.length } });
    expect(digest).toEqual({ sha256: sha256Of(content), size: content.length });
    expect(bucket.calls.filter((c) => /^(CopyObject|DeleteObject)/.test(c))).toEqual([]);
    expect([...bucket.objects.keys()]).toEqual([s3KeyOf(digest.sha256)]);

    const forged = randomBytes(11 * MiB);
    const e = await refusal(store.put(Readable.from([forged]), { maxBytes: 20 * MiB, expect: { sha256: 'b'.repeat(64), size: forged.length } }));
    expect(e.reason).toBe('sha256-mismatch');
    expect(bucket.objects.has(s3KeyOf('b'.repeat(64)))).toBe(false);
    expect(bucket.calls.at(-1)).toMatch(/^AbortMultipartUpload /);
    expect(bucket.uploads.size).toBe(0);
    expect((await refusal(store.put(Buffer.from('tiny'), { maxBytes: MiB, expect: { sha256: 'b'.repeat(64) } }))).reason).toBe('sha256-mismatch');
    expect([...bucket.objects.keys()]).toEqual([s3KeyOf(digest.sha256)]);
  });

  it('is idempotent, checks known content without uploading it, and keeps nothing it refused', async () => {
    const bucket = commandLevelBucket();
    const store = new S3FileStore(bucket.client, 'b');
    const content = randomBytes(1000);
    await store.put(content, { maxBytes: MiB });
    await store.put(content, { maxBytes: MiB });
    bucket.calls.length = 0;
    expect(await store.put(content, { maxBytes: MiB, expect: { sha256: sha256Of(content) } })).toEqual({ sha256: sha256Of(content), size: 1000 });
    expect(bucket.calls).toEqual([`HeadObject ${s3KeyOf(sha256Of(content))}`]);
    expect((await refusal(store.put(randomBytes(1000), { maxBytes: MiB, expect: { sha256: sha256Of(content) } }))).reason).toBe('sha256-mismatch');
    expect((await refusal(store.put(randomBytes(1000), { maxBytes: MiB, expect: { sha256: 'd'.repeat(64) } }))).reason).toBe('sha256-mismatch');
    expect((await refusal(store.put(Readable.from([randomBytes(6 * MiB), randomBytes(6 * MiB)]), { maxBytes: 8 * MiB }))).reason).toBe('too-large');
    expect((await refusal(store.put(randomBytes(10), { maxBytes: MiB, expect: { size: 11 } }))).reason).toBe('size-mismatch');
    expect([...bucket.objects.keys()]).toEqual([s3KeyOf(sha256Of(content))]);
    expect(bucket.uploads.size).toBe(0);
  });

  it('reports absent content, and S3 5xx as transient', async () => {
    const bucket = commandLevelBucket();
    const store = new S3FileStore(bucket.client, 'b');
    expect(await store.has('a'.repeat(64))).toBe(false);
    expect((await refusal(store.open('a'.repeat(64)))).reason).toBe('not-stored');
    bucket.failOnce('HeadObjectCommand');
    await expect(store.stat('a'.repeat(64))).rejects.toBeInstanceOf(TransientError);
    bucket.failOnce('PutObjectCommand');
    await expect(store.put(randomBytes(10), { maxBytes: MiB })).rejects.toBeInstanceOf(TransientError);
    expect(bucket.objects.size).toBe(0);
  });
});

/** What these tests use of mocks/s3's `startS3Mock()` (typed here: the mock arrived on main after this branch began). */
interface RunningS3MockView {
  clientConfig: { endpoint: string; region: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  bucket: string;
  store: { list(filter?: { bucket?: string; prefix?: string }): { key: string }[]; uploads(): unknown[] };
  admin: { fault(spec: Record<string, unknown>): unknown; reset?(): void };
  close(): Promise<void>;
}

/**
 * The same store on the wire, against mocks/s3 (SigV4, multipart, real HTTP). Skipped where the
 * mock is not in the tree: waiting for mocks/s3 (it reached main while this branch was written;
 * the tests start it as soon as both meet). CopyObject, which a put without an expected sha256
 * uses, is not modelled by the mock yet (501), so only the expected-digest path runs on the wire.
 */
describe('S3FileStore (on the wire, mocks/s3)', () => {
  const mockDir = process.env.S3_MOCK_DIR ?? join(__dirname, '..', '..', 'mocks', 's3');
  // Skipped without the mock: waiting for mocks/s3.
  const wire = existsSync(join(mockDir, 'index.ts')) ? it : it.skip;
  let mock: RunningS3MockView;
  let store: S3FileStore;

  beforeAll(async () => {
    if (!existsSync(join(mockDir, 'index.ts'))) return;
    const { startS3Mock } = (await import(mockDir)) as { startS3Mock(): Promise<RunningS3MockView> };
    mock = await startS3Mock();
    const c = mock.clientConfig;
    store = new S3FileStore(s3ClientFor({ kind: 's3', endpoint: c.endpoint, bucket: mock.bucket, region: c.region, ...c.credentials, forcePathStyle: true }), mock.bucket);
  });
  afterAll(() => mock?.close());

  wire('puts 20 MiB by multipart straight to sha256/<hex> and reads it back byte-identical', async () => {
    const content = randomBytes(20 * MiB);
    const ref = { sha256: sha256Of(content), size: content.length };
    expect(await store.put(Readable.from([content]), { maxBytes: 50 * MiB, expect: ref })).toEqual(ref);
    expect(await store.stat(ref.sha256)).toEqual({ size: content.length });
    expect(await digestOf(await store.open(ref.sha256))).toEqual(ref);
    expect(mock.store.list({ bucket: mock.bucket }).map((o) => o.key)).toContain(s3KeyOf(ref.sha256));
    // Known content is checked, not uploaded again.
    expect(await store.put(Readable.from([content]), { maxBytes: 50 * MiB, expect: ref })).toEqual(ref);
  });

  wire('refuses mismatching or oversized content and leaves neither object nor upload behind', async () => {
    const content = randomBytes(12 * MiB);
    // What earlier tests stored stays; nothing of this test's refused content may join it.
    const before = mock.store.list({ bucket: mock.bucket }).map((o) => o.key);
    expect((await refusal(store.put(Readable.from([content]), { maxBytes: 50 * MiB, expect: { sha256: 'c'.repeat(64), size: content.length } }))).reason).toBe('sha256-mismatch');
    expect((await refusal(store.put(Readable.from([content]), { maxBytes: 50 * MiB, expect: { sha256: 'c'.repeat(64), size: content.length - 1 } }))).reason).toBe('size-mismatch');
    expect((await refusal(store.put(Buffer.from('small'), { maxBytes: 50 * MiB, expect: { sha256: 'c'.repeat(64) } }))).reason).toBe('sha256-mismatch');
    expect(await store.has('c'.repeat(64))).toBe(false);
    expect((await refusal(store.open('c'.repeat(64)))).reason).toBe('not-stored');
    // Not under the claimed digest, not under the content's own (a prefix like 'sha256/c' would also
    // match whatever an earlier test stored whose digest starts with c).
    expect(mock.store.list({ bucket: mock.bucket }).map((o) => o.key)).toEqual(before);
    expect(before).not.toContain(s3KeyOf('c'.repeat(64)));
    expect(before).not.toContain(s3KeyOf(sha256Of(content)));
    expect(mock.store.uploads()).toEqual([]);
  });

  wire('rides out a brief 503 on a part (the SDK retries) and reports a lasting one as transient', async () => {
    const content = randomBytes(6 * MiB);
    const ref = { sha256: sha256Of(content), size: content.length };
    mock.admin.fault({ fault: 'http-error', status: 503, count: 1, match: { type: 'UploadPart' } });
    expect(await store.put(Readable.from([content]), { maxBytes: 50 * MiB, expect: ref })).toEqual(ref);
    mock.admin.fault({ fault: 'http-error', status: 503, count: 10, match: { type: 'HeadObject' } });
    await expect(store.stat('e'.repeat(64))).rejects.toBeInstanceOf(TransientError);
    mock.admin.reset?.();
  });
});
