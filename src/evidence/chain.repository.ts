import type { Pool, PoolClient } from 'pg';
import { type AuditDoc, type ChainKind, type ChainLink, entryHash, GENESIS, HASH_V, HUB_CHAIN, type JournalDoc, rowDigest, type RowDoc, TENANT_SHAPE } from './chain.codec';

/** A committed row to chain, as read in the chainer's snapshot. */
interface SourceRow {
  kind: ChainKind;
  row_id: string;
  chain_tenant: string;
  doc: Omit<JournalDoc, 'payload_digest'> | AuditDoc;
  payload_digest: Buffer | null;
}

/** A row as `journal verify` and the evidence export recompute it. */
export interface CurrentRow {
  kind: ChainKind;
  rowId: string;
  /** The chain the row belongs to, derived again from the rows (journal tenant, the case's tenant). */
  chainTenant: string;
  /** The document with payload_digest computed from the body as it is now (null without a body). */
  doc: RowDoc;
  /** For a journal row without a body: whether an erasure audit line exists for it. */
  erased?: boolean;
  body?: Buffer | null;
}

/** A checkpoint as stored: the token and the heads it covers. */
export interface CheckpointRow {
  id: string;
  createdAt: Date;
  hashV: number;
  digest: Buffer;
  leaves: Buffer[];
  tsaUrl: string;
  tsr: Buffer;
  genTime: Date;
}

const UTC = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The hashed document of a journal row `j`, built by PostgreSQL (payload_digest is added in Node). */
const JOURNAL_DOC = `jsonb_build_object('v', 1, 'table', 'journal', 'id', j.id::text, 'received_at', ${UTC('j.received_at')}, 'direction', j.direction, 'via', j.via,
  'status', j.status, 'tenant', j.tenant, 'source', j.source, 'event_id', j.event_id, 'type', j.type, 'subject', j.subject, 'correlation_id', j.correlation_id,
  'dedupe_key', j.dedupe_key, 'routes', to_jsonb(j.routes), 'errors', j.errors, 'body_size', j.body_size, 'body_truncated', j.body_truncated)`;
/** The hashed document of an audit row `a`. */
const AUDIT_DOC = `jsonb_build_object('v', 1, 'table', 'audit_log', 'id', a.id::text, 'at', ${UTC('a.at')}, 'entity', a.entity, 'entity_id', a.entity_id::text,
  'attribute', a.attribute, 'old_value', a.old_value, 'new_value', a.new_value, 'actor', a.actor, 'journal_id', a.journal_id::text)`;
/** The chain of an audit row: its case's tenant (a journal body's erasure: the journal row's; an admin action: the one it names), else the hub's. */
const AUDIT_FROM = `audit_log a LEFT JOIN cases c ON a.entity = 'case' AND c.id = a.entity_id LEFT JOIN journal jj ON a.entity = 'journal' AND jj.id = a.entity_id`;
/**
 * The chain of a journal row: its tenant when that is a tenant identifier (the shape the
 * configuration allows), else the hub's. A rejected message's tenant is whatever the sender
 * wrote; it must not name chains with control characters or kilobytes of text (they are printed
 * by `journal verify`).
 */
const chainOf = (tenant: string) => `CASE WHEN ${tenant} ~ '${TENANT_SHAPE}' THEN ${tenant} ELSE '${HUB_CHAIN}' END`;
const JOURNAL_TENANT = chainOf('j.tenant');
const AUDIT_TENANT = chainOf('coalesce(c.tenant, jj.tenant, a.tenant)');

/** Text of a pg_snapshot (`xmin:xmax:xip,…`): inlined into a cursor declaration, so it is checked first. */
const SNAPSHOT = /^[0-9]+:[0-9]+:[0-9,]*$/;

/** Rows of transactions visible in `next` and not in `prev`: committed since the last round, whatever their xid. */
function newRows(t: string, prev: string, next: string): string {
  return `${t}.tx >= pg_snapshot_xmin('${prev}'::pg_snapshot) AND ${t}.tx < pg_snapshot_xmax('${next}'::pg_snapshot) AND NOT pg_visible_in_snapshot(${t}.tx, '${prev}'::pg_snapshot)`;
}

