import { createHash } from 'node:crypto';
import { MockAdminError, type AdminRoute } from '../_kit';
import { checksumOf, md5Hex } from './s3-checksum.codec';
import { DEFAULT_CONTENT_TYPE } from './s3-headers.codec';
import type { ObjectRepository, StoredObject } from './s3-object.repository';

/** An object as the admin API shows it (no bytes). */
export interface ObjectView {
  bucket: string;
  key: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: string;
  metadata: Record<string, string>;
  headers: Record<string, string>;
  checksum: { algorithm: string; value: string; type: string } | null;
  /** Parts of a multipart object, else null. */
  parts: number | null;
}

/** A multipart upload in progress, as the admin API shows it. */
export interface UploadView {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  checksumAlgorithm: string | null;
  parts: Array<{ partNumber: number; size: number; etag: string }>;
}

/** The store, in process: what the hub wrote, seeding objects, what uploads it left behind. */
export interface S3StoreApi {
  buckets(): string[];
  /** The mock's temporary folder holding object and part files (removed on close). */
  folder(): string;
  /** Objects, optionally of one bucket and under a prefix, in key order. */
  list(filter?: { bucket?: string; prefix?: string }): ObjectView[];
  /** One object's record, or null. */
  head(bucket: string, key: string): ObjectView | null;
  /** One object's bytes, or null. */
  read(bucket: string, key: string): Promise<Buffer | null>;
  /** The hex sha256 of an object's bytes, or null (content-addressed keys check themselves with it). */
  sha256(bucket: string, key: string): Promise<string | null>;
  /**
   * Puts an object without going through HTTP (seeding a test).
   * @throws MockAdminError(404) for an unknown bucket
   */
  put(bucket: string, key: string, data: Buffer | string, options?: { contentType?: string; metadata?: Record<string, string> }): Promise<ObjectView>;
  /** Removes an object; false when there was none. */
  delete(bucket: string, key: string): boolean;
  /** Multipart uploads in progress (a store that failed an upload should have aborted it). */
  uploads(): UploadView[];
}

/** Builds the in-process API and the `/__admin/objects`, `/__admin/uploads` routes. */
export function createStoreAdmin(repo: ObjectRepository): { api: S3StoreApi; routes: AdminRoute[] } {
  const bucketOrThrow = (bucket: string) => {
    if (!repo.hasBucket(bucket)) throw new MockAdminError(404, `no bucket ${bucket.slice(0, 100)} (buckets: ${repo.bucketNames().join(', ')})`);
  };
  const api: S3StoreApi = {
    buckets: () => repo.bucketNames(),
    folder: () => repo.folder,
    list: (filter = {}) =>
      (filter.bucket === undefined ? repo.bucketNames() : [filter.bucket])
        .flatMap((b) => repo.list(b))
        .filter((o) => filter.prefix === undefined || o.key.startsWith(filter.prefix))
        .map(view),
    head: (bucket, key) => {
      const o = repo.get(bucket, key);
      return o ? view(o) : null;
    },
    read: async (bucket, key) => {
      const o = repo.get(bucket, key);
      return o ? repo.read(o, 0, o.size) : null;
    },
    sha256: async (bucket, key) => {
      const data = await api.read(bucket, key);
      return data === null ? null : createHash('sha256').update(data).digest('hex');
    },
    put: async (bucket, key, data, options = {}) => {
      bucketOrThrow(bucket);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      const obj = await repo.putObject(bucket, key, bytes, {
        contentType: options.contentType ?? DEFAULT_CONTENT_TYPE,
        headers: {},
        metadata: { ...(options.metadata ?? {}) },
        etag: `"${md5Hex(bytes)}"`,
        checksum: { algorithm: 'CRC32', value: checksumOf('CRC32', bytes), type: 'FULL_OBJECT' },
      });
      return view(obj);
    },
    delete: (bucket, key) => repo.delete(bucket, key),
    uploads: () =>
      repo.listUploads().map((u) => ({
        uploadId: u.uploadId,
        bucket: u.bucket,
        key: u.key,
        initiated: new Date(u.initiated).toISOString(),
        checksumAlgorithm: u.checksumAlgorithm,
        parts: [...u.parts.values()].sort((a, b) => a.partNumber - b.partNumber).map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag })),
      })),
  };
  const routes: AdminRoute[] = [
    {
      method: 'GET',
      path: '/__admin/objects',
      handle: (ctx) => {
        const bucket = ctx.query.get('bucket') ?? undefined;
        if (bucket !== undefined) bucketOrThrow(bucket);
        return { body: { objects: api.list({ bucket, prefix: ctx.query.get('prefix') ?? undefined }) } };
      },
    },
    { method: 'GET', path: '/__admin/uploads', handle: () => ({ body: { uploads: api.uploads() } }) },
  ];
  return { api, routes };
}

function view(o: StoredObject): ObjectView {
  return {
    bucket: o.bucket,
    key: o.key,
    size: o.size,
    etag: o.etag,
    contentType: o.contentType,
    lastModified: new Date(o.lastModified).toISOString(),
    metadata: { ...o.metadata },
    headers: { ...o.headers },
    checksum: o.checksum ? { ...o.checksum } : null,
    parts: o.parts,
  };
}
