import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { checkpointDigest, checkpointMessage, entryHash, headLeaf, rowDigest, type RowDoc, sha256 } from './chain.codec';
import { type CaseEntryJson, PACK_FORMAT, referencedFiles, type SegmentLink } from './evidence-pack.service';
import { verifyToken } from './tsa.client';

/** Hostile ZIPs: bounds on what a pack may claim before anything is read. */
export const PACK_LIMITS = {
  maxEntries: 100_000,
  /** case.json, chain-segment.json, manifest.json, checkpoints: read into memory. */
  maxDocumentBytes: 512 * 1024 * 1024,
  /** All of those together: what verify holds in memory. */
  maxDocumentsTotalBytes: 1024 * 1024 * 1024,
  maxFileBytes: 8 * 1024 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
};

const NAMES = /^(README-verify\.txt|case\.json|chain-segment\.json|manifest\.json|checkpoints\/[0-9]{1,19}\.(json|tsr)|files\/[0-9a-f]{64})$/;

export interface PackVerification {
  ok: boolean;
  /** The first broken link, naming the file and what differs. */
  broken?: string;
  /** What was checked, and warnings (not time-stamped yet, entries not chained yet). */
  notes: string[];
}

class Broken extends Error {}
const fail = (msg: string): never => {
  throw new Broken(msg);
};

/**
 * `cabinet-hub evidence verify <zip>`: checks an evidence pack offline (no database, no network):
 * the ZIP itself (entry count, sizes, names; nothing is extracted to disk), every case entry
 * against its chain link (payload and row digests), the links of the segment, the covering
 * checkpoint (head, leaf, digest) and its RFC 3161 token, the files (content = name, referenced
 * by a chained body), then the manifest. Reports the first broken link.
 */
export async function verifyEvidencePack(path: string, opts: { trusted?: Buffer[] } = {}): Promise<PackVerification> {
  const notes: string[] = [];
  let content: Map<string, { bytes?: Buffer; sha256: string; size: number }>;
  try {
    content = await readPack(path);
  } catch (e) {
    return { ok: false, broken: e instanceof Broken ? e.message : `not a readable ZIP: ${(e as Error).message}`, notes };
  }
  try {
    checkPack(content, notes);
    // Every checkpoint the pack holds must verify (the export ships one: the covering checkpoint).
    const checkpoints = [...content.keys()].filter((n) => n.endsWith('.json') && n.startsWith('checkpoints/'));
    for (const checkpoint of checkpoints) await checkToken(content, checkpoint, notes, opts);
    for (const n of content.keys()) if (n.startsWith('checkpoints/') && n.endsWith('.tsr') && !content.has(n.replace(/\.tsr$/, '.json'))) fail(`${n} has no checkpoint file next to it`);
    if (!checkpoints.length) notes.push('no checkpoint covers these entries yet: the links are consistent, but nothing outside the database vouches for them (export again after the next checkpoint)');
    checkManifest(content);
    return { ok: true, notes };
  } catch (e) {
    if (e instanceof Broken) return { ok: false, broken: e.message, notes };
    throw e;
  }
}

async function readPack(path: string): Promise<Map<string, { bytes?: Buffer; sha256: string; size: number }>> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true, decodeStrings: true });
  const out = new Map<string, { bytes?: Buffer; sha256: string; size: number }>();
  try {
    if (zip.entryCount > PACK_LIMITS.maxEntries) fail(`the ZIP claims ${zip.entryCount} entries (limit ${PACK_LIMITS.maxEntries})`);
    let total = 0;
    let held = 0;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      if (!NAMES.test(name)) fail(`unexpected file in the pack: ${JSON.stringify(name.slice(0, 120))}`);
      if (out.has(name)) fail(`${name} appears twice in the ZIP`);
      const isFile = name.startsWith('files/');
      const limit = isFile ? PACK_LIMITS.maxFileBytes : PACK_LIMITS.maxDocumentBytes;
      if (entry.uncompressedSize > limit) fail(`${name} claims ${entry.uncompressedSize} bytes (limit ${limit})`);
      total += entry.uncompressedSize;
      if (total > PACK_LIMITS.maxTotalBytes) fail(`the pack is larger than ${PACK_LIMITS.maxTotalBytes} bytes uncompressed`);
      if (!isFile && (held += entry.uncompressedSize) > PACK_LIMITS.maxDocumentsTotalBytes) fail(`the pack's documents are larger than ${PACK_LIMITS.maxDocumentsTotalBytes} bytes together`);
      let stream: Readable;
      try {
        stream = await zip.openReadStreamPromise(entry);
      } catch (e) {
        fail(`${name}: unreadable (${(e as Error).message})`);
        throw e;
      }
      const h = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const piece of stream as AsyncIterable<Buffer>) {
          size += piece.length;
          if (size > limit) fail(`${name} is larger than ${limit} bytes`);
          h.update(piece);
          if (!isFile) chunks.push(piece);
        }
      } catch (e) {
        if (e instanceof Broken) throw e;
        fail(`${name}: unreadable (${(e as Error).message})`);
      }
      out.set(name, { sha256: h.digest('hex'), size, ...(isFile ? {} : { bytes: Buffer.concat(chunks) }) });
    }
  } finally {
    zip.close();
  }
  return out;
}

