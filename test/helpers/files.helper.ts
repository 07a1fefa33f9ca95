import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { FileRefused } from '../../src/files/files.errors';

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
