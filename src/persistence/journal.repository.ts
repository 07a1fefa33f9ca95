import { Injectable } from '@nestjs/common';
import type { Options } from 'amqplib';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { CloudEvent } from '../../contracts';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { poolOf } from './database.setup';
import { inTransaction } from './transaction.runner';
import type { CaseColumns, CaseCondition, SqlParams } from './sql-params.codec';

/** One journal entry to write. */
export interface JournalEntry {
  id: string;
  direction: 'in' | 'out';
  via: string;
  status: 'accepted' | 'rejected' | 'emitted';
  tenant?: string;
  source?: string;
  eventId?: string;
  type?: string;
  subject?: string;
  correlationId?: string;
  /** Set for accepted inbound events only: a second entry with the same key is a duplicate. */
  dedupeKey?: string;
  routes: readonly string[];
  errors?: unknown;
  /**
   * For a submission: the case it opens. When that case exists already (opened by another event,
   * in an earlier batch, earlier in this one, or by another hub instance at the same moment) the
   * entry is written as rejected with `caseTakenErrors()` instead, with no routes (called only
   * when some case of the batch is taken: most batches never build these errors).
   */
  opensCase?: { caseId: string; caseTakenErrors: () => unknown };
  body: Buffer;
  bodySize: number;
  bodyTruncated: boolean;
}

/** A message written to the outbox with the journal entry it belongs to, published after commit. */
export interface OutboxEntry {
  journalId: string;
  message: OutgoingMessage;
}

/** An event the hub emits, as the emitter built it: journaled as `out` and put in the outbox unless ignored. */
export interface EmittedRow {
  event: CloudEvent;
  journalId: string;
  via: string;
  ignored: boolean;
  /** Set for back-office results with a key: a second row with the same key cannot be written. */
  dedupeKey?: string;
  message: OutgoingMessage;
}

/** A committed outbox row, as the relay reads it. */
interface OutboxRow {
  id: string;
  exchange: string;
  routing_key: string;
  properties: Options.Publish;
  payload: Buffer;
}

/** What the journal knows of an accepted event: enough to publish its routed copies again. */
export interface AcceptedEntry {
  id: string;
  dedupeKey: string;
  eventId: string;
  tenant: string;
  type: string;
  source: string;
  correlationId?: string;
  routes: string[];
}

/** A case opened by a submission, with the audit line that records it. */
export interface CaseOpening {
  journalId: string;
  caseId: string;
  tenant: string;
  kind: 'appeal' | 'application';
  caseRef: string;
  status: string;
  statusAt: string;
  actor: string;
  /** The citizen behind the case (the cabinet's subject reference), for messenger links and the bot. */
  citizenRef?: string;
  /** The applicant's contacts as JSON, for notifications about the case. */
  recipient?: string;
}

/** What the write did: which journal entries are new, and the outbox ids of their messages. */
export interface StoreResult {
  inserted: Set<string>;
  /** New entries offered as accepted that were written as rejected: their case already existed. */
  caseTaken: Set<string>;
  outbox: { id: string; journalId: string }[];
}

/** A place in the journal: its time (UTC, microseconds, exact) and id, the keyset of the case history. */
export interface JournalPosition {
  at: string;
  id: string;
}

/** Which journal entries of one case to read: the case is (tenant, subject), the kind is in the types. */
export interface CaseEntryFilter {
  tenant: string;
  subject: string;
  /** Types of inbound events journaled as accepted to include. */
  accepted: readonly string[];
  /** Types of events the hub emitted to include (`ignored` ones never are). */
  emitted: readonly string[];
  /** Types of inbound messages journaled as rejected to include. */
  rejected: readonly string[];
}

/** A journal entry of one case, for the case view and the case history. */
export interface CaseEntry {
  journalId: string;
  /** `received_at` in UTC with microseconds, exact (a position for the next page). */
  at: string;
  direction: 'in' | 'out';
  status: 'accepted' | 'emitted' | 'rejected';
  type: string;
  eventId: string | null;
  /** The contract errors of a rejected entry. */
  errors: unknown;
  /** The event as journaled; absent when not asked for, for rejected entries, and past a page's byte budget. */
  body?: Buffer;
}