function rowsSql(where: (t: string) => string, order: string): string {
  return `SELECT kind, row_id, chain_tenant, doc, payload_digest FROM (
    SELECT 'journal'::text AS kind, j.id::text AS row_id, ${JOURNAL_TENANT} AS chain_tenant, j.tx, j.received_at AS t, 0 AS ko, j.id::text AS sk,
           ${JOURNAL_DOC} AS doc, sha256(j.body) AS payload_digest
      FROM journal j WHERE ${where('j')}
    UNION ALL
    SELECT 'audit', a.id::text, ${AUDIT_TENANT}, a.tx, a.at, 1, lpad(a.id::text, 20, '0'), ${AUDIT_DOC}, NULL::bytea
      FROM ${AUDIT_FROM} WHERE ${where('a')}
  ) x ORDER BY ${order}`;
}

const toLink = (r: { tenant: string; seq: string; kind: ChainKind; row_id: string; row_digest: Buffer; payload_digest: Buffer | null; prev_hash: Buffer; entry_hash: Buffer }): ChainLink => ({
  tenant: r.tenant,
  seq: Number(r.seq),
  kind: r.kind,
  rowId: r.row_id,
  rowDigest: r.row_digest,
  payloadDigest: r.payload_digest,
  prevHash: r.prev_hash,
  entryHash: r.entry_hash,
});

const LINK_COLUMNS = 'tenant, seq::text AS seq, kind, row_id, row_digest, payload_digest, prev_hash, entry_hash';

/**
 * Owner of the chain tables (`chain_entry`, `chain_head`, `chain_cursor`, `chain_checkpoint`,
 * `chain_checkpoint_head`). It also READS journal, audit_log and cases (written exception in
 * table-ownership.test.ts): the chain must be computed from exactly the stored rows, in the
 * chainer's one snapshot, and evidence sits below cases in the layers. It never writes them.
 */
