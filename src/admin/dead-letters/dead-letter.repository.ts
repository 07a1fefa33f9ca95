import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { DiffEntry, NewDeadLetter } from './dead-letter.mapper';

/** What a dead letter can be: kept (waiting), redriving (in a running plan), or finished one of three ways. */
export type DeadLetterStatus = 'kept' | 'redriving' | 'redriven' | 'discarded' | 'replayed';

/** A stored dead letter without its body. */
export interface DeadLetterRow {
  id: string;
  queue: string;
  tenant: string;
  messageId?: string;
  eventId?: string;
  type?: string;
  caseRef?: string;
  caseId?: string;
  originalExchange?: string;
  originalRoutingKey?: string;
  reason: string;
  errorClass: string;
  attempts: number;
  failedAt: Date;
  status: DeadLetterStatus;
  planId?: string;
  redriveCount: number;
  keptAt: Date;
  updatedAt: Date;
}

/** A dead letter with what it takes to send it again. */
export interface DeadLetterFull extends DeadLetterRow {
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  body: Buffer;
}

/** Filters of the list (all from the URL). */
export interface DeadLetterFilter {
  tenant: string;
  queue?: string;
  statuses?: readonly DeadLetterStatus[];
  errorClass?: string;
  caseRef?: string;
  type?: string;
  from?: Date;
  to?: Date;
}

/** A redrive plan and, once started, its job's progress. */
export interface PlanRow {
  id: string;
  tenant: string;
  queue?: string;
  filters: Record<string, unknown>;
  letterIds: string[];
  total: number;
  breach24h: number;
  status: 'planned' | 'running' | 'cancelled' | 'done';
  ratePerSecond?: number;
  position: number;
  redriven: number;
  skipped: number;
  createdBy: string;
  createdAt: Date;
  startedBy?: string;
  startReason?: string;
  startedAt?: Date;
  cancelledBy?: string;
  cancelReason?: string;
  cancelledAt?: Date;
  finishedAt?: Date;
  lastError?: string;
}

/** An edited body proposed for replay. */
export interface EditRow {
  id: string;
  deadLetterId: string;
  tenant: string;
  body: Buffer;
  diff: DiffEntry[];
  citizenData: boolean;
  status: 'pending' | 'rejected' | 'replayed';
  proposedBy: string;
  reason: string;
  proposedAt: Date;
  decidedBy?: string;
  decisionReason?: string;
  decidedAt?: Date;
  newMessageId?: string;
}

const COLS = `id::text AS id, queue, tenant, message_id, event_id, type, case_ref, case_id::text AS case_id, original_exchange, original_routing_key, reason, error_class,
  attempts, failed_at, status, plan_id::text AS plan_id, redrive_count, kept_at, updated_at`;

type Row = Record<string, unknown>;

const opt = <K extends string>(k: K, v: unknown): Partial<Record<K, string>> => (v === null || v === undefined ? {} : ({ [k]: String(v) } as Record<K, string>));

function letter(x: Row): DeadLetterRow {
  return {
    id: x.id as string,
    queue: x.queue as string,
    tenant: x.tenant as string,
    ...opt('messageId', x.message_id),
    ...opt('eventId', x.event_id),
    ...opt('type', x.type),
    ...opt('caseRef', x.case_ref),
    ...opt('caseId', x.case_id),
    ...opt('originalExchange', x.original_exchange),
    ...opt('originalRoutingKey', x.original_routing_key),
    reason: x.reason as string,
    errorClass: x.error_class as string,
    attempts: x.attempts as number,
    failedAt: x.failed_at as Date,
    status: x.status as DeadLetterStatus,
    ...opt('planId', x.plan_id),
    redriveCount: x.redrive_count as number,
    keptAt: x.kept_at as Date,
    updatedAt: x.updated_at as Date,
  };
}

function plan(x: Row): PlanRow {
  const d = (k: string) => (x[k] ? { [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())]: x[k] as Date } : {});
  return {
    id: x.id as string,
    tenant: x.tenant as string,
    ...opt('queue', x.queue),
    filters: (x.filters as Record<string, unknown>) ?? {},
    letterIds: x.letter_ids as string[],
    total: x.total as number,
    breach24h: x.breach_24h as number,
    status: x.status as PlanRow['status'],
    ...(x.rate_per_second !== null ? { ratePerSecond: x.rate_per_second as number } : {}),
    position: x.position as number,
    redriven: x.redriven as number,
    skipped: x.skipped as number,
    createdBy: x.created_by as string,
    createdAt: x.created_at as Date,
    ...opt('startedBy', x.started_by),
    ...opt('startReason', x.start_reason),
    ...d('started_at'),
    ...opt('cancelledBy', x.cancelled_by),
    ...opt('cancelReason', x.cancel_reason),
    ...d('cancelled_at'),
    ...d('finished_at'),
    ...opt('lastError', x.last_error),
  };
}

