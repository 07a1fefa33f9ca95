import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The file store in PostgreSQL and the key of download links.
 *
 * `file_blob` names content by its sha256; its bytes are rows of `file_chunk` (256 KiB each),
 * keyed by the blob's surrogate id rather than by the digest, because a put writes its chunks
 * while the digest is still being computed. The chunks and then the blob row are written in one
 * transaction: a put that fails, is refused or loses a race to the same content rolls back and
 * leaves nothing, and the deferred foreign key holds at commit. Chunks are stored uncompressed
 * (most files are PDFs and images, already compressed), hence `STORAGE EXTERNAL`.
 *
 * `file_link_key` holds the one generated HMAC key of download links, when the configuration
 * gives none, so links survive restarts and verify on every instance.
 */
export class Files1732700000000 implements MigrationInterface {
  name = 'Files1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE file_blob (
        sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        id         uuid NOT NULL UNIQUE,
        size       bigint NOT NULL CHECK (size >= 0),
        chunks     integer NOT NULL CHECK (chunks >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE file_chunk (
        blob_id uuid NOT NULL REFERENCES file_blob (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        seq     integer NOT NULL CHECK (seq >= 0),
        data    bytea NOT NULL,
        PRIMARY KEY (blob_id, seq)
      )`);
    await q.query(`ALTER TABLE file_chunk ALTER COLUMN data SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE TABLE file_link_key (
        id         smallint PRIMARY KEY CHECK (id = 1),
        key        bytea NOT NULL CHECK (length(key) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS file_chunk`);
    await q.query(`DROP TABLE IF EXISTS file_blob`);
    await q.query(`DROP TABLE IF EXISTS file_link_key`);
  }
}