export class ChainRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * One chainer round in ONE repeatable-read transaction: the snapshot of its first statement is
   * both "what is committed now" (pg_current_snapshot) and what every read sees, so the rows taken
   * are exactly those of transactions that became visible since the saved snapshot. A transaction
   * that commits late is taken in the round after its commit (never skipped, never twice); the
   * new snapshot is saved with the links, so a restart resumes exactly there. Rows are fetched and
   * hashed in pages of `fetchSize`: hashing blocks the event loop the ingress shares, a few
   * milliseconds per page of 250.
   */
  async chainRound(fetchSize = 250): Promise<{ chained: number; tenants: string[] }> {
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const [cur] = (
        await tx.query<{ prev: string; next: string; backfilled: boolean }>('SELECT snapshot::text AS prev, pg_current_snapshot()::text AS next, backfilled FROM chain_cursor WHERE id = 1 FOR UPDATE')
      ).rows;
      if (!cur || !SNAPSHOT.test(cur.prev) || !SNAPSHOT.test(cur.next)) throw new Error('chain_cursor is missing or unreadable');
      const heads = new Map<string, { seq: number; hash: Buffer }>();
      let chained = 0;
      // Rows written before the chain existed (tx is NULL): once, in time order.
      if (!cur.backfilled)
        chained += await this.chainCursor(
          tx,
          rowsSql((t) => `${t}.tx IS NULL`, 't, ko, sk'),
          heads,
          fetchSize,
        );
      chained += await this.chainCursor(
        tx,
        rowsSql((t) => newRows(t, cur.prev, cur.next), 'tx, ko, sk'),
        heads,
        fetchSize,
      );
      if (heads.size) {
        const list = [...heads];
        await tx.query(
          `INSERT INTO chain_head (tenant, seq, entry_hash) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bytea[])
           ON CONFLICT (tenant) DO UPDATE SET seq = EXCLUDED.seq, entry_hash = EXCLUDED.entry_hash`,
          [list.map(([t]) => t), list.map(([, h]) => h.seq), list.map(([, h]) => h.hash)],
        );
      }
      await tx.query('UPDATE chain_cursor SET snapshot = $1::pg_snapshot, backfilled = true, updated_at = now() WHERE id = 1', [cur.next]);
      await tx.query('COMMIT');
      return { chained, tenants: [...heads.keys()] };
    } catch (e) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      tx.release();
    }
  }

  private async chainCursor(tx: PoolClient, sql: string, heads: Map<string, { seq: number; hash: Buffer }>, fetchSize: number): Promise<number> {
    await tx.query(`DECLARE chain_rows NO SCROLL CURSOR FOR ${sql}`);
    let n = 0;
    for (;;) {
      const rows = (await tx.query<SourceRow>(`FETCH ${fetchSize} FROM chain_rows`)).rows;
      if (!rows.length) break;
      const unknown = [...new Set(rows.map((r) => r.chain_tenant))].filter((t) => !heads.has(t));
      if (unknown.length) {
        const known = (await tx.query<{ tenant: string; seq: string; entry_hash: Buffer }>('SELECT tenant, seq::text AS seq, entry_hash FROM chain_head WHERE tenant = ANY($1::text[])', [unknown]))
          .rows;
        for (const t of unknown) {
          const h = known.find((k) => k.tenant === t);
          heads.set(t, h ? { seq: Number(h.seq), hash: h.entry_hash } : { seq: 0, hash: GENESIS });
        }
      }
      const links: ChainLink[] = rows.map((r) => {
        const head = heads.get(r.chain_tenant) as { seq: number; hash: Buffer };
        const doc: RowDoc =
          r.kind === 'journal' ? { ...(r.doc as Omit<JournalDoc, 'payload_digest'>), payload_digest: r.payload_digest ? r.payload_digest.toString('hex') : null } : (r.doc as AuditDoc);
        const base = { tenant: r.chain_tenant, seq: head.seq + 1, kind: r.kind, rowId: r.row_id, rowDigest: rowDigest(doc), payloadDigest: r.payload_digest, prevHash: head.hash };
        const link = { ...base, entryHash: entryHash(base) };
        heads.set(r.chain_tenant, { seq: link.seq, hash: link.entryHash });
        return link;
      });
      await tx.query(
        `INSERT INTO chain_entry (tenant, seq, kind, row_id, row_digest, payload_digest, prev_hash, entry_hash, hash_v)
         SELECT t, s, k, r, rd, pd, ph, eh, ${HASH_V} FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[]) AS x(t, s, k, r, rd, pd, ph, eh)`,
        [
          links.map((l) => l.tenant),
          links.map((l) => l.seq),
          links.map((l) => l.kind),
          links.map((l) => l.rowId),
          links.map((l) => l.rowDigest),
          links.map((l) => l.payloadDigest),
          links.map((l) => l.prevHash),
          links.map((l) => l.entryHash),
        ],
      );
      n += links.length;
    }
    await tx.query('CLOSE chain_rows');
    return n;
  }

  /** Every chain's tip. */
  async heads(): Promise<{ tenant: string; seq: number; entryHash: Buffer; checkpointedSeq: number }[]> {
    const r = await this.pool.query<{ tenant: string; seq: string; entry_hash: Buffer; checkpointed_seq: string }>(
      'SELECT tenant, seq::text AS seq, entry_hash, checkpointed_seq::text AS checkpointed_seq FROM chain_head ORDER BY tenant',
    );
    return r.rows.map((x) => ({ tenant: x.tenant, seq: Number(x.seq), entryHash: x.entry_hash, checkpointedSeq: Number(x.checkpointed_seq) }));
  }

  /** Every tenant that has links (verify compares them with chain_head, which is not append-only). */
  async chainTenants(): Promise<string[]> {
    // A loose index scan over the primary key: one probe per tenant instead of reading every link.
    const r = await this.pool.query<{ tenant: string }>(
      `WITH RECURSIVE t AS (
         (SELECT tenant FROM chain_entry ORDER BY tenant LIMIT 1)
         UNION ALL
         SELECT (SELECT e.tenant FROM chain_entry e WHERE e.tenant > t.tenant ORDER BY e.tenant LIMIT 1) FROM t WHERE t.tenant IS NOT NULL
       ) SELECT tenant FROM t WHERE tenant IS NOT NULL`,
    );
    return r.rows.map((x) => x.tenant);
  }

  /** Links of one chain from `fromSeq` on, in order. */
  async links(tenant: string, fromSeq: number, limit: number, toSeq = Number.MAX_SAFE_INTEGER): Promise<ChainLink[]> {
    const r = await this.pool.query(`SELECT ${LINK_COLUMNS} FROM chain_entry WHERE tenant = $1 AND seq >= $2 AND seq <= $3 ORDER BY chain_entry.seq LIMIT $4`, [tenant, fromSeq, toSeq, limit]);
    return r.rows.map(toLink);
  }

  /** The chain links of these rows (by kind and id). */
  async linksOf(kind: ChainKind, rowIds: readonly string[]): Promise<ChainLink[]> {
    if (!rowIds.length) return [];
    const r = await this.pool.query(`SELECT ${LINK_COLUMNS} FROM chain_entry WHERE kind = $1 AND row_id = ANY($2::text[])`, [kind, rowIds]);
    return r.rows.map(toLink);
  }

  /** The rows as they are now, recomputed the way the chainer computed them. */
  async currentRows(kind: ChainKind, rowIds: readonly string[], withBodies = false): Promise<CurrentRow[]> {
    if (!rowIds.length) return [];
    if (kind === 'journal') {
      const r = await this.pool.query<{ row_id: string; chain_tenant: string; doc: Omit<JournalDoc, 'payload_digest'>; payload_digest: Buffer | null; erased: boolean; body: Buffer | null }>(
        `SELECT j.id::text AS row_id, ${JOURNAL_TENANT} AS chain_tenant, ${JOURNAL_DOC} AS doc, sha256(j.body) AS payload_digest,
                (j.body IS NULL AND EXISTS (SELECT 1 FROM audit_log e WHERE e.entity = 'journal' AND e.entity_id = j.id AND e.attribute = 'body')) AS erased,
                ${withBodies ? 'j.body' : 'NULL::bytea'} AS body
           FROM journal j WHERE j.id = ANY($1::uuid[])`,
        [rowIds],
      );
      return r.rows.map((x) => ({
        kind,
        rowId: x.row_id,
        chainTenant: x.chain_tenant,
        doc: { ...x.doc, payload_digest: x.payload_digest ? x.payload_digest.toString('hex') : null },
        erased: x.erased,
        ...(withBodies ? { body: x.body } : {}),
      }));
    }
    const r = await this.pool.query<{ row_id: string; chain_tenant: string; doc: AuditDoc }>(
      `SELECT a.id::text AS row_id, ${AUDIT_TENANT} AS chain_tenant, ${AUDIT_DOC} AS doc FROM ${AUDIT_FROM} WHERE a.id = ANY($1::bigint[])`,
      [rowIds],
    );
    return r.rows.map((x) => ({ kind, rowId: x.row_id, chainTenant: x.chain_tenant, doc: x.doc }));
  }

  /**
   * Rows the chainer has passed (committed before its saved snapshot, or old rows after the
   * backfill) that have no link: a row slipped in with the triggers off, or a link deleted.
   */
  async unchained(limit: number): Promise<{ kind: ChainKind; rowId: string }[]> {
    const seen = (t: string) => `(cur.backfilled AND ${t}.tx IS NULL OR ${t}.tx IS NOT NULL AND pg_visible_in_snapshot(${t}.tx, cur.snapshot))`;
    const r = await this.pool.query<{ kind: ChainKind; row_id: string }>(
      `SELECT 'journal' AS kind, j.id::text AS row_id FROM journal j, chain_cursor cur
        WHERE ${seen('j')} AND NOT EXISTS (SELECT 1 FROM chain_entry e WHERE e.kind = 'journal' AND e.row_id = j.id::text)
       UNION ALL
       SELECT 'audit', a.id::text FROM audit_log a, chain_cursor cur
        WHERE ${seen('a')} AND NOT EXISTS (SELECT 1 FROM chain_entry e WHERE e.kind = 'audit' AND e.row_id = a.id::text)
       LIMIT $1`,
      [limit],
    );
    return r.rows.map((x) => ({ kind: x.kind, rowId: x.row_id }));
  }

  /** The journal and audit row ids of one case (tenant + caseRef, every kind), in no particular order. */
  async caseRowIds(tenant: string, caseRef: string): Promise<{ kind: ChainKind; rowId: string }[]> {
    const r = await this.pool.query<{ kind: ChainKind; row_id: string }>(
      `WITH js AS (SELECT j.id FROM journal j WHERE j.tenant = $1 AND j.subject = $2),
            cs AS (SELECT c.id FROM cases c WHERE c.tenant = $1 AND c.case_ref = $2)
       SELECT 'journal' AS kind, id::text AS row_id FROM js
       UNION ALL
       SELECT 'audit', a.id::text FROM audit_log a
        WHERE (a.entity = 'case' AND a.entity_id IN (SELECT id FROM cs)) OR (a.entity = 'journal' AND a.entity_id IN (SELECT id FROM js))`,
      [tenant, caseRef],
    );
    return r.rows.map((x) => ({ kind: x.kind, rowId: x.row_id }));
  }

  /** The kinds of the cases with this caseRef in the tenant (an appeal and an application may share one). */
  async caseKinds(tenant: string, caseRef: string): Promise<string[]> {
    const r = await this.pool.query<{ kind: string }>('SELECT kind FROM cases WHERE tenant = $1 AND case_ref = $2 ORDER BY kind', [tenant, caseRef]);
    return r.rows.map((x) => x.kind);
  }

  /** Heads that are not time-stamped yet, of every tenant. */
  async pendingHeads(): Promise<{ tenant: string; seq: number; entryHash: Buffer }[]> {
    return (await this.heads()).filter((h) => h.seq > h.checkpointedSeq);
  }

  /** Stores a time-stamped checkpoint and marks its heads as covered, in one transaction. */
  async saveCheckpoint(c: Omit<CheckpointRow, 'id' | 'createdAt'>, heads: readonly { tenant: string; seq: number; entryHash: Buffer }[]): Promise<CheckpointRow> {
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN');
      const [row] = (
        await tx.query<{ id: string; created_at: Date }>(
          'INSERT INTO chain_checkpoint (hash_v, digest, leaves, tsa_url, tsr, gen_time) VALUES ($1, $2, $3::bytea[], $4, $5, $6) RETURNING id::text AS id, created_at',
          [c.hashV, c.digest, c.leaves, c.tsaUrl, c.tsr, c.genTime],
        )
      ).rows;
      await tx.query(`INSERT INTO chain_checkpoint_head (checkpoint_id, tenant, seq, head_hash) SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::bytea[])`, [
        row.id,
        heads.map((h) => h.tenant),
        heads.map((h) => h.seq),
        heads.map((h) => h.entryHash),
      ]);
      await tx.query(`UPDATE chain_head h SET checkpointed_seq = GREATEST(h.checkpointed_seq, x.seq) FROM unnest($1::text[], $2::bigint[]) AS x(tenant, seq) WHERE h.tenant = x.tenant`, [
        heads.map((h) => h.tenant),
        heads.map((h) => h.seq),
      ]);
      await tx.query('COMMIT');
      return { ...c, id: row.id, createdAt: row.created_at };
    } catch (e) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      tx.release();
    }
  }

  /** When the last checkpoint was taken (undefined: never). */
  async lastCheckpointAt(): Promise<Date | undefined> {
    const r = await this.pool.query<{ at: Date | null }>('SELECT max(created_at) AS at FROM chain_checkpoint');
    return r.rows[0]?.at ?? undefined;
  }

  /** The first checkpoint of a tenant covering `seq` (its head at or after it), with that head. */
  async coveringCheckpoint(tenant: string, seq: number): Promise<{ checkpoint: CheckpointRow; head: { tenant: string; seq: number; headHash: Buffer } } | undefined> {
    const r = await this.pool.query<{
      id: string;
      created_at: Date;
      hash_v: number;
      digest: Buffer;
      leaves: Buffer[];
      tsa_url: string;
      tsr: Buffer;
      gen_time: Date;
      seq: string;
      head_hash: Buffer;
    }>(
      `SELECT c.id::text AS id, c.created_at, c.hash_v, c.digest, c.leaves, c.tsa_url, c.tsr, c.gen_time, h.seq::text AS seq, h.head_hash
         FROM chain_checkpoint_head h JOIN chain_checkpoint c ON c.id = h.checkpoint_id
        WHERE h.tenant = $1 AND h.seq >= $2 ORDER BY h.seq LIMIT 1`,
      [tenant, seq],
    );
    const x = r.rows[0];
    if (!x) return undefined;
    return {
      checkpoint: { id: x.id, createdAt: x.created_at, hashV: x.hash_v, digest: x.digest, leaves: x.leaves, tsaUrl: x.tsa_url, tsr: x.tsr, genTime: x.gen_time },
      head: { tenant, seq: Number(x.seq), headHash: x.head_hash },
    };
  }

  /** Checkpoints with their heads, for `journal verify` (tokens against the chain). */
  async checkpointHeads(tenant: string): Promise<{ checkpointId: string; seq: number; headHash: Buffer; digest: Buffer; leaves: Buffer[]; tsr: Buffer }[]> {
    const r = await this.pool.query<{ checkpoint_id: string; seq: string; head_hash: Buffer; digest: Buffer; leaves: Buffer[]; tsr: Buffer }>(
      `SELECT h.checkpoint_id::text AS checkpoint_id, h.seq::text AS seq, h.head_hash, c.digest, c.leaves, c.tsr
         FROM chain_checkpoint_head h JOIN chain_checkpoint c ON c.id = h.checkpoint_id WHERE h.tenant = $1 ORDER BY h.seq`,
      [tenant],
    );
    return r.rows.map((x) => ({ checkpointId: x.checkpoint_id, seq: Number(x.seq), headHash: x.head_hash, digest: x.digest, leaves: x.leaves, tsr: x.tsr }));
  }
}
