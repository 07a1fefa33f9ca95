import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import type { FileDigest } from '../../contracts';
import { TransientError } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { isTransientDbError } from '../persistence/database.setup';
import { checkExpectation, DigestMeter, FILE_CHUNK_BYTES, type FileStore, type PutOptions, rechunk } from './file-store.port';
import { FileRefused } from './files.errors';

/**
 * The file store in PostgreSQL (the default): `file_blob` names content by sha256, `file_chunk`
 * holds its bytes in rows of 256 KiB. Owns all SQL on both tables.
 *
 * A put writes its chunks under a fresh blob id as they stream in, then the blob row, in one
 * transaction: refused, failed or duplicate content is rolled back (nothing left behind, even when
 * the process dies half-way), and two puts of the same content race on the primary key, where the
 * second waits for the first and then finds it (ON CONFLICT DO NOTHING, roll back its own chunks).
 * The transaction holds a pool connection while the content streams; the fetch timeout and the
 * size limits bound how long.
 *
 * Reading fetches one chunk per query, only when the consumer asks for more, so memory does not
 * grow with the file and no connection is held between chunks (a blob never changes once stored).
 */
export class PostgresFileStore implements FileStore {
  readonly kind = 'postgres' as const;

  constructor(private readonly pool: Pool) {}

  async put(content: Readable | Buffer, options: PutOptions): Promise<FileDigest> {
    checkExpectation(options);
    const meter = new DigestMeter(options);
    // Known content needs only checking: hash it, write nothing.
    if (options.expect?.sha256 && (await this.has(options.expect.sha256))) {
      for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) meter.update(piece);
      return meter.finish();
    }
    const tx = await this.connect();
    let broken: Error | undefined;
    try {
      await tx.query('BEGIN');
      const id = randomUUID();
      let seq = 0;
      for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) {
        meter.update(piece);
        await tx.query({ name: 'file_chunk_insert', text: 'INSERT INTO file_chunk (blob_id, seq, data) VALUES ($1, $2, $3)', values: [id, seq++, piece] });
      }
      const digest = meter.finish();
      const inserted = await tx.query({
        name: 'file_blob_insert',
        text: 'INSERT INTO file_blob (sha256, id, size, chunks) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING',
        values: [digest.sha256, id, digest.size, seq],
      });
      // Someone stored the same content first: theirs stays, these chunks go.
      await tx.query(inserted.rowCount ? 'COMMIT' : 'ROLLBACK');
      return digest;
    } catch (e) {
      await tx.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw dbFailure(e);
    } finally {
      // A client whose rollback failed may have lost its connection: destroy it, never pool it.
      tx.release(broken);
    }
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    const row = (await this.query<{ size: string }>('file_blob_size', 'SELECT size FROM file_blob WHERE sha256 = $1', [sha256]))[0];
    return row ? { size: Number(row.size) } : undefined;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.stat(sha256)) !== undefined;
  }

  async open(sha256: string): Promise<Readable> {
    const row = (await this.query<{ id: string; chunks: number }>('file_blob_open', 'SELECT id::text, chunks FROM file_blob WHERE sha256 = $1', [sha256]))[0];
    if (!row) throw new FileRefused('not-stored', `the hub's store holds no file with sha256 ${sha256}`);
    return new ChunkStream((seq) => this.chunk(row.id, seq), row.chunks);
  }

  private async chunk(blobId: string, seq: number): Promise<Buffer> {
    // pg reads bytea as hex text (its binary result mode is not usable: rows are decoded as UTF-8): 512 KiB of text per chunk, decoded natively.
    const row = (await this.query<{ data: Buffer }>('file_chunk_read', 'SELECT data FROM file_chunk WHERE blob_id = $1 AND seq = $2', [blobId, seq]))[0];
    // Chunks are committed with their blob and never deleted while it exists.
    if (!row) throw new Error(`file store: chunk ${seq} of a stored blob is missing`);
    return row.data;
  }

  private async query<R>(name: string, text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query({ name, text, values })).rows as R[];
    } catch (e) {
      throw dbFailure(e);
    }
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw dbFailure(e);
    }
  }
}

/** An unreachable or restarting database is a transient failure; other errors pass as they are. */
function dbFailure(e: unknown): unknown {
  return isTransientDbError(e) ? new TransientError(`file store: database unavailable: ${safeError(e).message}`, undefined, { cause: e }) : e;
}

/** Pulls chunk after chunk, each only when the consumer has taken the previous one. */
class ChunkStream extends Readable {
  private next = 0;
  private reading = false;

  constructor(
    private readonly fetch: (seq: number) => Promise<Buffer>,
    private readonly chunks: number,
  ) {
    super();
  }

  override _read(): void {
    if (this.reading) return;
    if (this.next >= this.chunks) {
      this.push(null);
      return;
    }
    this.reading = true;
    this.fetch(this.next).then(
      (data) => {
        this.reading = false;
        if (this.destroyed) return;
        this.next++;
        this.push(data);
        if (this.next >= this.chunks) this.push(null);
      },
      (e: unknown) => {
        this.reading = false;
        this.destroy(e instanceof Error ? e : new Error(String(e)));
      },
    );
  }
}
