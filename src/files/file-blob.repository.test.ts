import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { TransientError } from '../../contracts';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { PostgresFileStore } from './file-blob.repository';
import { FILE_CHUNK_BYTES } from './file-store.port';
import { FileRefused } from './files.errors';
import { digestOf, refusal } from '../../test/helpers/files.helper';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A stream of `size` bytes in pieces of 64 KiB, made as it is read (never held whole): one random
 * block, each piece stamped with its index so that no two are alike. Cheap to make, so the memory
 * measured is the store's.
 */
function generated(size: number, seed: string, piece = 64 * 1024): { stream: () => Readable; sha256: string } {
  const block = createHash('sha512').update(seed).digest();
  const base = Buffer.alloc(piece);
  for (let o = 0; o < piece; o += block.length) block.copy(base, o);
  const pieceOf = (i: number, n: number) => {
    const out = Buffer.from(base.subarray(0, n));
    for (let o = 0; o + 4 <= n; o += 4096) out.writeUInt32LE(i, o);
    return out;
  };
  const hash = createHash('sha256');
  for (let at = 0, i = 0; at < size; at += piece, i++) hash.update(pieceOf(i, Math.min(piece, size - at)));
  return {
    sha256: hash.digest('hex'),
    stream: () =>
      Readable.from(
        (function* () {
          for (let at = 0, i = 0; at < size; at += piece, i++) yield pieceOf(i, Math.min(piece, size - at));
        })(),
      ),
  };
}

/**
 * Medium tier: the PostgreSQL file store against the real database, in a schema of its own.
 */
