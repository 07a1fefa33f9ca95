import type { Pool } from 'pg';
import type { FilesSettings } from '../config/hub-config.schema';
import { PostgresFileStore } from './file-blob.repository';
import type { FileStore } from './file-store.port';
import { S3FileStore, s3ClientFor } from './s3-file.store';

/** The store `hub.files.store` names: PostgreSQL (default, the hub's own database) or an S3-compatible bucket. */
export function createFileStore(settings: FilesSettings['store'], pool: Pool): FileStore {
  return settings.kind === 's3' ? new S3FileStore(s3ClientFor(settings), settings.bucket) : new PostgresFileStore(pool);
}