function jsonOf<T>(content: Map<string, { bytes?: Buffer }>, name: string): T {
  const c = content.get(name);
  if (!c?.bytes) return fail(`${name} is missing`);
  try {
    return JSON.parse(c.bytes.toString('utf8')) as T;
  } catch {
    return fail(`${name} is not valid JSON`);
  }
}

const HEX32 = /^[0-9a-f]{64}$/;
const hex = (s: unknown, what: string): Buffer => (typeof s === 'string' && HEX32.test(s) ? Buffer.from(s, 'hex') : fail(`${what} is not a SHA-256 in hex`));

function checkPack(content: Map<string, { bytes?: Buffer; sha256: string }>, notes: string[]): void {
  const kase = jsonOf<{ format: string; tenant: string; caseRef: string; entries: CaseEntryJson[]; files: { sha256: string }[] }>(content, 'case.json');
  const seg = jsonOf<{ format: string; tenant: string; fromSeq: number; toSeq: number; links: SegmentLink[] }>(content, 'chain-segment.json');
  if (kase.format !== PACK_FORMAT || seg.format !== PACK_FORMAT) fail(`case.json or chain-segment.json is not ${PACK_FORMAT}`);
  if (typeof kase.tenant !== 'string' || kase.tenant !== seg.tenant) fail('case.json and chain-segment.json name different tenants');
  if (!Array.isArray(kase.entries) || !Array.isArray(seg.links)) fail('case.json entries or chain-segment.json links are not lists');
  const tenant = kase.tenant;

  // The segment: consecutive, each link's hash from its inputs, each prev_hash the hash before.
  const bySeq = new Map<number, SegmentLink>();
  let prev: SegmentLink | undefined;
  for (const l of seg.links) {
    const at = `chain-segment.json: link seq ${l?.seq}`;
    if (!Number.isSafeInteger(l?.seq) || (prev && l.seq !== prev.seq + 1)) fail(`${at} does not follow seq ${prev?.seq}: links are missing`);
    if (l.kind !== 'journal' && l.kind !== 'audit') fail(`${at}: unknown kind`);
    const computed = entryHash({ tenant, seq: l.seq, kind: l.kind, rowId: String(l.rowId), rowDigest: hex(l.rowDigest, `${at} rowDigest`), prevHash: hex(l.prevHash, `${at} prevHash`) });
    if (!computed.equals(hex(l.entryHash, `${at} entryHash`))) fail(`${at} (${l.kind} ${l.rowId}): entry_hash does not match its inputs`);
    if (prev && l.prevHash !== prev.entryHash) fail(`${at} (${l.kind} ${l.rowId}): prev_hash is not the entry_hash of seq ${prev.seq}`);
    bySeq.set(l.seq, l);
    prev = l;
  }

  // The case's entries against their links.
  const erased = new Set(
    kase.entries.filter((e) => e.kind === 'audit' && e.doc?.table === 'audit_log' && e.doc.entity === 'journal' && e.doc.attribute === 'body').map((e) => (e.doc as { entity_id: string }).entity_id),
  );
  const shas = new Set<string>();
  for (const e of kase.entries) {
    const at = `case.json: ${e?.kind} ${e?.rowId}`;
    if (!Number.isSafeInteger(e.seq)) fail(`${at}: has no place in the chain`);
    const link = bySeq.get(e.seq);
    if (!link) fail(`${at}: its seq ${e.seq} is not in chain-segment.json`);
    const l = link as SegmentLink;
    if (l.kind !== e.kind || l.rowId !== e.rowId || e.doc?.id !== e.rowId) fail(`${at}: chain seq ${e.seq} holds ${l.kind} ${l.rowId}`);
    const doc = e.doc as RowDoc;
    if (doc.table === 'journal') {
      if (doc.tenant !== tenant) fail(`${at}: the entry names another tenant`);
      if (typeof e.body === 'string') {
        const body = Buffer.from(e.body, 'base64');
        if (sha256(body).toString('hex') !== doc.payload_digest) fail(`${at} (seq ${e.seq}): the body differs from the one chained (payload_digest)`);
        referencedFiles(body, shas);
      } else if (doc.payload_digest !== null && !erased.has(e.rowId)) fail(`${at} (seq ${e.seq}): the body is missing and no erasure is recorded`);
      if ((l.payloadDigest ?? null) !== (doc.payload_digest ?? null)) fail(`${at} (seq ${e.seq}): payload_digest differs from the chain link`);
    }
    if (rowDigest(doc).toString('hex') !== l.rowDigest) fail(`${at} (seq ${e.seq}): row_digest differs: the entry was changed`);
  }
  const later = (kase as { notYetChained?: unknown }).notYetChained;
  if (typeof later === 'number' && later > 0) notes.push(`${later} newer entr${later === 1 ? 'y was' : 'ies were'} not chained yet when the pack was made and are not in it`);

  // Files: the name is the content's SHA-256, and a chained body names it.
  for (const [name, c] of content) {
    if (!name.startsWith('files/')) continue;
    const sha = name.slice('files/'.length);
    if (c.sha256 !== sha) fail(`${name}: the content's SHA-256 is ${c.sha256}`);
    if (!shas.has(sha)) fail(`${name}: no chained journal body of the case references this file`);
  }
  for (const f of Array.isArray(kase.files) ? kase.files : []) if (!content.has(`files/${f.sha256}`)) fail(`case.json lists files/${f.sha256}, which the pack does not hold`);
  notes.push(`${kase.entries.length} entries of case ${kase.caseRef} match chain ${tenant} seq ${seg.fromSeq}..${seg.toSeq} (${seg.links.length} links)`);
}

