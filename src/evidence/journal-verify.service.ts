import type { Pool } from 'pg';
import { type ChainKind, type ChainLink, checkLink, checkpointDigest, checkpointMessage, headLeaf, type RowDoc } from './chain.codec';
import { ChainRepository, type CurrentRow } from './chain.repository';
import { verifyToken } from './tsa.client';

/** The first thing found wrong in one chain. */
export interface BrokenLink {
  tenant: string;
  seq?: number;
  kind?: ChainKind;
  rowId?: string;
  problem: string;
}

export interface JournalVerification {
  ok: boolean;
  chains: { tenant: string; entries: number; checkpoints: number }[];
  /** The first broken link of each broken chain, then rows that no chain holds. */
  broken: BrokenLink[];
}

const PAGE = 1000;

/**
 * `cabinet-hub journal verify`: walks every chain (or one tenant's) in the database, recomputing
 * each link from the journal and audit rows as they are now, checks the heads, the checkpoints
 * (leaf, digest, RFC 3161 token) and that no committed row is missing from the chains. Names the
 * first broken link per chain: tenant, seq, row and what differs, never a value of the row.
 */
export async function verifyJournal(pool: Pool, opts: { tenant?: string } = {}): Promise<JournalVerification> {
  const repo = new ChainRepository(pool);
  const heads = (await repo.heads()).filter((h) => !opts.tenant || h.tenant === opts.tenant);
  const result: JournalVerification = { ok: true, chains: [], broken: [] };
  for (const t of await repo.chainTenants()) {
    if ((!opts.tenant || t === opts.tenant) && !heads.some((h) => h.tenant === t)) result.broken.push({ tenant: t, problem: 'the chain has links but no chain_head row (removed)' });
  }
  if (opts.tenant && !heads.length) {
    result.broken.push({ tenant: opts.tenant, problem: 'no chain for this tenant (nothing chained yet, or chain_head was removed)' });
  }
  for (const head of heads) {
    let prev: { seq: number; entryHash: Buffer } | undefined;
    let entries = 0;
    let problem: BrokenLink | undefined;
    const hashAt = new Map<number, Buffer>();
    const checkpoints = await repo.checkpointHeads(head.tenant);
    const wanted = new Set(checkpoints.map((c) => c.seq));
    for (let from = 1; !problem;) {
      const links = await repo.links(head.tenant, from, PAGE);
      if (!links.length) break;
      const rows = await rowsOf(repo, links);
      for (const link of links) {
        if (!prev && link.seq !== 1) {
          problem = { tenant: head.tenant, seq: link.seq, kind: link.kind, rowId: link.rowId, problem: `the chain starts at seq ${link.seq}: entries 1..${link.seq - 1} are missing` };
          break;
        }
        const row = rows.get(`${link.kind}:${link.rowId}`);
        const why = !row
          ? `the ${link.kind === 'journal' ? 'journal' : 'audit_log'} row is missing (deleted)`
          : row.chainTenant !== link.tenant
            ? `the row now belongs to chain ${row.chainTenant}`
            : checkLink(link, docFor(row, link), prev);
        if (why) {
          problem = { tenant: head.tenant, seq: link.seq, kind: link.kind, rowId: link.rowId, problem: why };
          break;
        }
        if (wanted.has(link.seq)) hashAt.set(link.seq, link.entryHash);
        prev = { seq: link.seq, entryHash: link.entryHash };
        entries++;
      }
      from = (prev?.seq ?? 0) + 1;
    }
    if (!problem && prev && (prev.seq !== head.seq || !prev.entryHash.equals(head.entryHash))) {
      problem = { tenant: head.tenant, seq: prev.seq, problem: `chain_head says seq ${head.seq}, the chain ends at seq ${prev.seq} with another hash: entries at the end were removed or changed` };
    }
    if (!problem) problem = await checkCheckpoints(head.tenant, checkpoints, hashAt, prev?.seq ?? 0);
    if (problem) result.broken.push(problem);
    result.chains.push({ tenant: head.tenant, entries, checkpoints: checkpoints.length });
  }
  if (!opts.tenant) {
    for (const r of await repo.unchained(10))
      result.broken.push({ tenant: '?', kind: r.kind, rowId: r.rowId, problem: 'committed row that no chain holds (written with the triggers off, or its link deleted)' });
  }
  result.ok = result.broken.length === 0;
  return result;
}

async function rowsOf(repo: ChainRepository, links: readonly ChainLink[]): Promise<Map<string, CurrentRow>> {
  const out = new Map<string, CurrentRow>();
  for (const kind of ['journal', 'audit'] as const) {
    for (const r of await repo.currentRows(
      kind,
      links.filter((l) => l.kind === kind).map((l) => l.rowId),
    ))
      out.set(`${kind}:${r.rowId}`, r);
  }
  return out;
}

/** The document to check: an erased body (with its audit line) keeps the digest that was chained. */
export function docFor(row: CurrentRow, link: ChainLink): RowDoc {
  if (row.doc.table === 'journal' && row.doc.payload_digest === null && row.erased && link.payloadDigest) return { ...row.doc, payload_digest: link.payloadDigest.toString('hex') };
  return row.doc;
}

async function checkCheckpoints(
  tenant: string,
  checkpoints: { checkpointId: string; seq: number; headHash: Buffer; digest: Buffer; leaves: Buffer[]; tsr: Buffer }[],
  hashAt: Map<number, Buffer>,
  lastSeq: number,
): Promise<BrokenLink | undefined> {
  for (const c of checkpoints) {
    const at = `checkpoint ${c.checkpointId}`;
    if (c.seq > lastSeq) return { tenant, seq: c.seq, problem: `${at} time-stamped seq ${c.seq}, but the chain ends at seq ${lastSeq}: entries were removed` };
    if (!hashAt.get(c.seq)?.equals(c.headHash)) return { tenant, seq: c.seq, problem: `${at}: the entry at seq ${c.seq} is not the head that was time-stamped (the chain was rewritten)` };
    const leaf = headLeaf(tenant, c.seq, c.headHash);
    if (!c.leaves.some((l) => l.equals(leaf))) return { tenant, seq: c.seq, problem: `${at}: this head is not among the checkpoint's leaves` };
    if (!checkpointDigest(c.leaves).equals(c.digest)) return { tenant, seq: c.seq, problem: `${at}: the digest does not match the leaves` };
    try {
      await verifyToken(c.tsr, checkpointMessage(c.leaves));
    } catch (e) {
      return { tenant, seq: c.seq, problem: `${at}: ${(e as Error).message}` };
    }
  }
  return undefined;
}