function edit(x: Row): EditRow {
  return {
    id: x.id as string,
    deadLetterId: x.dead_letter_id as string,
    tenant: x.tenant as string,
    body: x.body as Buffer,
    diff: x.diff as DiffEntry[],
    citizenData: x.citizen_data as boolean,
    status: x.status as EditRow['status'],
    proposedBy: x.proposed_by as string,
    reason: x.reason as string,
    proposedAt: x.proposed_at as Date,
    ...opt('decidedBy', x.decided_by),
    ...opt('decisionReason', x.decision_reason),
    ...(x.decided_at ? { decidedAt: x.decided_at as Date } : {}),
    ...opt('newMessageId', x.new_message_id),
  };
}

const PLAN_COLS = `id::text AS id, tenant, queue, filters, letter_ids::text[] AS letter_ids, total, breach_24h, status, rate_per_second, position, redriven, skipped,
  created_by, created_at, started_by, start_reason, started_at, cancelled_by, cancel_reason, cancelled_at, finished_at, last_error`;
const EDIT_COLS = `id::text AS id, dead_letter_id::text AS dead_letter_id, tenant, body, diff, citizen_data, status, proposed_by, reason, proposed_at, decided_by, decision_reason, decided_at, new_message_id`;

/**
 * Owner of `dead_letter`, `dead_letter_plan` and `dead_letter_edit`; every method runs in the
 * caller's transaction and filters by tenant, so one tenant's operator never reaches another's.
 */