/** A journal entry as the admin console shows it: every column, the body when asked for and within budget. */
export interface JournalRecord {
  id: string;
  /** `received_at` in UTC with microseconds, exact. */
  at: string;
  direction: 'in' | 'out';
  via: string;
  status: 'accepted' | 'rejected' | 'emitted' | 'ignored';
  tenant?: string;
  source?: string;
  eventId?: string;
  type?: string;
  subject?: string;
  correlationId?: string;
  dedupeKey?: string;
  routes: string[];
  errors?: unknown;
  bodySize: number;
  bodyTruncated: boolean;
  /** Whether the body was erased (data protection): the row stays, its body is gone. */
  bodyErased: boolean;
  body?: Buffer;
}

/**
 * Owner of the `journal` and `outbox` tables (an outbox row is a journal entry's message waiting
 * for its broker confirm; they are always written together). All writes of the ingress hot path in ONE statement: journal entries (de-duplicated on
 * dedupe_key, carrying their routing decision), the outbox rows of events the hub emits, and
 * case openings, the last two only for entries that are new. A submission is accepted only if
 * this statement opened its case (see STORE_SQL). One
 * statement is one implicit transaction and one round trip for a whole batch, which is what
 * lets the journal keep pace with the broker (see shared/baselines.md: batching is the lever).
 */
