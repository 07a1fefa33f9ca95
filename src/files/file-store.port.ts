import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileDigest } from '../../contracts';
import { FileRefused } from './files.errors';

/** What the content must turn out to be; a mismatch refuses it and keeps nothing. */
export type ExpectedDigest = Partial<FileDigest>;

/** How content goes into the store. */
export interface PutOptions {
  /** Largest content accepted; one byte more refuses it (`too-large`) without reading further. */
  maxBytes: number;
  expect?: ExpectedDigest;
}

/**
 * The hub's content-addressed file store: content is named by its sha256, so the same bytes put
 * twice are one blob, and a blob never changes once stored. Implementations stream: neither
 * `put` nor `open` holds a whole file in memory.
 */
export interface FileStore {
  readonly kind: 'postgres' | 's3';
  /**
   * Reads `content` to its end, computing sha256 and size on the way, and stores it. Refuses with
   * {@link FileRefused} (and keeps nothing) when it exceeds `maxBytes` or does not match `expect`.
   * Idempotent, also when the same content is put concurrently.
   */
  put(content: Readable | Buffer, options: PutOptions): Promise<FileDigest>;
  /** The stored size, or undefined when the store has no such content. */
  stat(sha256: string): Promise<{ size: number } | undefined>;
  has(sha256: string): Promise<boolean>;
  /** The content as a stream; rejects with FileRefused (`not-stored`) when absent. */
  open(sha256: string): Promise<Readable>;
}

/** Size of one stored chunk (PostgreSQL rows) and of each read: 256 KiB. */
export const FILE_CHUNK_BYTES = 256 * 1024;

/** Lowercase hex sha256: the only shape a content name may have (it becomes a key and a URL path). */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Counts and hashes content as it streams, and refuses it as soon as it is known to be wrong:
 * over the limit or longer than expected while streaming, shorter or with another digest at the end.
 */
export class DigestMeter {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  constructor(private readonly options: PutOptions) {}

  update(piece: Buffer): void {
    this.size += piece.length;
    const expected = this.options.expect?.size;
    if (expected !== undefined && this.size > expected) throw new FileRefused('size-mismatch', `size mismatch: the content is longer than the expected ${expected} bytes`);
    if (this.size > this.options.maxBytes) throw new FileRefused('too-large', `the file is larger than the limit of ${this.options.maxBytes} bytes`);
    this.hash.update(piece);
  }

  finish(): FileDigest {
    const sha256 = this.hash.digest('hex');
    const { expect } = this.options;
    if (expect?.size !== undefined && this.size !== expect.size) throw new FileRefused('size-mismatch', `size mismatch: expected ${expect.size} bytes, got ${this.size}`);
    if (expect?.sha256 !== undefined && sha256 !== expect.sha256) throw new FileRefused('sha256-mismatch', `sha256 mismatch: expected ${expect.sha256}, got ${sha256}`);
    return { sha256, size: this.size };
  }
}

/** Checks an expected digest before any byte is read: a malformed sha256 or a size over the limit can never match. */
export function checkExpectation(options: PutOptions): void {
  const { expect, maxBytes } = options;
  if (expect?.sha256 !== undefined && !SHA256_HEX.test(expect.sha256)) throw new FileRefused('bad-meta', 'the expected sha256 is not 64 lowercase hexadecimal characters');
  if (expect?.size !== undefined && (!Number.isSafeInteger(expect.size) || expect.size < 0)) throw new FileRefused('bad-meta', 'the expected size is not a non-negative integer');
  if (expect?.size !== undefined && expect.size > maxBytes) throw new FileRefused('too-large', `the file (${expect.size} bytes) is larger than the limit of ${maxBytes} bytes`);
}

/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes (the last one shorter, none empty
 * unless the content is). Only one piece plus what arrived last is held at a time; the source is
 * pulled as pieces are consumed, so backpressure reaches it.
 */
export async function* rechunk(content: Readable | Buffer, size: number): AsyncGenerator<Buffer> {
  const source: AsyncIterable<Buffer | string> | Iterable<Buffer> = Buffer.isBuffer(content) ? [content] : content;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of source) {
    const piece = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (!piece.length) continue;
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < size) continue;
    const joined = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    let at = 0;
    for (; joined.length - at >= size; at += size) yield joined.subarray(at, at + size);
    pending = at < joined.length ? [joined.subarray(at)] : [];
    pendingBytes = joined.length - at;
  }
  if (pendingBytes) yield pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
}