@Injectable()
export class DeadLetterRepository {
  /** Stores a letter once (by its keep key); true when this call stored it, false for a repeat. */
  async keep(tx: PoolClient, l: NewDeadLetter & { caseId?: string }): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO dead_letter (id, keep_key, queue, tenant, message_id, event_id, type, case_ref, case_id, original_exchange, original_routing_key, reason, error_class, attempts,
                                failed_at, headers, properties, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid, $10, $11, $12, $13, $14, $15, $16::jsonb, $17::jsonb, $18)
       ON CONFLICT (keep_key) DO NOTHING`,
      [
        uuidv7(),
        l.keepKey,
        l.queue,
        l.tenant,
        l.messageId ?? null,
        l.eventId ?? null,
        l.type ?? null,
        l.caseRef ?? null,
        l.caseId ?? null,
        l.originalExchange ?? null,
        l.originalRoutingKey ?? null,
        l.reason,
        l.errorClass,
        l.attempts,
        l.failedAt,
        JSON.stringify(l.headers),
        JSON.stringify(l.properties),
        l.body,
      ],
    );
    return r.rowCount === 1;
  }

  /** Letters per queue and status in a tenant (the console's first view). */
  async counts(tx: PoolClient, tenant: string): Promise<{ queue: string; status: DeadLetterStatus; n: number }[]> {
    const r = await tx.query<{ queue: string; status: DeadLetterStatus; n: number }>(
      'SELECT queue, status, count(*)::int AS n FROM dead_letter WHERE tenant = $1 GROUP BY queue, status ORDER BY queue, status',
      [tenant],
    );
    return r.rows;
  }

  /** Letters matching the filters, newest failure first, after a (failed_at, id) position. */
  async list(tx: PoolClient, f: DeadLetterFilter, limit: number, before?: { at: Date; id: string }): Promise<DeadLetterRow[]> {
    const r = await tx.query(
      `SELECT ${COLS} FROM dead_letter
        WHERE tenant = $1 AND ($2::text IS NULL OR queue = $2) AND ($3::text[] IS NULL OR status = ANY($3::text[])) AND ($4::text IS NULL OR error_class = $4)
          AND ($5::text IS NULL OR case_ref = $5) AND ($6::text IS NULL OR type = $6) AND ($7::timestamptz IS NULL OR failed_at >= $7) AND ($8::timestamptz IS NULL OR failed_at < $8)
          AND ($9::timestamptz IS NULL OR (failed_at, id) < ($9, $10::uuid))
        ORDER BY failed_at DESC, id DESC LIMIT $11`,
      [
        f.tenant,
        f.queue ?? null,
        f.statuses?.length ? f.statuses : null,
        f.errorClass ?? null,
        f.caseRef ?? null,
        f.type ?? null,
        f.from ?? null,
        f.to ?? null,
        before?.at ?? null,
        before?.id ?? null,
        limit,
      ],
    );
    return r.rows.map(letter);
  }

  /** One letter with headers, properties and body; `lock` holds it until the transaction ends. */
  async get(tx: PoolClient, tenant: string, id: string, lock = false): Promise<DeadLetterFull | undefined> {
    const r = await tx.query(`SELECT ${COLS}, headers, properties, body FROM dead_letter WHERE tenant = $1 AND id = $2::uuid${lock ? ' FOR UPDATE' : ''}`, [tenant, id]);
    const x = r.rows[0];
    return x ? { ...letter(x), headers: x.headers, properties: x.properties, body: x.body } : undefined;
  }

  /** The dead letters of one case, oldest first (the case timeline shows them). */
  async forCase(tx: PoolClient, tenant: string, caseId: string): Promise<{ id: string; queue: string; reason: string; failedAt: Date; status: DeadLetterStatus }[]> {
    const r = await tx.query<{ id: string; queue: string; reason: string; failed_at: Date; status: DeadLetterStatus }>(
      `SELECT id::text AS id, queue, reason, failed_at, status FROM dead_letter WHERE tenant = $1 AND case_id = $2::uuid ORDER BY failed_at, id`,
      [tenant, caseId],
    );
    return r.rows.map((x) => ({ id: x.id, queue: x.queue, reason: x.reason, failedAt: x.failed_at, status: x.status }));
  }

  /** Sets a letter's status (and plan, and redrive count when `redriven`). */
  async setStatus(tx: PoolClient, id: string, status: DeadLetterStatus, o: { planId?: string | null; countRedrive?: boolean } = {}): Promise<void> {
    await tx.query(
      `UPDATE dead_letter SET status = $2, plan_id = CASE WHEN $3::boolean THEN $4::uuid ELSE plan_id END, redrive_count = redrive_count + CASE WHEN $5::boolean THEN 1 ELSE 0 END, updated_at = now()
        WHERE id = $1::uuid`,
      [id, status, o.planId !== undefined, o.planId ?? null, o.countRedrive === true],
    );
  }

  /** Saves a plan. */
  async insertPlan(tx: PoolClient, p: { tenant: string; queue?: string; filters: Record<string, unknown>; letterIds: string[]; breach24h: number; createdBy: string }): Promise<PlanRow> {
    const r = await tx.query(
      `INSERT INTO dead_letter_plan (id, tenant, queue, filters, letter_ids, total, breach_24h, created_by) VALUES ($1, $2, $3, $4::jsonb, $5::uuid[], $6, $7, $8) RETURNING ${PLAN_COLS}`,
      [uuidv7(), p.tenant, p.queue ?? null, JSON.stringify(p.filters), p.letterIds, p.letterIds.length, p.breach24h, p.createdBy],
    );
    return plan(r.rows[0]);
  }

  /** A tenant's plan; `lock` holds it (the job's unit of work, start and cancel). */
  async getPlan(tx: PoolClient, tenant: string, id: string, lock = false): Promise<PlanRow | undefined> {
    const r = await tx.query(`SELECT ${PLAN_COLS} FROM dead_letter_plan WHERE tenant = $1 AND id = $2::uuid${lock ? ' FOR UPDATE' : ''}`, [tenant, id]);
    return r.rows[0] ? plan(r.rows[0]) : undefined;
  }

  /** A tenant's recent plans, newest first. */
  async plans(tx: PoolClient, tenant: string, limit: number): Promise<PlanRow[]> {
    const r = await tx.query(`SELECT ${PLAN_COLS} FROM dead_letter_plan WHERE tenant = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [tenant, limit]);
    return r.rows.map(plan);
  }

  /** Running plans of every tenant, longest running first (the job resumes them in this order). */
  async runningPlans(tx: PoolClient): Promise<{ id: string; tenant: string }[]> {
    const r = await tx.query<{ id: string; tenant: string }>(`SELECT id::text AS id, tenant FROM dead_letter_plan WHERE status = 'running' ORDER BY started_at, id`);
    return r.rows;
  }

  /** Marks a plan started; its letters still kept become `redriving` (held for it). */
  async startPlan(tx: PoolClient, id: string, s: { actor: string; reason: string; ratePerSecond: number }): Promise<number> {
    await tx.query(`UPDATE dead_letter_plan SET status = 'running', started_by = $2, start_reason = $3, rate_per_second = $4, started_at = now() WHERE id = $1::uuid`, [
      id,
      s.actor,
      s.reason,
      s.ratePerSecond,
    ]);
    const r = await tx.query(
      `UPDATE dead_letter d SET status = 'redriving', plan_id = p.id, updated_at = now() FROM dead_letter_plan p
        WHERE p.id = $1::uuid AND d.id = ANY(p.letter_ids) AND d.tenant = p.tenant AND d.status = 'kept'`,
      [id],
    );
    return r.rowCount ?? 0;
  }

  /** Ends a plan (cancelled or done); letters it still held go back to `kept`. Returns how many. */
  async endPlan(tx: PoolClient, id: string, e: { status: 'cancelled' | 'done'; actor?: string; reason?: string }): Promise<number> {
    await tx.query(
      `UPDATE dead_letter_plan SET status = $2, finished_at = now(),
              cancelled_by = CASE WHEN $2 = 'cancelled' THEN $3 END, cancel_reason = CASE WHEN $2 = 'cancelled' THEN $4 END, cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() END
        WHERE id = $1::uuid`,
      [id, e.status, e.actor ?? null, e.reason ?? null],
    );
    const r = await tx.query(`UPDATE dead_letter SET status = 'kept', plan_id = NULL, updated_at = now() WHERE plan_id = $1::uuid AND status = 'redriving'`, [id]);
    return r.rowCount ?? 0;
  }

  /** Moves a running plan on by one letter (redriven or skipped). */
  async advancePlan(tx: PoolClient, id: string, redriven: boolean): Promise<void> {
    await tx.query(
      `UPDATE dead_letter_plan SET position = position + 1, redriven = redriven + CASE WHEN $2::boolean THEN 1 ELSE 0 END, skipped = skipped + CASE WHEN $2::boolean THEN 0 ELSE 1 END, last_error = NULL
        WHERE id = $1::uuid`,
      [id, redriven],
    );
  }

  /** Notes why a running plan could not move on (the broker away); it retries next round. */
  async planError(tx: PoolClient, id: string, error: string): Promise<void> {
    await tx.query(`UPDATE dead_letter_plan SET last_error = $2 WHERE id = $1::uuid`, [id, error.slice(0, 500)]);
  }

  /** Stores an edit proposal; undefined when the letter already has a pending one. */
  async insertEdit(
    tx: PoolClient,
    e: { deadLetterId: string; tenant: string; body: Buffer; diff: DiffEntry[]; citizenData: boolean; status: 'pending' | 'replayed'; proposedBy: string; reason: string },
  ): Promise<EditRow | undefined> {
    const r = await tx.query(
      `INSERT INTO dead_letter_edit (id, dead_letter_id, tenant, body, diff, citizen_data, status, proposed_by, reason) VALUES ($1, $2::uuid, $3, $4, $5::jsonb, $6, $7, $8, $9)
       ON CONFLICT (dead_letter_id) WHERE status = 'pending' DO NOTHING RETURNING ${EDIT_COLS}`,
      [uuidv7(), e.deadLetterId, e.tenant, e.body, JSON.stringify(e.diff), e.citizenData, e.status, e.proposedBy, e.reason],
    );
    return r.rows[0] ? edit(r.rows[0]) : undefined;
  }

  /** A tenant's edit; `lock` holds it until the transaction ends. */
  async getEdit(tx: PoolClient, tenant: string, id: string, lock = false): Promise<EditRow | undefined> {
    const r = await tx.query(`SELECT ${EDIT_COLS} FROM dead_letter_edit WHERE tenant = $1 AND id = $2::uuid${lock ? ' FOR UPDATE' : ''}`, [tenant, id]);
    return r.rows[0] ? edit(r.rows[0]) : undefined;
  }

  /** Edits of a tenant in a status, oldest first (the approvals list), or of one letter. */
  async edits(tx: PoolClient, tenant: string, q: { status?: EditRow['status']; deadLetterId?: string; limit: number }): Promise<EditRow[]> {
    const r = await tx.query(
      `SELECT ${EDIT_COLS} FROM dead_letter_edit WHERE tenant = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR dead_letter_id = $3::uuid) ORDER BY proposed_at, id LIMIT $4`,
      [tenant, q.status ?? null, q.deadLetterId ?? null, q.limit],
    );
    return r.rows.map(edit);
  }

  /** Records the decision on an edit (and the new message id once it was published). */
  async decideEdit(tx: PoolClient, id: string, d: { status: 'rejected' | 'replayed'; decidedBy?: string; reason?: string; newMessageId?: string }): Promise<void> {
    await tx.query(
      `UPDATE dead_letter_edit SET status = $2, decided_by = $3, decision_reason = $4, decided_at = CASE WHEN $3::text IS NULL THEN NULL ELSE now() END, new_message_id = $5 WHERE id = $1::uuid`,
      [id, d.status, d.decidedBy ?? null, d.reason ?? null, d.newMessageId ?? null],
    );
  }
}