describe('PostgresFileStore', () => {
  const schema = uniqueName('filestore');
  let db: DataSource;
  let pool: Pool;
  let store: PostgresFileStore;
  const counts = async () => (await sql<{ blobs: number; chunks: number }>(schema, 'SELECT (SELECT count(*)::int FROM file_blob) AS blobs, (SELECT count(*)::int FROM file_chunk) AS chunks'))[0];

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 4);
    await db.initialize();
    pool = poolOf(db);
    store = new PostgresFileStore(pool);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });
  beforeEach(async () => {
    await sql(schema, 'TRUNCATE file_chunk, file_blob');
  });

  it('puts content in 256 KiB chunks and reads it back byte-identical', async () => {
    const content = randomBytes(FILE_CHUNK_BYTES * 2 + 1234);
    const digest = await store.put(Readable.from([content.subarray(0, 1000), content.subarray(1000)]), { maxBytes: MiB });
    expect(digest).toEqual({ sha256: sha(content), size: content.length });
    expect(await counts()).toEqual({ blobs: 1, chunks: 3 });
    expect(await store.has(digest.sha256)).toBe(true);
    expect(await store.stat(digest.sha256)).toEqual({ size: content.length });
    const back = Buffer.concat(await (await store.open(digest.sha256)).toArray());
    expect(back.equals(content)).toBe(true);
  });

  it('keeps an empty file as a blob without chunks', async () => {
    const digest = await store.put(Buffer.alloc(0), { maxBytes: 10 });
    expect(digest).toEqual({ sha256: sha(Buffer.alloc(0)), size: 0 });
    expect((await (await store.open(digest.sha256)).toArray()).length).toBe(0);
  });

  it('is idempotent: the same content twice, and concurrently, is one blob', async () => {
    const content = randomBytes(FILE_CHUNK_BYTES + 10);
    await store.put(content, { maxBytes: MiB });
    await store.put(content, { maxBytes: MiB });
    await Promise.all([1, 2, 3, 4].map(() => store.put(Readable.from([content]), { maxBytes: MiB })));
    expect(await counts()).toEqual({ blobs: 1, chunks: 2 });
    const other = randomBytes(100);
    await Promise.all([store.put(other, { maxBytes: MiB }), store.put(other, { maxBytes: MiB, expect: { sha256: sha(other), size: 100 } })]);
    expect(await counts()).toEqual({ blobs: 2, chunks: 3 });
  });

  it('refuses content over maxBytes without reading the rest, and keeps nothing', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(randomBytes(64 * 1024));
      },
    });
    const e = await refusal(store.put(endless, { maxBytes: MiB }));
    expect(e.reason).toBe('too-large');
    expect(pulled).toBeLessThan(40);
    expect(endless.destroyed).toBe(true);
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('refuses a size or sha256 other than expected and keeps nothing', async () => {
    const content = randomBytes(FILE_CHUNK_BYTES + 5);
    const wrongSha = await refusal(store.put(content, { maxBytes: MiB, expect: { sha256: 'a'.repeat(64) } }));
    expect([wrongSha.reason, wrongSha.message]).toEqual(['sha256-mismatch', `sha256 mismatch: expected ${'a'.repeat(64)}, got ${sha(content)}`]);
    const shorter = await refusal(store.put(content, { maxBytes: MiB, expect: { size: content.length + 1 } }));
    expect(shorter.reason).toBe('size-mismatch');
    const longer = await refusal(store.put(content, { maxBytes: MiB, expect: { size: 10 } }));
    expect(longer.reason).toBe('size-mismatch');
    const overLimit = await refusal(store.put(content, { maxBytes: 100, expect: { size: 1000 } }));
    expect(overLimit.reason).toBe('too-large');
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('checks content it already holds against the expectation without writing it again', async () => {
    const content = randomBytes(5000);
    await store.put(content, { maxBytes: MiB });
    // pool.query checks a client out with a callback; a put's transaction does so without one.
    const spy = jest.spyOn(pool, 'connect');
    const transactions = () => spy.mock.calls.filter((args: unknown[]) => args.length === 0).length;
    try {
      expect(await store.put(content, { maxBytes: MiB, expect: { sha256: sha(content) } })).toEqual({ sha256: sha(content), size: 5000 });
      const forged = await refusal(store.put(randomBytes(5000), { maxBytes: MiB, expect: { sha256: sha(content) } }));
      expect(forged.reason).toBe('sha256-mismatch');
      expect(transactions()).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(await counts()).toEqual({ blobs: 1, chunks: 1 });
  });

  it('rolls back what a failing source wrote and passes its error on', async () => {
    const failing = Readable.from(
      (async function* () {
        yield randomBytes(FILE_CHUNK_BYTES * 2);
        throw new TransientError('source went away');
      })(),
    );
    await expect(store.put(failing, { maxBytes: 10 * MiB })).rejects.toThrow('source went away');
    expect(await counts()).toEqual({ blobs: 0, chunks: 0 });
  });

  it('rejects opening unknown content with a permanent not-stored refusal', async () => {
    const e = await refusal(store.open('b'.repeat(64)));
    expect(e).toBeInstanceOf(FileRefused);
    expect(e.reason).toBe('not-stored');
    expect(await store.has('b'.repeat(64))).toBe(false);
  });

  it('reads one chunk at a time, only as the consumer asks', async () => {
    const content = randomBytes(FILE_CHUNK_BYTES * 8);
    const { sha256 } = await store.put(content, { maxBytes: 10 * MiB });
    const original = pool.query.bind(pool);
    let inFlight = 0;
    let maxInFlight = 0;
    let reads = 0;
    const spy = jest.spyOn(pool, 'query').mockImplementation(((config: { name?: string }, ...rest: unknown[]) => {
      if (config?.name !== 'file_chunk_read') return (original as (...a: unknown[]) => unknown)(config, ...rest);
      reads++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      return (original as (c: unknown) => Promise<unknown>)(config).finally(() => inFlight--);
    }) as never);
    try {
      const stream = await store.open(sha256);
      const first = await new Promise<Buffer>((resolve) => stream.once('data', (b: Buffer) => (stream.pause(), resolve(b))));
      expect(first.length).toBe(FILE_CHUNK_BYTES);
      await new Promise((r) => setTimeout(r, 200));
      // Paused after the first chunk: at most the next one was fetched ahead.
      expect(reads).toBeLessThanOrEqual(2);
      const rest = await stream.toArray();
      expect(Buffer.concat([first, ...rest]).equals(content)).toBe(true);
      expect(reads).toBe(8);
      expect(maxInFlight).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('takes 20 MiB in and out byte-identical, with memory that does not grow with the file', async () => {
    /** Peak RSS above `base` while one file of `size` bytes goes in and comes out; checks the digest both ways. */
    const roundTrip = async (size: number, seed: string, base: number) => {
      const source = generated(size, seed);
      let peak = base;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      try {
        const digest = await store.put(source.stream(), { maxBytes: 100 * MiB, expect: { size } });
        expect(digest).toEqual({ sha256: source.sha256, size });
        expect(await digestOf(await store.open(digest.sha256))).toEqual({ sha256: source.sha256, size });
      } finally {
        clearInterval(sample);
      }
      return (peak - base) / MiB;
    };
    // A first round trip grows the heap and pg's buffers to their working size.
    await roundTrip(4 * MiB, 'warm-up', process.memoryUsage().rss);
    const base = process.memoryUsage().rss;
    const growth = await roundTrip(20 * MiB, 'twenty', base);
    // A loose guard only: garbage buffers (pg's hex text of each chunk, 512 KiB) wait for the GC,
    // so RSS moves by tens of MiB whatever the file's size (measured: reading 80 MiB peaks no
    // higher than reading 20). Holding the file whole on either side would cost 20 MiB for the
    // content, 40 more for its hex text and 20 for a concatenation. The test above (one chunk at a
    // time, only on demand) is the real check.
    expect(growth).toBeLessThan(48);
    expect(await counts()).toEqual({ blobs: 2, chunks: 16 + 80 });
  });

  it('turns an unreachable database into a transient error', async () => {
    const dead = new Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', max: 1 });
    const unreachable = new PostgresFileStore(dead);
    await expect(unreachable.stat('c'.repeat(64))).rejects.toBeInstanceOf(TransientError);
    await expect(unreachable.put(Buffer.from('x'), { maxBytes: 10 })).rejects.toBeInstanceOf(TransientError);
    await dead.end();
  });
});
