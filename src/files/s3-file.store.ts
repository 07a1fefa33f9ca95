import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FileDigest } from '../../contracts';
import { TransientError } from '../../contracts';
import type { S3StoreSettings } from '../config/hub-config.schema';
import { checkExpectation, DigestMeter, FILE_CHUNK_BYTES, type FileStore, type PutOptions, rechunk } from './file-store.port';
import { FileRefused } from './files.errors';

/** Size of each multipart part (S3's minimum): what the upload holds in memory, besides the part in flight. */
const PART_BYTES = 5 * 1024 * 1024;

/** Where content lives in the bucket: `sha256/<hex>`. */
export const s3KeyOf = (sha256: string): string => `sha256/${sha256}`;
/** Where a put writes while its digest is unknown; a bucket lifecycle rule should expire this prefix (crashes leave objects here). */
export const S3_UPLOAD_PREFIX = 'uploads/';

/** An S3 client for the store's settings; request checksums only where S3 requires them (S3-compatible services reject the newer ones). */
export function s3ClientFor(s: S3StoreSettings): S3Client {
  return new S3Client({
    region: s.region,
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.forcePathStyle,
    ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * The file store in an S3-compatible bucket (`hub.files.store.kind: s3`), keyed `sha256/<hex>`.
 * Puts stream (multipart through lib-storage, one 5 MiB part at a time):
 * - with the sha256 expected (every fetched file): straight to `sha256/<hex>`; the digest and size
 *   are checked as the source ends, before the last part, so a mismatch aborts the upload and the
 *   key never holds other content;
 * - without it (a back office's file): to a temporary key under `uploads/`, then copied
 *   (CopyObject) to its content key unless that exists, and the temporary object deleted.
 * A refused or failed put aborts its multipart upload and deletes what it wrote; a crash can leave
 * parts, or an object under `uploads/`, which a lifecycle rule on that prefix (and
 * AbortIncompleteMultipartUpload) clears. Two puts of the same content write the same bytes to the
 * same key: harmless.
 */
export class S3FileStore implements FileStore {
  readonly kind = 's3' as const;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(content: Readable | Buffer, options: PutOptions): Promise<FileDigest> {
    checkExpectation(options);
    const meter = new DigestMeter(options);
    const expected = options.expect?.sha256;
    if (expected && (await this.has(expected))) {
      for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) meter.update(piece);
      return meter.finish();
    }
    // With the digest known in advance the content goes straight to its key: the check runs when
    // the source ends, before the last part is sent, so content that does not match never completes.
    const key = expected ? s3KeyOf(expected) : `${S3_UPLOAD_PREFIX}${randomUUID()}`;
    // The upload sees a stream error as its own failure; the refusal or source error that caused it is what the caller must get.
    let cause: unknown;
    let digest: FileDigest | undefined;
    const body = Readable.from(
      (async function* () {
        try {
          for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) {
            meter.update(piece);
            yield piece;
          }
          digest = meter.finish();
        } catch (e) {
          cause = e;
          throw e;
        }
      })(),
    );
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' },
        queueSize: 1,
        partSize: PART_BYTES,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        throw cause ?? s3Failure(e);
      }
      if (!digest) throw new Error('file store (S3): the upload completed before its content ended');
      if (!expected && !(await this.has(digest.sha256))) {
        await this.client
          .send(new CopyObjectCommand({ Bucket: this.bucket, Key: s3KeyOf(digest.sha256), CopySource: `${this.bucket}/${key}`, ContentType: 'application/octet-stream' }))
          .catch((e: unknown) => {
            throw s3Failure(e);
          });
      }
      return digest;
    } finally {
      body.destroy();
      if (!expected) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch(() => undefined);
    }
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: s3KeyOf(sha256) }));
      return { size: Number(head.ContentLength ?? 0) };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw s3Failure(e);
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined;
  }

  async open(sha256: string): Promise<Readable> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: s3KeyOf(sha256) }));
      // In Node the SDK's body is the HTTP response itself: it streams, nothing is buffered.
      return got.Body as Readable;
    } catch (e) {
      if (isNotFound(e)) throw new FileRefused('not-stored', `the hub's store holds no file with sha256 ${sha256}`);
      throw s3Failure(e);
    }
  }
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

/** 5xx, throttling and network errors are transient; other S3 errors (access denied, no such bucket) pass as they are. */
function s3Failure(e: unknown): unknown {
  const err = e as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500 || status === 429 || err?.name === 'SlowDown') {
    return new TransientError(`file store (S3): ${err?.name ?? 'error'}${status ? ` ${status}` : ''}${err?.code ? ` (${err.code})` : ''}`, undefined, { cause: e });
  }
  return e;
}
