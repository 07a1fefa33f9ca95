import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { ZipFile } from 'yazl';
import type { FileStore } from '../files/file-store.port';
import { SHA256_HEX } from '../files/file-store.port';
import { type ChainLink, HASH_V, sha256 } from './chain.codec';
import { ChainRepository, type CurrentRow } from './chain.repository';
import { docFor } from './journal-verify.service';
import { contentDisposition } from '../files/file-download.controller';

export const PACK_FORMAT = 'cabinet-hub/evidence-pack/v1';
/** Every entry of a pack gets this time: the pack's bytes depend on its content only. */
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

/** A link as shipped in chain-segment.json: hashes and digests only. */
export interface SegmentLink {
  seq: number;
  kind: 'journal' | 'audit';
  rowId: string;
  rowDigest: string;
  payloadDigest: string | null;
  prevHash: string;
  entryHash: string;
}

/** One entry of case.json: the row's hashed document, and the journal body when it was kept. */
export interface CaseEntryJson {
  kind: 'journal' | 'audit';
  rowId: string;
  /** Its place in the tenant's chain. */
  seq: number;
  doc: CurrentRow['doc'];
  /** base64 of the journal body as received; null when erased (an audit line says why) or absent. */
  body?: string | null;
}

export const README_VERIFY = `Evidence pack of cabinet-hub (${PACK_FORMAT})

What it holds
  case.json            every journal entry (bodies included) and audit line of the case, each as the
                       exact document that was hashed ("doc") and with its place in the chain ("seq")
  files/<sha256>       the case's files as the hub stores them; the name is the SHA-256 of the content
  chain-segment.json   the tenant's hash chain from the case's first entry to the covering checkpoint:
                       for entries of other cases only hashes and digests, never their content
  checkpoints/<id>.json + .tsr
                       the checkpoint that covers the case (its heads as leaf hashes) and the RFC 3161
                       time-stamp token over it, with the authority's certificate inside the token
  manifest.json        SHA-256 of every other file of the pack

Check it (no database needed):
  cabinet-hub evidence verify <this-file>.zip

How (hash_v ${HASH_V})
  payload_digest = SHA-256(body)            row_digest = SHA-256(JCS(doc))   (JCS = RFC 8785)
  entry_hash     = SHA-256(F("cabinet-hub/chain/v1") F(tenant) F(seq) F(kind) F(rowId) F(row_digest) F(prev_hash)),
                   F(x) = 4-byte big-endian length, then x (text UTF-8, seq in decimal, digests raw)
  leaf           = SHA-256(F("cabinet-hub/head/v1") F(tenant) F(seq) F(head entry_hash))
  checkpoint     = SHA-256(F("cabinet-hub/checkpoint/v1") F(leaf_1) ... F(leaf_n)), leaves sorted bytewise;
                   the time-stamp token's messageImprint is this checkpoint digest.
  Every file under files/ must be named by its SHA-256 and be referenced by a chained journal body.
  The token proves the chain head existed at its genTime; compare the checkpoint with the operator's
  witness copy (the same digest) for protection against a rewrite of the whole database.
`;

/** What went into a pack. */
export interface PackSummary {
  entries: number;
  unchained: number;
  files: number;
  segment: { fromSeq: number; toSeq: number };
  checkpoint?: string;
}

/**
 * Writes the evidence pack of one case (tenant + caseRef, appeal and application alike) as a ZIP
 * to the stream `open` gives (called once the case is found). Returns undefined, opening nothing,
 * when the tenant has no such case. File contents
 * stream from the store one at a time; the chain segment is held in memory (a linear chain makes
 * it long for old cases on busy tenants: Merkle inclusion proofs would be the next step).
 */
