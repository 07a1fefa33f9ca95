import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChecksumAlgorithm } from './s3-checksum.codec';

/** The system headers S3 stores with an object and returns on GET / HEAD. */
export const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;

/** An object's checksum as S3 reports it. */
export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** base64; a composite one ends in `-<parts>`. */
  value: string;
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

/** What describes an object besides its bytes. */
export interface ObjectAttributes {
  contentType: string;
  /** {@link STORED_HEADERS} that were given. */
  headers: Record<string, string>;
  /** `x-amz-meta-*` without the prefix, lower-case names. */
  metadata: Record<string, string>;
}

/** An object's record (the bytes are in `file`). */
export interface StoredObject extends ObjectAttributes {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as in the `ETag` header. */
  etag: string;
  /** ms since the epoch. */
  lastModified: number;
  checksum: StoredChecksum | null;
  /** Number of parts for a multipart object, else null. */
  parts: number | null;
  /** @internal */
  file: string;
  /** @internal reads in progress; the file is removed when the last one ends after a replace or delete */
  readers: number;
  /** @internal */
  retired: boolean;
}

/** One uploaded part. */
export interface StoredPart {
  partNumber: number;
  size: number;
  /** Quoted MD5. */
  etag: string;
  md5: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  lastModified: number;
  /** @internal */
  file: string;
}

/** A multipart upload in progress. */
export interface MultipartUpload extends ObjectAttributes {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  /** From `x-amz-checksum-algorithm` of CreateMultipartUpload. */
  checksumAlgorithm: ChecksumAlgorithm | null;
  parts: Map<number, StoredPart>;
  /** True while CompleteMultipartUpload assembles the object. */
  completing: boolean;
}

/** A conditional write's check of the object it would replace: an error to throw, or null to go on. */
export type WriteCondition = (current: StoredObject | undefined) => Error | null;

/** Thrown by `complete()` when the upload was aborted (or the mock reset) while the object was being assembled. */
export class UploadGone extends Error {
  override readonly name = 'UploadGone';
}

/**
 * The objects and multipart uploads, bytes on disk in a temporary folder of the mock's own
 * (file names are random: keys never become paths, so `..` in a key is just text), records in
 * memory. `reset()` switches to a fresh folder at once and removes the old one in the background.
 */
export class ObjectRepository {
  private readonly buckets: Map<string, Map<string, StoredObject>>;
  private readonly uploads = new Map<string, MultipartUpload>();
  private generation = 0;
  private dir: string;

  private constructor(
    private readonly root: string,
    bucketNames: readonly string[],
    private readonly clock: () => number,
  ) {
    this.buckets = new Map(bucketNames.map((b) => [b, new Map()]));
    this.dir = this.newGeneration();
  }

  /** Makes the mock's folder under `parentDir`. */
  static create(parentDir: string, buckets: readonly string[], clock: () => number): ObjectRepository {
    fs.mkdirSync(parentDir, { recursive: true });
    const root = fs.mkdtempSync(path.join(parentDir, 'cabinet-hub-s3-mock-'));
    return new ObjectRepository(root, buckets, clock);
  }