@Injectable()
export class JournalRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * `answerTaken` builds the message.rejected rows of submissions whose case turned out to be
   * taken; they are written in the same transaction, so the decision and its answer commit together
   * (a second statement only in that rare case: preparing an answer for every submission would
   * cost every appeal a built and validated event).
   */
  async store(entries: JournalEntry[], outbox: OutboxEntry[], cases: CaseOpening[], answerTaken: (taken: ReadonlySet<string>) => OutboxEntry[] = () => []): Promise<StoreResult> {
    // Bodies travel as ONE binary parameter with offsets: node-pg sends Buffers in binary, while a
    // bytea[] would be hex-encoded text twice the size, built and parsed for every batch.
    const offsets: number[] = [];
    let at = 1; // SQL substring() counts from 1
    for (const e of entries) {
      offsets.push(at);
      at += e.body.length;
    }
    // Outbox payloads the same way (every submission carries the answer prepared for a taken case).
    const payloadAt: number[] = [];
    at = 1;
    for (const o of outbox) {
      payloadAt.push(at);
      at += o.message.content.length;
    }
    // takenErrors is $35: only the statement that handles taken cases reads it.
    const values = (takenErrors: (string | null)[]) => [
      entries.map((e) => e.id),
      entries.map((e) => e.direction),
      entries.map((e) => e.via),
      entries.map((e) => e.status),
      entries.map((e) => e.tenant ?? null),
      entries.map((e) => e.source ?? null),
      entries.map((e) => e.eventId ?? null),
      entries.map((e) => e.type ?? null),
      entries.map((e) => e.subject ?? null),
      entries.map((e) => e.correlationId ?? null),
      entries.map((e) => e.dedupeKey ?? null),
      entries.map((e) => `{${e.routes.join(',')}}`),
      entries.map((e) => (e.errors === undefined ? null : JSON.stringify(e.errors))),
      Buffer.concat(entries.map((e) => e.body)),
      entries.map((e) => e.bodySize),
      entries.map((e) => e.bodyTruncated),
      outbox.map((o) => o.journalId),
      outbox.map((o) => o.message.exchange),
      outbox.map((o) => o.message.routingKey),
      outbox.map((o) => JSON.stringify(o.message.options)),
      payloadAt,
      cases.map((c) => c.journalId),
      cases.map((c) => c.caseId),
      cases.map((c) => c.tenant),
      cases.map((c) => c.kind),
      cases.map((c) => c.caseRef),
      cases.map((c) => c.status),
      cases.map((c) => c.statusAt),
      cases.map((c) => c.actor),
      offsets,
      entries.map((e) => e.body.length),
      cases.map((c) => c.citizenRef ?? null),
      cases.map((c) => c.recipient ?? null),
      entries.map((e) => e.opensCase?.caseId ?? null),
      takenErrors,
      outbox.map((o) => o.message.content.length),
      Buffer.concat(outbox.map((o) => o.message.content)),
    ];
    // The common case, no submission finding its case taken, is ONE statement in its own implicit
    // transaction: one round trip per batch. A statement that meets a taken case aborts itself
    // (SQLSTATE HC001, nothing written) and the batch is written again in an explicit
    // transaction, where the answers to those submissions commit with the decision.
    try {
      return this.rows((await poolOf(this.db).query<StoreRow>({ name: 'hub.journal.store', text: STORE_SQL, values: values([]) })).rows);
    } catch (e) {
      if ((e as { code?: unknown }).code !== CASE_TAKEN) throw e;
    }
    const withTakenErrors = values(entries.map((e) => (e.opensCase ? JSON.stringify(e.opensCase.caseTakenErrors()) : null)));
    return inTransaction(poolOf(this.db), async (tx) => {
      const result = this.rows((await tx.query<StoreRow>({ name: 'hub.journal.store-taken', text: STORE_TAKEN_SQL, values: withTakenErrors })).rows);
      if (result.caseTaken.size) result.outbox.push(...(await this.insertOutbox(tx, answerTaken(result.caseTaken))));
      return result;
    });
  }

  private rows(rows: StoreRow[]): StoreResult {
    const result: StoreResult = { inserted: new Set(), caseTaken: new Set(), outbox: [] };
    for (const r of rows) {
      if (r.k === 'j') {
        result.inserted.add(r.id);
        if (r.taken) result.caseTaken.add(r.id);
      } else result.outbox.push({ id: String(r.oid), journalId: r.id });
    }
    return result;
  }

  /** Outbox rows for journal entries written in `tx`; returns their ids. */
  private async insertOutbox(tx: PoolClient, rows: readonly OutboxEntry[]): Promise<{ id: string; journalId: string }[]> {
    if (!rows.length) return [];
    const res = await tx.query<{ id: string; journal_id: string }>(
      `INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload)
       SELECT journal_id, exchange, routing_key, properties::jsonb, payload FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY AS x(journal_id, exchange, routing_key, properties, payload, n)
       ORDER BY n RETURNING id::text AS id, journal_id::text AS journal_id`,
      [
        rows.map((r) => r.journalId),
        rows.map((r) => r.message.exchange),
        rows.map((r) => r.message.routingKey),
        rows.map((r) => JSON.stringify(r.message.options)),
        rows.map((r) => r.message.content),
      ],
    );
    return res.rows.map((r) => ({ id: r.id, journalId: r.journal_id }));
  }

  /** Accepted entries by de-duplication key (source + newline + id). */
  async findAccepted(dedupeKeys: string[]): Promise<AcceptedEntry[]> {
    const rows: { id: string; dedupe_key: string; event_id: string; tenant: string; type: string; source: string; correlation_id: string | null; routes: string[] }[] = await this.db.query(
      'SELECT id::text AS id, dedupe_key, event_id, tenant, type, source, correlation_id, routes FROM journal WHERE dedupe_key = ANY($1::text[])',
      [dedupeKeys],
    );
    return rows.map((r) => ({
      id: r.id,
      dedupeKey: r.dedupe_key,
      eventId: r.event_id,
      tenant: r.tenant,
      type: r.type,
      source: r.source,
      correlationId: r.correlation_id ?? undefined,
      routes: r.routes,
    }));
  }

  /**
   * Journals events the hub emits (`out`, `emitted` or `ignored`) and writes the outbox rows of
   * the emitted ones, in ONE statement in the caller's transaction: on the notification path every
   * round trip to the database counts. Returns the outbox id per journal id.
   */
  async insertEmitted(tx: PoolClient, rows: readonly EmittedRow[]): Promise<Map<string, string>> {
    if (!rows.length) return new Map();
    const offsets: number[] = [];
    let at = 1;
    for (const r of rows) {
      offsets.push(at);
      at += r.message.content.length;
    }
    const res = await tx.query<{ id: string; journal_id: string }>(EMIT_SQL, [
      rows.map((r) => r.journalId),
      rows.map((r) => r.event.tenant),
      rows.map((r) => r.event.source),
      rows.map((r) => r.event.id),
      rows.map((r) => r.event.type),
      rows.map((r) => r.event.subject ?? null),
      rows.map((r) => (r.event.correlationid === undefined ? null : String(r.event.correlationid))),
      offsets,
      rows.map((r) => r.message.content.length),
      Buffer.concat(rows.map((r) => r.message.content)),
      rows.map((r) => r.message.exchange),
      rows.map((r) => r.message.routingKey),
      rows.map((r) => JSON.stringify(r.message.options)),
      rows.map((r) => r.via),
      rows.map((r) => (r.ignored ? 'ignored' : 'emitted')),
      rows.map((r) => r.dedupeKey ?? null),
    ]);
    return new Map(res.rows.map((x) => [x.journal_id, x.id]));
  }

  /** Which of `keys` are de-duplication keys of journal entries already (committed, or written in `tx`). */
  async knownKeys(tx: PoolClient | undefined, keys: readonly string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const sql = 'SELECT dedupe_key FROM journal WHERE dedupe_key = ANY($1::text[])';
    const rows: { dedupe_key: string }[] = tx ? (await tx.query<{ dedupe_key: string }>(sql, [keys])).rows : await this.db.query(sql, [keys]);
    return new Set(rows.map((r) => r.dedupe_key));
  }

  /**
   * Journals what the hub checked about an event's files (digests, signatures) once per event:
   * the entry's dedupe key is `files` + the event's source and id, so a redelivered event finds
   * the first verdict instead of writing a second. Returns the verdict that stands, and whether
   * this call wrote it.
   */
  async insertFileEvidence(
    tx: PoolClient,
    e: { id: string; tenant: string; source: string; eventId: string; subject?: string; correlationId?: string; status: 'accepted' | 'rejected'; errors?: unknown; body: Buffer },
  ): Promise<{ written: boolean; status: 'accepted' | 'rejected'; id: string }> {
    const key = `files\n${e.source}\n${e.eventId}`;
    const res = await tx.query<{ id: string }>(
      `INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id, dedupe_key, errors, body, body_size)
       VALUES ($1, 'in', 'files', $2, $3, $4, $5, 'files.checked', $6, $7, $8, $9, $10, $11) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id::text AS id`,
      [e.id, e.status, e.tenant, e.source, e.eventId, e.subject ?? null, e.correlationId ?? null, key, e.errors === undefined ? null : JSON.stringify(e.errors), e.body, e.body.length],
    );
    if (res.rows.length) return { written: true, status: e.status, id: res.rows[0].id };
    const prior = await tx.query<{ id: string; status: 'accepted' | 'rejected' }>('SELECT id::text AS id, status FROM journal WHERE dedupe_key = $1', [key]);
    return { written: false, status: prior.rows[0].status, id: prior.rows[0].id };
  }

  /** How an inbound event reached the hub (`amqp` or `http`), by its journal id. */
  async viaOf(journalId: string): Promise<string | undefined> {
    const rows: { via: string }[] = await this.db.query('SELECT via FROM journal WHERE id = $1', [journalId]);
    return rows[0]?.via;
  }

  /**
   * One page of a case's journal entries in journal order, after `after` when given: one ordered
   * range of journal_case_idx (tenant, subject, received_at, id). Bodies are returned while the
   * page's bodies add up to less than `bodyBudget` bytes (the first always): the caller ends the
   * page at the first entry without its body, so a case full of large inline files costs bounded
   * memory per page, not `limit` times the largest message.
   */
  async casePage(tx: PoolClient, f: CaseEntryFilter, page: { after?: JournalPosition; limit: number; bodyBudget: number }): Promise<CaseEntry[]> {
    const params: unknown[] = [f.tenant, f.subject, f.accepted, f.emitted, f.rejected, page.limit, page.bodyBudget];
    const after = page.after ? `AND (received_at, id) > ($8::timestamptz, $9::uuid)` : '';
    if (page.after) params.push(page.after.at, page.after.id);
    const r = await tx.query<CaseEntryRow>(
      `SELECT journal_id, at, direction, status, type, event_id, errors,
              CASE WHEN status <> 'rejected' AND sum(len) OVER (ORDER BY received_at, id ROWS UNBOUNDED PRECEDING) - len < $7 THEN body END AS body
         FROM (SELECT id, received_at, id::text AS journal_id, ${UTC_MICROS} AS at, direction, status, type, event_id, errors, body,
                      CASE WHEN status = 'rejected' THEN 0 ELSE coalesce(octet_length(body), 0) END AS len
                 FROM journal
                WHERE ${CASE_ENTRIES} ${after}
                ORDER BY received_at, id
                LIMIT $6) page
        ORDER BY received_at, id`,
      params,
    );
    return r.rows.map(caseEntry);
  }

  /**
   * Every entry of a case in journal order, with the bodies of the entries whose type is in
   * `bodiesOf` and of the last entry that is no rejection only (the case view needs dates from
   * those; a case's many documents stay unread).
   */
  async caseEntries(tx: PoolClient, f: CaseEntryFilter, bodiesOf: readonly string[]): Promise<CaseEntry[]> {
    const r = await tx.query<CaseEntryRow>(
      `SELECT id::text AS journal_id, ${UTC_MICROS} AS at, direction, status, type, event_id, errors,
              CASE WHEN status <> 'rejected' AND (type = ANY($6::text[]) OR row_number() OVER (PARTITION BY status = 'rejected' ORDER BY received_at DESC, id DESC) = 1) THEN body END AS body
         FROM journal
        WHERE ${CASE_ENTRIES}
        ORDER BY received_at, id`,
      [f.tenant, f.subject, f.accepted, f.emitted, f.rejected, bodiesOf],
    );
    return r.rows.map(caseEntry);
  }

  /**
   * The first accepted event of `type` of each of these cases (tenant, subject), with its body:
   * one ordered range of journal_case_idx per case, in one statement.
   */
  async firstAcceptedOf(tx: PoolClient, tenant: string, subjects: readonly string[], type: string): Promise<Map<string, Buffer>> {
    if (!subjects.length) return new Map();
    const r = await tx.query<{ subject: string; body: Buffer }>(
      `SELECT DISTINCT ON (subject) subject, body FROM journal
        WHERE tenant = $1 AND subject = ANY($2::text[]) AND direction = 'in' AND status = 'accepted' AND type = $3 AND body IS NOT NULL
        ORDER BY subject, received_at, id`,
      [tenant, subjects, type],
    );
    return new Map(r.rows.map((x) => [x.subject, x.body]));
  }

  /**
   * Every journal entry about one case (tenant, subject), in journal order, by journal_case_idx:
   * what came in, what was refused, what the hub emitted. Bodies come while they add up to less
   * than `bodyBudget` bytes (the admin timeline reads registration numbers, authors and dates
   * from them); past the budget the entries come without.
   */
  async caseRecords(tx: PoolClient, tenant: string, subject: string, page: { limit: number; bodyBudget: number }): Promise<JournalRecord[]> {
    const r = await tx.query<JournalDbRow>(
      `SELECT ${RECORD_COLUMNS.replace('body,', `CASE WHEN sum(coalesce(octet_length(body), 0)) OVER (ORDER BY received_at, id ROWS UNBOUNDED PRECEDING) <= $4 THEN body END AS body,`)}
         FROM journal WHERE tenant = $1 AND subject = $2 ORDER BY received_at, id LIMIT $3`,
      [tenant, subject, page.limit, page.bodyBudget],
    );
    return r.rows.map(journalRecord);
  }

  /** One journal entry of a tenant with its body; undefined when the tenant has none with this id. */
  async record(tx: PoolClient, tenant: string, id: string): Promise<JournalRecord | undefined> {
    const r = await tx.query<JournalDbRow>(`SELECT ${RECORD_COLUMNS} FROM journal WHERE id = $1::uuid AND tenant = $2`, [id, tenant]);
    return r.rows[0] ? journalRecord(r.rows[0]) : undefined;
  }

  /**
   * A condition of the admin case search: the case has a journal entry with this CloudEvents id.
   * There is no index on event_id (one more index on the ingress hot path would slow every
   * batch), so this probes journal_case_idx once per case of the tenant: an admin's occasional
   * cost instead of every appeal's.
   */
  eventCondition(p: SqlParams, c: CaseColumns, eventId: string): CaseCondition {
    return { sql: `EXISTS (SELECT 1 FROM journal j WHERE j.tenant = ${c.tenant} AND j.subject = ${c.caseRef} AND j.event_id = ${p.add(eventId)})` };
  }

  /** A condition of the admin case search: a message of the case was routed to this adapter instance, or a result of it came from there. */
  adapterCondition(p: SqlParams, c: CaseColumns, adapter: string): CaseCondition {
    const a = p.add(adapter);
    return { sql: `EXISTS (SELECT 1 FROM journal j WHERE j.tenant = ${c.tenant} AND j.subject = ${c.caseRef} AND (${a} = ANY(j.routes) OR j.via = 'adapter:' || ${a}))` };
  }

  /** Journals a provider callback as evidence (cut by the caller), accepted or rejected. */
  async insertCallback(tx: PoolClient, c: { id: string; via: string; status: 'accepted' | 'rejected'; errors?: unknown; body: Buffer; bodySize: number }): Promise<void> {
    await tx.query(`INSERT INTO journal (id, direction, via, status, type, errors, body, body_size, body_truncated) VALUES ($1, 'in', $2, $3, 'webhook', $4, $5, $6, $7)`, [
      c.id,
      c.via,
      c.status,
      c.errors === undefined ? null : JSON.stringify(c.errors),
      c.body,
      c.bodySize,
      c.bodySize > c.body.length,
    ]);
  }

  /**
   * Erases the body of one journal entry (data protection) through hub_erase_journal_body: the
   * only change the append-only journal permits. The entry must be chained already, so its
   * payload digest stays in the chain; the erasure is written as an audit line with the reason
   * and the actor, itself chained. Throws with SQLSTATE HC004 when the entry is not chained yet.
   */
  async eraseBody(id: string, reason: string, actor: string): Promise<void> {
    await this.db.query('SELECT hub_erase_journal_body($1::uuid, $2, $3)', [id, reason, actor]);
  }

  /** Removes outbox rows whose messages the broker confirmed. */
  async markPublished(outboxIds: string[]): Promise<void> {
    if (outboxIds.length) await this.db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [outboxIds]);
  }

  /**
   * The relay's view of the outbox: locks up to `limit` rows older than `graceMs` (rows the fast
   * path did not finish: crash, broker outage), hands them to `publish`, and deletes the ones it
   * reports as confirmed, all in one transaction. SKIP LOCKED keeps a second relay (during a
   * leadership hand-over) off the same rows.
   */
  async relayOutbox(graceMs: number, limit: number, publish: (messages: OutgoingMessage[]) => Promise<string[]>): Promise<number> {
    return inTransaction(poolOf(this.db), async (tx) => {
      const rows = (
        await tx.query<OutboxRow>(
          `SELECT o.id::text AS id, o.exchange, o.routing_key, o.properties, o.payload
             FROM outbox o
            WHERE o.created_at < now() - make_interval(secs => $1::double precision / 1000)
            ORDER BY o.id
            LIMIT $2
            FOR UPDATE SKIP LOCKED`,
          [graceMs, limit],
        )
      ).rows;
      const done = rows.length ? await publish(rows.map((r) => ({ outboxId: r.id, exchange: r.exchange, routingKey: r.routing_key, options: r.properties, content: r.payload }))) : [];
      if (done.length) await tx.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
      return done.length;
    });
  }
}

