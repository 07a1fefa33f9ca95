import type { Pool } from 'pg';
import type { FilesSettings } from '../config/hub-config.schema';
import { PostgresFileStore } from './file-blob.repository';
import type { FileStore } from './file-store.port';

/** The store `hub.files.store` names: PostgreSQL (default, the hub's own database) or an S3-compatible bucket. */
export function createFileStore(settings: FilesSettings['store'], pool: Pool): FileStore {
  if (settings.kind !== 's3') return new PostgresFileStore(pool);
  // Loaded only when configured: the AWS SDK adds tens of MB to every hub's resident memory otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { S3FileStore, s3ClientFor } = require('./s3-file.store') as typeof import('./s3-file.store');
  return new S3FileStore(s3ClientFor(settings), settings.bucket);
}
