/**
 * A faithful mock of an S3-compatible object store (AWS S3, MinIO, Ceph RGW, Yandex Object
 * Storage) for the hub's S3 file store: path-style addressing, SigV4 (aws-chunked bodies
 * included), the object and multipart calls a file store makes. The wire contract it implements
 * is in `mocks/s3/README.md`.
 */
import { createMockServer, type MockAdminApi, type MockServer } from '../_kit';
import { createS3Handler } from './s3-api.handler';
import { s3ErrorResponder } from './s3-error.codec';
import { resolveS3Options, type S3Credentials, type S3MockOptions } from './s3-mock.options';
import { S3MultipartService } from './s3-multipart.service';
import { ObjectRepository } from './s3-object.repository';
import { S3ObjectsService } from './s3-objects.service';
import { classifyS3Request } from './s3-request.reader';
import { createStoreAdmin, type S3StoreApi } from './s3-store.admin';

export { MockAdminError } from '../_kit';
export { MAX_KEY_BYTES } from './s3-api.handler';
export { CHECKSUM_ALGORITHMS, checksumOf } from './s3-checksum.codec';
export type { ChecksumAlgorithm } from './s3-checksum.codec';
export { S3_ERRORS, S3Error } from './s3-error.codec';
export type { S3ErrorCode } from './s3-error.codec';
export { DEFAULT_BUCKETS, DEFAULT_CREDENTIALS, S3_MIN_PART_BYTES } from './s3-mock.options';
export type { S3Credentials, S3MockOptions } from './s3-mock.options';
export { MAX_PART_NUMBER } from './s3-multipart.service';
export { S3_OPERATIONS } from './s3-request.reader';
export type { S3Operation } from './s3-request.reader';
export type { ObjectView, S3StoreApi, UploadView } from './s3-store.admin';

/** What an `S3Client` needs to talk to the mock (`new S3Client(mock.clientConfig)`). */
export interface S3ClientSettings {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: S3Credentials;
}

/** A created (not yet listening) S3 mock. */
export interface S3Mock {
  server: MockServer;
  admin: MockAdminApi;
  store: S3StoreApi;
  region: string;
  buckets: string[];
  credentials: S3Credentials[];
  /** Where `start()` should listen (from the options). */
  listen: { host: string; port: number };
  /** Removes the mock's temporary folder (after the server is closed). */
  dispose(): Promise<void>;
}

/** A running S3 mock. */
export interface RunningS3Mock {
  /** `http://host:port`, the endpoint (path-style: `${url}/<bucket>/<key>`). */
  url: string;
  /** Same as `url`; the admin API is under `${baseUrl}/__admin`. */
  baseUrl: string;
  port: number;
  region: string;
  /** The configured buckets; `bucket` is the first. */
  buckets: string[];
  bucket: string;
  /** The first accepted access key. */
  credentials: S3Credentials;
  /** Endpoint, region, path style and the first access key, for `new S3Client(...)`. */
  clientConfig: S3ClientSettings;
  /** Recording, faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** Objects and uploads in process (also at `/__admin/objects`, `/__admin/uploads`). */
  store: S3StoreApi;
  /** Stops listening and removes the temporary folder; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it (its temporary folder exists from here on).
 * @throws MockAdminError(400) when an option is invalid
 */
export function createS3Mock(options: S3MockOptions = {}): S3Mock {
  const o = resolveS3Options(options);
  const repo = ObjectRepository.create(o.dataDir, o.buckets, o.clock);
  const store = createStoreAdmin(repo);
  const server = createMockServer({
    name: 's3',
    // aws-chunked framing adds a few bytes per chunk on top of the object itself.
    maxBodyBytes: o.maxObjectBytes + Math.ceil(o.maxObjectBytes / 16) + 64 * 1024,
    recorder: o.recorder,
    clock: o.clock,
    classify: classifyS3Request,
    errorResponse: s3ErrorResponder,
    adminRoutes: store.routes,
    onReset: () => repo.reset(),
    handler: createS3Handler({
      auth: { credentials: o.credentials, region: o.region, maxClockSkewMs: o.maxClockSkewMs, clock: o.clock },
      region: o.region,
      repo,
      objects: new S3ObjectsService(repo, o.maxObjectBytes),
      multipart: new S3MultipartService(repo, { maxPartBytes: o.maxObjectBytes, minPartBytes: o.minPartBytes }),
    }),
  });
  return {
    server,
    admin: server.admin,
    store: store.api,
    region: o.region,
    buckets: [...o.buckets],
    credentials: o.credentials.map((c) => ({ ...c })),
    listen: { host: o.host, port: o.port },
    dispose: () => repo.close(),
  };
}

/**
 * Starts the S3 mock (on 127.0.0.1 and a free port unless told otherwise).
 *
 * ```ts
 * const s3mock = await startS3Mock();
 * const client = new S3Client(s3mock.clientConfig);   // endpoint, region, forcePathStyle, credentials
 * await client.send(new PutObjectCommand({ Bucket: s3mock.bucket, Key: 'a', Body: 'x' }));
 * await s3mock.store.read(s3mock.bucket, 'a');          // <Buffer 78>
 * s3mock.admin.fault({ fault: 'http-error', status: 503, count: 2, match: { type: 'UploadPart' } });
 * await s3mock.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid
 */
export async function startS3Mock(options: S3MockOptions = {}): Promise<RunningS3Mock> {
  const mock = createS3Mock(options);
  let running;
  try {
    running = await mock.server.start(mock.listen);
  } catch (err) {
    await mock.dispose();
    throw err;
  }
  let closing: Promise<void> | null = null;
  const credentials = mock.credentials[0];
  return {
    url: running.url,
    baseUrl: running.url,
    port: running.port,
    region: mock.region,
    buckets: mock.buckets,
    bucket: mock.buckets[0],
    credentials,
    clientConfig: { endpoint: running.url, region: mock.region, forcePathStyle: true, credentials },
    admin: mock.admin,
    store: mock.store,
    close: () => (closing ??= running.close().then(() => mock.dispose())),
  };
}
