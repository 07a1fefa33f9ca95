import { createHash } from 'node:crypto';

/** sha256 of a one-time link token: only the hash is stored, so the table lists no working tokens. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
