import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { FileDigest } from '../../contracts';
import { checkExpectation, DigestMeter, FILE_CHUNK_BYTES, type FileStore, type PutOptions, rechunk } from '../../src/files/file-store.port';
import { FileRefused } from '../../src/files/files.errors';
import type { FileTenants } from '../../src/files/hub-files.service';

/** The FileRefused a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function refusal(p: Promise<unknown>): Promise<FileRefused> {
  try {
    await p;
  } catch (e) {
    if (e instanceof FileRefused) return e;
    throw e;
  }
  throw new Error('expected a FileRefused rejection, but the promise resolved');
}

/** Lowercase hex sha256 of some bytes. */
export const sha256Of = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** Reads a stream to its end and returns its sha256 and size (without keeping the bytes). */
export async function digestOf(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const piece of stream) {
    hash.update(piece as Buffer);
    size += (piece as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Which tenant took which content, in memory (the PostgreSQL table has its tests against the real database). */
export class MemoryFileTenants implements FileTenants {
  readonly taken = new Set<string>();
  async holds(tenant: string, sha256: string): Promise<boolean> {
    return this.taken.has(`${tenant}\n${sha256}`);
  }
  async add(tenant: string, sha256: string): Promise<void> {
    this.taken.add(`${tenant}\n${sha256}`);
  }
}

/**
 * An in-memory FileStore for tests of what sits on the store (fetcher, HubFiles, download
 * controller): the same checks as the real stores (DigestMeter), content kept in a Map. The
 * PostgreSQL store has its own tests against the real database.
 */
export class MemoryFileStore implements FileStore {
  readonly kind = 'postgres' as const;
  readonly blobs = new Map<string, Buffer>();
  puts = 0;

  async put(content: Readable | Buffer, options: PutOptions): Promise<FileDigest> {
    this.puts++;
    checkExpectation(options);
    const meter = new DigestMeter(options);
    const pieces: Buffer[] = [];
    for await (const piece of rechunk(content, FILE_CHUNK_BYTES)) {
      meter.update(piece);
      pieces.push(piece);
    }
    const digest = meter.finish();
    if (!this.blobs.has(digest.sha256)) this.blobs.set(digest.sha256, Buffer.concat(pieces));
    return digest;
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    const b = this.blobs.get(sha256);
    return b ? { size: b.length } : undefined;
  }

  async has(sha256: string): Promise<boolean> {
    return this.blobs.has(sha256);
  }

  async open(sha256: string): Promise<Readable> {
    const b = this.blobs.get(sha256);
    if (!b) throw new FileRefused('not-stored', `the hub's store holds no file with sha256 ${sha256}`);
    return Readable.from([b]);
  }
}

/** A local HTTP server for fetch tests: routes by path, counts every request it gets. */
export interface TestFileServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Paths requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts a server whose `routes` answer by path (query included); unknown paths get 404. */
export async function startFileServer(routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>): Promise<TestFileServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const route = routes[req.url ?? ''] ?? routes[(req.url ?? '').split('?')[0]];
    if (route) return route(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