  /** The folder holding the files (for diagnostics). */
  get folder(): string {
    return this.root;
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  hasBucket(bucket: string): boolean {
    return this.buckets.has(bucket);
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  /** The bucket's objects in UTF-8 binary key order (S3's listing order). */
  list(bucket: string): StoredObject[] {
    const objects = [...(this.buckets.get(bucket)?.values() ?? [])];
    return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key, 'utf8'), Buffer.from(b.key, 'utf8')));
  }

  /**
   * Stores an object from bytes in memory, replacing any object of that key. `condition` sees
   * the object there at the moment of replacing (after the bytes are written), so two
   * conditional writes racing each other cannot both succeed; the error it returns is thrown.
   */
  async putObject(bucket: string, key: string, data: Buffer, attrs: ObjectAttributes & { etag: string; checksum: StoredChecksum | null }, condition?: WriteCondition): Promise<StoredObject> {
    const file = this.newFile('o');
    await fsp.writeFile(file, data);
    this.checkCondition(bucket, key, file, condition);
    return this.install({
      bucket,
      key,
      size: data.length,
      etag: attrs.etag,
      lastModified: this.clock(),
      contentType: attrs.contentType,
      headers: attrs.headers,
      metadata: attrs.metadata,
      checksum: attrs.checksum,
      parts: null,
      file,
    });
  }

  /**
   * Bytes `[start, end)` of an object, or null when it was replaced or deleted meanwhile (the
   * caller answers as if it were not there).
   */
  async read(obj: StoredObject, start: number, end: number): Promise<Buffer | null> {
    obj.readers++;
    try {
      const fh = await fsp.open(obj.file, 'r');
      try {
        const out = Buffer.alloc(Math.max(0, end - start));
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done === out.length ? out : null;
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    } finally {
      obj.readers--;
      if (obj.retired && obj.readers === 0) this.unlink(obj.file);
    }
  }

  /** Removes an object; false when there was none. */
  delete(bucket: string, key: string): boolean {
    const objects = this.buckets.get(bucket);
    const obj = objects?.get(key);
    if (!objects || !obj) return false;
    objects.delete(key);
    this.retire(obj);
    return true;
  }

  /** Starts a multipart upload. */
  createUpload(bucket: string, key: string, attrs: ObjectAttributes, checksumAlgorithm: ChecksumAlgorithm | null): MultipartUpload {
    const upload: MultipartUpload = { uploadId: randomBytes(30).toString('base64url'), bucket, key, initiated: this.clock(), ...attrs, checksumAlgorithm, parts: new Map(), completing: false };
    this.uploads.set(upload.uploadId, upload);
    return upload;
  }

  /** The upload of that id, if in progress. */
  upload(uploadId: string): MultipartUpload | undefined {
    return this.uploads.get(uploadId);
  }

  /** Uploads in progress, oldest first. */
  listUploads(): MultipartUpload[] {
    return [...this.uploads.values()];
  }

  /** Stores a part (replacing an earlier part of the same number); false when the upload ended meanwhile. */
  async putPart(upload: MultipartUpload, part: Omit<StoredPart, 'file' | 'lastModified'>, data: Buffer): Promise<boolean> {
    const file = this.newFile('p');
    await fsp.writeFile(file, data);
    if (this.uploads.get(upload.uploadId) !== upload || upload.completing) {
      this.unlink(file);
      return false;
    }
    const previous = upload.parts.get(part.partNumber);
    upload.parts.set(part.partNumber, { ...part, file, lastModified: this.clock() });
    if (previous) this.unlink(previous.file);
    return true;
  }

  /**
   * Assembles the object from the chosen parts (streamed file to file, not through memory),
   * installs it and ends the upload.
   */
  async complete(upload: MultipartUpload, parts: readonly StoredPart[], etag: string, checksum: StoredChecksum | null, condition?: WriteCondition): Promise<StoredObject> {
    upload.completing = true;
    const file = this.newFile('o');
    try {
      await pipeline(Readable.from(concatFiles(parts.map((p) => p.file))), fs.createWriteStream(file));
      if (this.uploads.get(upload.uploadId) !== upload) throw new UploadGone();
      this.checkCondition(upload.bucket, upload.key, file, condition);
    } catch (err) {
      upload.completing = false;
      this.unlink(file);
      throw this.uploads.get(upload.uploadId) === upload ? err : new UploadGone();
    }
    this.uploads.delete(upload.uploadId);
    for (const p of upload.parts.values()) this.unlink(p.file);
    const size = parts.reduce((n, p) => n + p.size, 0);
    return this.install({
      bucket: upload.bucket,
      key: upload.key,
      size,
      etag,
      lastModified: this.clock(),
      contentType: upload.contentType,
      headers: upload.headers,
      metadata: upload.metadata,
      checksum,
      parts: parts.length,
      file,
    });
  }

  /** Ends an upload and removes its parts; false when unknown. */
  abort(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId);
    if (!upload) return false;
    this.uploads.delete(uploadId);
    for (const p of upload.parts.values()) this.unlink(p.file);
    return true;
  }

  /** Forgets every object and upload; the old files go in the background. */
  reset(): void {
    for (const objects of this.buckets.values()) objects.clear();
    this.uploads.clear();
    const old = this.dir;
    this.dir = this.newGeneration();
    void fsp.rm(old, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Removes the mock's folder. */
  async close(): Promise<void> {
    this.uploads.clear();
    for (const objects of this.buckets.values()) objects.clear();
    await fsp.rm(this.root, { recursive: true, force: true });
  }

  private checkCondition(bucket: string, key: string, file: string, condition: WriteCondition | undefined): void {
    const problem = condition?.(this.get(bucket, key));
    if (problem) {
      this.unlink(file);
      throw problem;
    }
  }

  private install(fields: Omit<StoredObject, 'readers' | 'retired'>): StoredObject {
    const obj: StoredObject = { ...fields, readers: 0, retired: false };
    const objects = this.buckets.get(obj.bucket)!;
    const previous = objects.get(obj.key);
    objects.set(obj.key, obj);
    if (previous) this.retire(previous);
    return obj;
  }

  private retire(obj: StoredObject): void {
    obj.retired = true;
    if (obj.readers === 0) this.unlink(obj.file);
  }

  private unlink(file: string): void {
    void fsp.unlink(file).catch(() => undefined);
  }

  private newGeneration(): string {
    const dir = path.join(this.root, `g${++this.generation}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  private newFile(kind: 'o' | 'p'): string {
    return path.join(this.dir, `${kind}-${randomBytes(12).toString('hex')}`);
  }
}

async function* concatFiles(files: readonly string[]): AsyncGenerator<Buffer> {
  for (const f of files) {
    for await (const chunk of fs.createReadStream(f, { highWaterMark: 1024 * 1024 })) yield chunk as Buffer;
  }
}