export async function exportEvidencePack(
  pool: Pool,
  store: FileStore,
  tenant: string,
  caseRef: string,
  open: () => Writable,
  opts: { now?: Date; kinds?: readonly string[] } = {},
): Promise<PackSummary | undefined | { forbidden: string }> {
  const now = opts.now ?? new Date();
  const repo = new ChainRepository(pool);
  const ids = await repo.caseRowIds(tenant, caseRef);
  if (!ids.length) return undefined;
  // The pack holds every entry with this caseRef: a reader limited to one kind of case gets none
  // when the tenant also has a case of the other kind under the same reference.
  const other = opts.kinds ? (await repo.caseKinds(tenant, caseRef)).find((k) => !opts.kinds?.includes(k)) : undefined;
  if (other) return { forbidden: other };
  const byKind = (k: 'journal' | 'audit') => ids.filter((i) => i.kind === k).map((i) => i.rowId);
  const rows = [...(await repo.currentRows('journal', byKind('journal'), true)), ...(await repo.currentRows('audit', byKind('audit')))];
  const links = new Map<string, ChainLink>();
  for (const k of ['journal', 'audit'] as const) for (const l of await repo.linksOf(k, byKind(k))) links.set(`${k}:${l.rowId}`, l);

  // Every row of a tenant's case is on that tenant's chain (journal rows by their tenant, audit
  // lines by their case's); a link elsewhere would mean the rows changed, and verify says so.
  const seqs = [...links.values()].filter((l) => l.tenant === tenant).map((l) => l.seq);
  const fromSeq = seqs.length ? Math.min(...seqs) : 0;
  const lastSeq = seqs.length ? Math.max(...seqs) : 0;
  const covering = seqs.length ? await repo.coveringCheckpoint(tenant, lastSeq) : undefined;
  const head = (await repo.heads()).find((h) => h.tenant === tenant);
  const toSeq = covering?.head.seq ?? head?.seq ?? lastSeq;
  const segment: SegmentLink[] = [];
  for (let from = fromSeq; seqs.length && from <= toSeq;) {
    const page = await repo.links(tenant, from, 5000, toSeq);
    if (!page.length) break;
    for (const l of page) segment.push(segmentLink(l));
    from = page[page.length - 1].seq + 1;
  }

  // Entries written after the last chainer round are left out (and counted): a pack holds only
  // what it can prove. Exporting again a few seconds later includes them.
  const unchained = rows.filter((r) => !links.has(`${r.kind}:${r.rowId}`)).length;
  const entries: CaseEntryJson[] = rows
    .filter((r) => links.has(`${r.kind}:${r.rowId}`))
    .map((r) => {
      const link = links.get(`${r.kind}:${r.rowId}`) as ChainLink;
      return {
        kind: r.kind,
        rowId: r.rowId,
        seq: link.seq,
        doc: docFor(r, link),
        ...(r.kind === 'journal' ? { body: r.body ? r.body.toString('base64') : null } : {}),
      };
    })
    .sort((a, b) => a.seq - b.seq);

  const shas = new Set<string>();
  for (const r of rows) if (r.body && links.has(`journal:${r.rowId}`)) referencedFiles(r.body, shas);
  const files: { sha256: string; size: number }[] = [];
  for (const sha of [...shas].sort()) {
    const st = await store.stat(sha);
    if (st) files.push({ sha256: sha, size: st.size });
  }

  const zip = new ZipFile();
  const manifest: { path: string; sha256: string; size: number }[] = [];
  const add = (path: string, content: Buffer | string) => {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    manifest.push({ path, sha256: sha256(buf).toString('hex'), size: buf.length });
    zip.addBuffer(buf, path, { mtime: ZIP_TIME });
  };
  add('README-verify.txt', README_VERIFY);
  add('case.json', json({ format: PACK_FORMAT, tenant, caseRef, exportedAt: now.toISOString(), hashV: HASH_V, entries, notYetChained: unchained, files }));
  add('chain-segment.json', json({ format: PACK_FORMAT, tenant, hashV: HASH_V, fromSeq, toSeq, links: segment }));
  if (covering) {
    const c = covering.checkpoint;
    add(
      `checkpoints/${c.id}.json`,
      json({
        id: c.id,
        createdAt: c.createdAt.toISOString(),
        genTime: c.genTime.toISOString(),
        hashV: c.hashV,
        tsaUrl: c.tsaUrl,
        digest: c.digest.toString('hex'),
        leaves: c.leaves.map((l) => l.toString('hex')),
        head: { tenant, seq: covering.head.seq, headHash: covering.head.headHash.toString('hex') },
      }),
    );
    add(`checkpoints/${c.id}.tsr`, c.tsr);
  }
  // Files are named by their SHA-256 in a content-addressed store: the manifest line is known
  // before the content streams, so nothing is held in memory.
  for (const f of files) {
    manifest.push({ path: `files/${f.sha256}`, sha256: f.sha256, size: f.size });
    zip.addReadStreamLazy(`files/${f.sha256}`, { mtime: ZIP_TIME, size: f.size }, (cb) => {
      store.open(f.sha256).then(
        (s) => cb(null, s),
        (e: unknown) => cb(e, undefined as unknown as NodeJS.ReadableStream),
      );
    });
  }
  zip.addBuffer(Buffer.from(json({ format: PACK_FORMAT, files: manifest })), 'manifest.json', { mtime: ZIP_TIME });
  zip.end();
  await pipeline(zip.outputStream, open());
  return {
    entries: entries.length,
    unchained,
    files: files.length,
    segment: { fromSeq, toSeq },
    ...(covering ? { checkpoint: covering.checkpoint.id } : {}),
  };
}

const json = (v: unknown) => `${JSON.stringify(v, null, 1)}\n`;

function segmentLink(l: ChainLink): SegmentLink {
  return {
    seq: l.seq,
    kind: l.kind,
    rowId: l.rowId,
    rowDigest: l.rowDigest.toString('hex'),
    payloadDigest: l.payloadDigest ? l.payloadDigest.toString('hex') : null,
    prevHash: l.prevHash.toString('hex'),
    entryHash: l.entryHash.toString('hex'),
  };
}

/**
 * The SHA-256 of every file an event names (`FileRef.sha256`, signatures included): any object
 * member `sha256` holding 64 hex characters. Bodies that are not JSON (rejected input) name none.
 */
export function referencedFiles(body: Buffer, into: Set<string>): Set<string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return into;
  }
  const stack: { v: unknown; depth: number }[] = [{ v: parsed, depth: 0 }];
  while (stack.length) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (v === null || typeof v !== 'object' || depth > 64) continue;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'sha256' && typeof x === 'string' && SHA256_HEX.test(x)) into.add(x);
      else if (x !== null && typeof x === 'object') stack.push({ v: x, depth: depth + 1 });
    }
  }
  return into;
}

/**
 * The `open` of {@link exportEvidencePack} for an HTTP answer: 200, `application/zip`, named
 * `evidence-<tenant>-<caseRef>.zip`. Called only once the case is known to exist, so a 404 can
 * still be sent before it.
 */
export function zipAnswer(
  res: Writable & { status(code: number): { setHeader(k: string, v: string): unknown }; setHeader(k: string, v: string): unknown },
  tenant: string,
  caseRef: string,
): () => Writable {
  return () => {
    res.status(200).setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition(`evidence-${tenant}-${caseRef}.zip`));
    return res;
  };
}
