import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startS3Mock, type RunningS3Mock } from './index';
import { pseudoRandomBytes } from './s3-test.fixture';

/** The official SDK (and lib-storage's Upload) pointed at the mock: the strongest check of the wire shapes. */
describe('S3 mock: compatibility with @aws-sdk/client-s3 and @aws-sdk/lib-storage', () => {
  let s3mock: RunningS3Mock;
  let client: S3Client;
  const clientFor = (extra: Partial<S3ClientConfig> = {}) => new S3Client({ ...s3mock.clientConfig, ...extra });

  beforeAll(async () => {
    s3mock = await startS3Mock();
    client = clientFor();
  });
  afterAll(async () => {
    client.destroy();
    await s3mock.close();
  });
  afterEach(() => s3mock.admin.reset());

  it('puts, heads, gets (whole and a range) and deletes an object, with its type, metadata and ETag', async () => {
    const Key = 'files/ab/a b+ü.txt';
    const Body = 'Звернення № 42: текст';
    const put = await client.send(
      new PutObjectCommand({ Bucket: s3mock.bucket, Key, Body, ContentType: 'text/plain; charset=utf-8', Metadata: { sha256: 'abc', origin: 'portal' }, CacheControl: 'no-cache' }),
    );
    const md5 = createHash('md5').update(Body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);

    const head = await client.send(new HeadObjectCommand({ Bucket: s3mock.bucket, Key }));
    expect(head).toMatchObject({
      ContentLength: Buffer.byteLength(Body),
      ContentType: 'text/plain; charset=utf-8',
      ETag: `"${md5}"`,
      Metadata: { sha256: 'abc', origin: 'portal' },
      CacheControl: 'no-cache',
      AcceptRanges: 'bytes',
    });
    expect(head.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(head.LastModified!.getTime() - Date.now())).toBeLessThan(5000);

    const got = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key, ChecksumMode: 'ENABLED' }));
    expect(await got.Body!.transformToString('utf8')).toBe(Body);
    expect(got.ChecksumCRC32).toBe(put.ChecksumCRC32);

    const part = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key, Range: 'bytes=0-9' }));
    expect(part.$metadata.httpStatusCode).toBe(206);
    expect(part.ContentRange).toBe(`bytes 0-9/${Buffer.byteLength(Body)}`);
    expect(Buffer.from(await part.Body!.transformToByteArray()).equals(Buffer.from(Body).subarray(0, 10))).toBe(true);

    expect(s3mock.store.head(s3mock.bucket, Key)).toMatchObject({ size: Buffer.byteLength(Body), metadata: { sha256: 'abc' } });
    await client.send(new DeleteObjectCommand({ Bucket: s3mock.bucket, Key }));
    // Deleting what is not there succeeds too, as on S3.
    await client.send(new DeleteObjectCommand({ Bucket: s3mock.bucket, Key }));
    expect(s3mock.store.list()).toEqual([]);
    await expect(client.send(new HeadBucketCommand({ Bucket: s3mock.bucket }))).resolves.toMatchObject({ BucketRegion: 'us-east-1' });
  });

  it('a missing key: NoSuchKey on GET, NotFound (404, no body) on HEAD; an unknown bucket: NoSuchBucket', async () => {
    await expect(client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'nope' }))).rejects.toMatchObject({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
    await expect(client.send(new HeadObjectCommand({ Bucket: s3mock.bucket, Key: 'nope' }))).rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    await expect(client.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });

  it('a stream body goes as aws-chunked with a trailing CRC32 (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and is stored decoded', async () => {
    const data = pseudoRandomBytes(300_000, 7);
    const chunks = [data.subarray(0, 1), data.subarray(1, 70_000), data.subarray(70_000)];
    await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'streamed', Body: Readable.from(chunks), ContentLength: data.length }));
    const rec = s3mock.admin.requests().find((r) => r.type === 'PutObject')!;
    expect(rec.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(rec.headers['content-encoding']).toBe('aws-chunked');
    expect((await s3mock.store.read(s3mock.bucket, 'streamed'))!.equals(data)).toBe(true);
    expect(s3mock.store.head(s3mock.bucket, 'streamed')).toMatchObject({ headers: {}, checksum: { algorithm: 'CRC32', type: 'FULL_OBJECT' } });
  });

  it('a 20 MiB multipart Upload from a stream, downloaded byte for byte identical; no upload left behind', async () => {
    const size = 20 * 1024 * 1024 + 12_345;
    const data = pseudoRandomBytes(size, 2024);
    const expected = createHash('sha256').update(data).digest('hex');
    async function* source() {
      for (let at = 0; at < size; at += 256 * 1024) yield data.subarray(at, Math.min(size, at + 256 * 1024));
    }
    const upload = new Upload({ client, params: { Bucket: s3mock.bucket, Key: 'big/file.bin', Body: Readable.from(source()), ContentType: 'application/pdf' }, queueSize: 2 });
    const done = await upload.done();
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-5"$/);
    expect(s3mock.admin.requests().filter((r) => r.type === 'UploadPart')).toHaveLength(5);
    expect(s3mock.store.uploads()).toEqual([]);

    const head = await client.send(new HeadObjectCommand({ Bucket: s3mock.bucket, Key: 'big/file.bin', ChecksumMode: 'ENABLED' }));
    expect(head).toMatchObject({ ContentLength: size, ContentType: 'application/pdf', ETag: done.ETag });
    expect(head.ChecksumCRC32).toMatch(/-5$/);

    const got = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'big/file.bin' }));
    const hash = createHash('sha256');
    let received = 0;
    for await (const chunk of got.Body as Readable) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).length;
    }
    expect(received).toBe(size);
    expect(hash.digest('hex')).toBe(expected);
    expect(await s3mock.store.sha256(s3mock.bucket, 'big/file.bin')).toBe(expected);
  }, 60_000);

  it('a 20 MiB single PutObject (signed payload hash) round-trips, and a 20 MiB stream PutObject (aws-chunked) too', async () => {
    const data = pseudoRandomBytes(20 * 1024 * 1024, 99);
    await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'one-shot', Body: data }));
    const got = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'one-shot', ChecksumMode: 'ENABLED' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    async function* pieces() {
      for (let at = 0; at < data.length; at += 1024 * 1024) yield data.subarray(at, at + 1024 * 1024);
    }
    await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'one-stream', Body: Readable.from(pieces()), ContentLength: data.length }));
    expect(await s3mock.store.sha256(s3mock.bucket, 'one-stream')).toBe(createHash('sha256').update(data).digest('hex'));
  }, 60_000);

  it('wrong credentials: InvalidAccessKeyId, SignatureDoesNotMatch (403); the wrong region: AuthorizationHeaderMalformed', async () => {
    const wrongKey = clientFor({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: s3mock.credentials.secretAccessKey } });
    const wrongSecret = clientFor({ credentials: { accessKeyId: s3mock.credentials.accessKeyId, secretAccessKey: 'not-the-secret' } });
    const wrongRegion = clientFor({ region: 'eu-central-1' });
    try {
      await expect(wrongKey.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'k', Body: 'x' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId', $metadata: { httpStatusCode: 403 } });
      await expect(wrongSecret.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'k' }))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
      await expect(wrongRegion.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'k' }))).rejects.toMatchObject({ name: 'AuthorizationHeaderMalformed', $metadata: { httpStatusCode: 400 } });
      expect(s3mock.store.list()).toEqual([]);
    } finally {
      wrongKey.destroy();
      wrongSecret.destroy();
      wrongRegion.destroy();
    }
  });

  it('injected 503 SlowDown and a connection reset are retried by the SDK; a lasting 500 surfaces as InternalError', async () => {
    s3mock.admin.fault({ fault: 'http-error', status: 503, count: 2, match: { type: 'PutObject' } });
    await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'retried', Body: 'x' }));
    expect(s3mock.admin.requests().map((r) => [r.type, r.status])).toEqual([
      ['PutObject', 503],
      ['PutObject', 503],
      ['PutObject', 200],
    ]);
    s3mock.admin.clearRequests();
    s3mock.admin.fault({ fault: 'reset', count: 1, match: { type: 'GetObject' } });
    const got = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'retried' }));
    expect(await got.Body!.transformToString()).toBe('x');
    expect(s3mock.admin.requests().map((r) => r.fault)).toEqual(['reset', null]);

    s3mock.admin.fault({ fault: 'http-error', status: 500 });
    const err = await client.send(new HeadObjectCommand({ Bucket: s3mock.bucket, Key: 'retried' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ $metadata: { httpStatusCode: 500, attempts: 3 } });
    const getErr = await client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'retried' })).catch((e: unknown) => e);
    expect(getErr).toMatchObject({ name: 'InternalError', Code: 'InternalError' });
  });

  it('a timeout (the store answers nothing) is cut by the client and retried', async () => {
    const impatient = clientFor({ requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    try {
      await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 't', Body: 'x' }));
      s3mock.admin.fault({ fault: 'timeout', count: 1, match: { type: 'GetObject' } });
      const got = await impatient.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 't' }));
      expect(await got.Body!.transformToString()).toBe('x');
      expect(s3mock.admin.requests().filter((r) => r.type === 'GetObject')).toHaveLength(2);
    } finally {
      impatient.destroy();
    }
  });

  it('a part failing for good: Upload rejects and aborts, nothing is left behind', async () => {
    s3mock.admin.fault({ fault: 'http-error', status: 400, message: 'InvalidRequest: refused by the test', match: { type: 'UploadPart' } });
    const upload = new Upload({ client, params: { Bucket: s3mock.bucket, Key: 'doomed', Body: Readable.from([pseudoRandomBytes(11 * 1024 * 1024, 3)]) } });
    await expect(upload.done()).rejects.toMatchObject({ name: 'InvalidRequest' });
    expect(s3mock.admin.requests().some((r) => r.type === 'AbortMultipartUpload' && r.status === 204)).toBe(true);
    expect(s3mock.store.uploads()).toEqual([]);
    expect(s3mock.store.head(s3mock.bucket, 'doomed')).toBeNull();
  }, 30_000);

  it('conditional requests: If-None-Match "*" refuses to overwrite (412), a matching If-None-Match GET is 304', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'cas/sha256/aa', Body: 'x', IfNoneMatch: '*' }));
    await expect(client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'cas/sha256/aa', Body: 'y', IfNoneMatch: '*' }))).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect((await s3mock.store.read(s3mock.bucket, 'cas/sha256/aa'))!.toString()).toBe('x');
    await expect(client.send(new GetObjectCommand({ Bucket: s3mock.bucket, Key: 'cas/sha256/aa', IfNoneMatch: put.ETag }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
  });

  it('ListObjectsV2: prefix, delimiter, max-keys and continuation tokens through the SDK paginator', async () => {
    const keys = ['a/1', 'a/2', 'a/3', 'a/sub/4', 'b/5', 'a/ü', 'a/z'];
    for (const Key of keys) await s3mock.store.put(s3mock.bucket, Key, Key);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: s3mock.bucket, Prefix: 'a/' })) {
      pages++;
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
    }
    expect(seen).toEqual(['a/1', 'a/2', 'a/3', 'a/sub/4', 'a/z', 'a/ü']);
    expect(pages).toBe(3);
    const grouped = await client.send(new ListObjectsV2Command({ Bucket: s3mock.bucket, Delimiter: '/', Prefix: 'a/' }));
    expect(grouped.Contents!.map((c) => c.Key)).toEqual(['a/1', 'a/2', 'a/3', 'a/z', 'a/ü']);
    expect(grouped.CommonPrefixes).toEqual([{ Prefix: 'a/sub/' }]);
    expect(grouped.Contents![0]).toMatchObject({ Size: 3, StorageClass: 'STANDARD' });
    expect(grouped.Contents![0].LastModified).toBeInstanceOf(Date);
  });
});