/** received_at as an exact RFC 3339 text: JavaScript dates keep milliseconds, the column microseconds. */
const UTC_MICROS = `to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The entries of one case ($1 tenant, $2 subject) of the wanted types ($3 accepted, $4 emitted, $5 rejected). */
const CASE_ENTRIES = `tenant = $1 AND subject = $2
  AND ((direction = 'in' AND status = 'accepted' AND type = ANY($3::text[]))
    OR (direction = 'out' AND status = 'emitted' AND type = ANY($4::text[]))
    OR (direction = 'in' AND status = 'rejected' AND type = ANY($5::text[])))`;

const RECORD_COLUMNS = `id::text AS id, ${UTC_MICROS} AS at, direction, via, status, tenant, source, event_id, type, subject, correlation_id, dedupe_key, routes, errors,
       body, body_size, body_truncated, (body IS NULL AND body_size > 0) AS body_erased`;

type JournalDbRow = {
  id: string;
  at: string;
  direction: 'in' | 'out';
  via: string;
  status: JournalRecord['status'];
  tenant: string | null;
  source: string | null;
  event_id: string | null;
  type: string | null;
  subject: string | null;
  correlation_id: string | null;
  dedupe_key: string | null;
  routes: string[];
  errors: unknown;
  body: Buffer | null;
  body_size: number;
  body_truncated: boolean;
  body_erased: boolean;
};

function journalRecord(r: JournalDbRow): JournalRecord {
  const opt = <K extends string>(k: K, v: string | null) => (v === null ? {} : ({ [k]: v } as Record<K, string>));
  return {
    id: r.id,
    at: r.at,
    direction: r.direction,
    via: r.via,
    status: r.status,
    ...opt('tenant', r.tenant),
    ...opt('source', r.source),
    ...opt('eventId', r.event_id),
    ...opt('type', r.type),
    ...opt('subject', r.subject),
    ...opt('correlationId', r.correlation_id),
    ...opt('dedupeKey', r.dedupe_key),
    routes: r.routes ?? [],
    ...(r.errors !== null && r.errors !== undefined ? { errors: r.errors } : {}),
    bodySize: r.body_size,
    bodyTruncated: r.body_truncated,
    bodyErased: r.body_erased,
    ...(r.body ? { body: r.body } : {}),
  };
}

type CaseEntryRow = { journal_id: string; at: string; direction: 'in' | 'out'; status: CaseEntry['status']; type: string; event_id: string | null; errors: unknown; body: Buffer | null };

function caseEntry(r: CaseEntryRow): CaseEntry {
  return { journalId: r.journal_id, at: r.at, direction: r.direction, status: r.status, type: r.type, eventId: r.event_id, errors: r.errors, ...(r.body ? { body: r.body } : {}) };
}

const EMIT_SQL = `
WITH x AS (
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
    WITH ORDINALITY AS x(journal_id, tenant, source, event_id, type, subject, correlation_id, body_at, body_len, exchange, routing_key, properties, via, status, dedupe_key, n)
), j AS (
  INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id, dedupe_key, body, body_size)
  SELECT journal_id, 'out', via, status, tenant, source, event_id, type, subject, correlation_id, dedupe_key, substring($10::bytea FROM body_at FOR body_len), body_len FROM x
)
INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload)
SELECT journal_id, exchange, routing_key, properties::jsonb, substring($10::bytea FROM body_at FOR body_len) FROM x WHERE status = 'emitted' ORDER BY n
RETURNING id::text AS id, journal_id::text AS journal_id`;

/*
 * Cases are opened FIRST, and a submission is accepted only if its own case row was inserted by
 * this statement. The case id is derived from (tenant, kind, case_ref), so a second submission for
 * the same case collides on the primary key: with the first one committed it sees the row; with
 * the first one in flight (another batch, another hub instance) PostgreSQL makes it wait for that
 * transaction and then skips. Either way exactly one submission wins, without a lock or a second
 * round trip. The loser is written as rejected (the `taken` flag), keeps its dedupe_key (so an
 * exact resend of it stays a duplicate, as the CloudEvents (source, id) identity says) and gets
 * the message.rejected outbox row the pipeline prepared for that outcome. A resend of an event the
 * journal already has never opens a case (its case is the original's). Cases are inserted in id
 * order so two batches opening the same cases wait for each other instead of deadlocking.
 */
const STORE_TEMPLATE = `
WITH known AS MATERIALIZED (
  -- Entries the journal already has (resends): looked up once per batch, not once per case.
  SELECT e.id FROM unnest($1::uuid[], $11::text[]) AS e(id, dedupe_key) JOIN journal jj ON jj.dedupe_key = e.dedupe_key
), c AS (
  INSERT INTO cases (id, tenant, kind, case_ref, status, status_at, citizen_ref, recipient)
  SELECT x.case_id, x.tenant, x.kind, x.case_ref, x.status, x.status_at, x.citizen_ref, x.recipient::jsonb
  FROM unnest($22::uuid[], $23::uuid[], $24::text[], $25::text[], $26::text[], $27::text[], $28::timestamptz[], $29::text[], $32::text[], $33::text[])
       AS x(journal_id, case_id, tenant, kind, case_ref, status, status_at, actor, citizen_ref, recipient)
  WHERE x.journal_id NOT IN (SELECT id FROM known)
  ORDER BY x.case_id
  -- No arbiter: the primary key or UNIQUE (tenant, kind, case_ref) may collide first; either way the case is taken.
  ON CONFLICT DO NOTHING
  RETURNING id, status
), taken AS (
  -- Submissions whose case this statement did not open.
  SELECT e.id FROM unnest($1::uuid[], $34::uuid[]) AS e(id, case_id)
  WHERE e.case_id IS NOT NULL
    AND e.id NOT IN (SELECT x.journal_id FROM c JOIN unnest($23::uuid[], $22::uuid[]) AS x(case_id, journal_id) ON x.case_id = c.id)
), j AS (
  INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id,
                       dedupe_key, routes, errors, body, body_size, body_truncated)
  SELECT x.id, x.direction, x.via, CASE WHEN t.taken THEN 'rejected' ELSE x.status END,
         x.tenant, x.source, x.event_id, x.type, x.subject, x.correlation_id,
         x.dedupe_key, CASE WHEN t.taken THEN '{}' ELSE x.routes END::text[], (CASE WHEN t.taken THEN x.taken_errors ELSE x.errors END)::jsonb,
         substring($14::bytea FROM x.body_at FOR x.body_len), x.body_size, x.body_truncated
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
              $10::text[], $11::text[], $12::text[], $13::text[], $30::int[], $31::int[], $15::int[], $16::bool[], $34::uuid[], $35::text[])
       AS x(id, direction, via, status, tenant, source, event_id, type, subject, correlation_id,
            dedupe_key, routes, errors, body_at, body_len, body_size, body_truncated, case_id, taken_errors)
  CROSS JOIN LATERAL (SELECT x.id IN (SELECT id FROM taken) AS taken) t
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id
), o AS (
  INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload)
  SELECT x.journal_id, x.exchange, x.routing_key, x.properties::jsonb, substring($37::bytea FROM x.payload_at FOR x.payload_len)
  FROM unnest($17::uuid[], $18::text[], $19::text[], $20::text[], $21::int[], $36::int[]) WITH ORDINALITY
       AS x(journal_id, exchange, routing_key, properties, payload_at, payload_len, n)
  JOIN j ON j.id = x.journal_id
  ORDER BY x.n
  RETURNING id, journal_id
), a AS (
  INSERT INTO audit_log (entity, entity_id, attribute, old_value, new_value, actor, journal_id)
  SELECT 'case', c.id, 'status', NULL, c.status, x.actor, x.journal_id
  FROM c JOIN unnest($23::uuid[], $22::uuid[], $29::text[]) AS x(case_id, journal_id, actor) ON x.case_id = c.id
)
SELECT 'j' AS k, j.id::text AS id, NULL::text AS oid, __TAKEN__ AS taken FROM j
UNION ALL
SELECT 'o' AS k, journal_id::text AS id, id::text AS oid, NULL AS taken FROM o`;

/** SQLSTATE of hub_case_taken() (see the ingress-case-taken migration). */
const CASE_TAKEN = 'HC001';
type StoreRow = { k: string; id: string; oid: string | null; taken: boolean | null };
/** The batch statement on its own: it aborts when a new entry's case is taken. */
const STORE_SQL = STORE_TEMPLATE.replace('__TAKEN__', 'CASE WHEN j.id IN (SELECT id FROM taken) THEN hub_case_taken() ELSE false END');
/** The same inside an explicit transaction, which then writes the answers to the taken ones. */
const STORE_TAKEN_SQL = STORE_TEMPLATE.replace('__TAKEN__', 'j.id IN (SELECT id FROM taken)');
