/**
 * What the tamper-evident journal hashes, in one place: the chainer, `journal verify` and the
 * offline `evidence verify` all call these functions, so the formula cannot drift between them.
 * Pure: no I/O. README, "Tamper-evident journal and evidence packs", writes the same down.
 *
 * hash_v 1:
 *   payload_digest = SHA-256(body bytes)                  (absent when the row has no body)
 *   row_digest     = SHA-256(JCS(row document))           (RFC 8785; the document holds payload_digest, not the body)
 *   entry_hash     = SHA-256(F("cabinet-hub/chain/v1") ‖ F(tenant) ‖ F(seq) ‖ F(kind) ‖ F(row id) ‖ F(row_digest) ‖ F(prev_hash))
 *   where F(x) = 4-byte big-endian length ‖ x (texts UTF-8, seq as decimal text, digests raw),
 *   and prev_hash of seq 1 is 32 zero bytes.
 * The body is outside the hash input, only its digest is inside: a body can be erased (data
 * protection) and the chain still verifies.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const HASH_V = 1;
export const CHAIN_TAG = 'cabinet-hub/chain/v1';
export const CHECKPOINT_TAG = 'cabinet-hub/checkpoint/v1';
export const HEAD_TAG = 'cabinet-hub/head/v1';
/** The chain of rows that belong to no tenant: rejections of unreadable messages, provider callbacks. */
export const HUB_CHAIN = '_hub';
export const GENESIS = Buffer.alloc(32);
/** A row's chain is its tenant when it has this shape (a configured tenant's), else {@link HUB_CHAIN}. */
export const TENANT_SHAPE = '^[a-z0-9][a-z0-9-]{0,62}$';

export type ChainKind = 'journal' | 'audit';

/** A journal row as it is hashed (every column but the body and tx, plus the body's digest). */
export interface JournalDoc {
  v: 1;
  table: 'journal';
  id: string;
  received_at: string;
  direction: string;
  via: string;
  status: string;
  tenant: string | null;
  source: string | null;
  event_id: string | null;
  type: string | null;
  subject: string | null;
  correlation_id: string | null;
  dedupe_key: string | null;
  routes: string[];
  errors: unknown;
  body_size: number;
  body_truncated: boolean;
  payload_digest: string | null;
}

/** An audit_log row as it is hashed (every column but tx). */
export interface AuditDoc {
  v: 1;
  table: 'audit_log';
  id: string;
  at: string;
  entity: string;
  entity_id: string;
  attribute: string;
  old_value: string | null;
  new_value: string | null;
  actor: string;
  journal_id: string | null;
}

export type RowDoc = JournalDoc | AuditDoc;

/** One link of a chain as stored in chain_entry and shipped in an evidence pack. */
export interface ChainLink {
  tenant: string;
  seq: number;
  kind: ChainKind;
  rowId: string;
  rowDigest: Buffer;
  payloadDigest: Buffer | null;
  prevHash: Buffer;
  entryHash: Buffer;
}

export const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

/** RFC 8785 canonical JSON of a document. */
export function jcs(doc: unknown): string {
  const text = canonicalize(doc);
  if (text === undefined) throw new Error('document cannot be canonicalized');
  return text;
}

export const rowDigest = (doc: RowDoc): Buffer => sha256(jcs(doc));

function field(b: Buffer | string): Buffer[] {
  const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return [len, bytes];
}

/** The F-encoding of these parts in one buffer (one allocation: this runs for every chained row). */
function encode(parts: readonly (Buffer | string)[]): Buffer {
  const bytes = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p));
  const out = Buffer.allocUnsafe(bytes.reduce((n, b) => n + 4 + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    at = out.writeUInt32BE(b.length, at);
    at += b.copy(out, at);
  }
  return out;
}

/** entry_hash of hash_v 1 (see the file comment). */
export function entryHash(l: { tenant: string; seq: number; kind: ChainKind; rowId: string; rowDigest: Buffer; prevHash: Buffer }): Buffer {
  return sha256(encode([CHAIN_TAG, l.tenant, String(l.seq), l.kind, l.rowId, l.rowDigest, l.prevHash]));
}

/** The leaf of one tenant's head in a checkpoint: SHA-256(F(head tag) ‖ F(tenant) ‖ F(seq) ‖ F(head hash)). */
export function headLeaf(tenant: string, seq: number, headHash: Buffer): Buffer {
  const h = createHash('sha256');
  for (const part of [HEAD_TAG, tenant, String(seq), headHash]) for (const b of field(part)) h.update(b);
  return h.digest();
}

/**
 * The message a checkpoint's RFC 3161 token covers: F(checkpoint tag) ‖ F(leaf 1) ‖ … ‖ F(leaf n)
 * with the leaves sorted bytewise; the token's imprint is its SHA-256 ({@link checkpointDigest}).
 * One token per round covers every tenant whose head moved, and an evidence pack ships only the
 * leaves (hashes) of the other tenants, never their names.
 */
export function checkpointMessage(leaves: readonly Buffer[]): Buffer {
  const parts: Buffer[] = field(CHECKPOINT_TAG);
  for (const leaf of [...leaves].sort(Buffer.compare)) parts.push(...field(leaf));
  return Buffer.concat(parts);
}

export const checkpointDigest = (leaves: readonly Buffer[]): Buffer => sha256(checkpointMessage(leaves));

/** Where a link differs from what its inputs give, or undefined when it is intact. */
export function checkLink(link: ChainLink, doc: RowDoc | undefined, prev: { seq: number; entryHash: Buffer } | undefined): string | undefined {
  const expectedSeq = prev ? prev.seq + 1 : link.seq;
  if (link.seq !== expectedSeq) return `seq ${link.seq} follows seq ${prev?.seq}: entries are missing`;
  if (prev && !link.prevHash.equals(prev.entryHash)) return 'prev_hash is not the entry_hash of the entry before';
  if (!prev && link.seq === 1 && !link.prevHash.equals(GENESIS)) return 'the first entry does not start from the genesis hash';
  if (doc) {
    if (doc.id !== link.rowId) return `the row is ${doc.id}, the link names ${link.rowId}`;
    const payload = doc.table === 'journal' ? doc.payload_digest : null;
    if ((payload ?? null) !== (link.payloadDigest ? link.payloadDigest.toString('hex') : null))
      return payload === null ? 'the body is missing (deleted without an erasure record)' : 'the body differs from the one chained (payload_digest)';
    if (!rowDigest(doc).equals(link.rowDigest)) return `row_digest differs: a column of the ${doc.table} row other than the body was changed (${changedHint(doc)})`;
  }
  if (!entryHash(link).equals(link.entryHash)) return 'entry_hash does not match its inputs';
  return undefined;
}

/** Names no value (they may be personal data), only that the row's digest moved. */
function changedHint(doc: RowDoc): string {
  return doc.table === 'journal' ? `journal entry of type ${doc.type ?? 'none'}` : `audit line on ${doc.attribute}`;
}