async function checkToken(content: Map<string, { bytes?: Buffer }>, name: string, notes: string[], opts: { trusted?: Buffer[] }): Promise<void> {
  const seg = jsonOf<{ tenant: string; toSeq: number; links: SegmentLink[] }>(content, 'chain-segment.json');
  const cp = jsonOf<{ id: string; digest: string; leaves: string[]; head: { tenant: string; seq: number; headHash: string } }>(content, name);
  const last = seg.links[seg.links.length - 1];
  if (!cp.head || cp.head.tenant !== seg.tenant || cp.head.seq !== last?.seq || cp.head.headHash !== last.entryHash) fail(`${name}: its head is not the last link of chain-segment.json`);
  const leaf = headLeaf(seg.tenant, cp.head.seq, hex(cp.head.headHash, `${name} headHash`));
  const leaves = (Array.isArray(cp.leaves) ? cp.leaves : []).map((x, i) => hex(x, `${name} leaf ${i}`));
  if (!leaves.some((l) => l.equals(leaf))) fail(`${name}: the head's leaf is not among the checkpoint's leaves`);
  const digest = checkpointDigest(leaves);
  if (!digest.equals(hex(cp.digest, `${name} digest`))) fail(`${name}: the digest does not match the leaves`);
  const tsrName = name.replace(/\.json$/, '.tsr');
  const tsr = content.get(tsrName)?.bytes;
  if (!tsr) fail(`${tsrName} is missing`);
  try {
    const info = await verifyToken(tsr as Buffer, checkpointMessage(leaves), { trusted: opts.trusted });
    notes.push(`checkpoint ${cp.id}: time-stamped ${info.genTime.toISOString()} by ${info.signer ?? 'the TSA'} (token serial ${info.serial}); compare digest ${cp.digest} with the witness copy`);
  } catch (e) {
    fail(`${tsrName}: ${(e as Error).message}`);
  }
}

function checkManifest(content: Map<string, { sha256: string; size: number }>): void {
  const m = jsonOf<{ format: string; files: { path: string; sha256: string; size: number }[] }>(content as Map<string, { bytes?: Buffer }>, 'manifest.json');
  if (m.format !== PACK_FORMAT || !Array.isArray(m.files)) fail('manifest.json is not an evidence pack manifest');
  const listed = new Set<string>();
  for (const f of m.files) {
    const c = content.get(f.path);
    if (!c) fail(`manifest.json lists ${f.path}, which the pack does not hold`);
    if (c?.sha256 !== f.sha256 || c.size !== f.size) fail(`manifest.json: the SHA-256 of ${f.path} is not the one listed (one of the two was changed)`);
    listed.add(f.path);
  }
  for (const name of content.keys()) if (name !== 'manifest.json' && !listed.has(name)) fail(`${name} is not listed in manifest.json`);
}
