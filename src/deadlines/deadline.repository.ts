import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { CaseColumns, CaseCondition, SqlParams } from '../persistence/sql-params.codec';

/** What the scheduler last computed for a case (a cache; the journal is the truth). */
export interface StoredDeadline {
  caseId: string;
  tenant: string;
  caseRef: string;
  profile: string;
  dueAt?: Date;
  dueDate?: string;
  extensions: number;
  answeredAt?: Date;
  overdue: boolean;
  /** The term stands still (the back office paused it), as of the last computation. */
  paused?: boolean;
  /** When the term enters its last warning threshold (the dashboard's "at risk"). */
  atRiskFrom?: Date;
  /** When to look at the case again; undefined: never (answered, or no term). */
  nextCheckAt?: Date;
  caseVersion: number;
  /** What the KPIs count (written with every computation). */
  facts?: CaseFacts;
  /** Earlier cases this one repeats, as read back (repeat detection runs once per case). */
  repeatOf?: string[];
}

/** A case's term as the admin console shows it beside the case. */
export interface DeadlineSummary {
  caseId: string;
  profile: string;
  dueAt?: Date;
  /** The last day of the term (local date, YYYY-MM-DD). */
  dueDate?: string;
  extensions: number;
  answeredAt?: Date;
  overdue: boolean;
  computedAt: Date;
}

/** The deadline window of the admin case search. */
export interface DeadlineWindow {
  /** Due on or after this local date (YYYY-MM-DD). */
  dueFrom?: string;
  /** Due on or before this local date. */
  dueTo?: string;
  /** Only overdue (true) or only not overdue (false) cases. */
  overdue?: boolean;
  /** Only paused (true) or only running (false) terms. */
  paused?: boolean;
  /** Only terms with this executor ('' for none named). */
  addressee?: string;
}

/** Facts of a case the KPIs count, from its journal. */
export interface CaseFacts {
  appealKind?: string;
  addressee?: string;
  receivedAt?: Date;
  registeredAt?: Date;
  takenAt?: Date;
  originalDueDate?: string;
  postponements: number;
  repeatOf: string[];
}

type Row = {
  case_id: string;
  tenant: string;
  case_ref: string;
  profile: string;
  due_at: Date | null;
  due_date: string | null;
  extensions: number;
  answered_at: Date | null;
  overdue: boolean;
  next_check_at: Date | null;
  case_version: number;
  repeat_of: string[];
};

/** One group's KPI counts (numerators `_n`, denominators `_d`). */
export interface KpiRow {
  group: string;
  repeat_n: number;
  repeat_d: number;
  postponed_n: number;
  postponed_d: number;
  late_n: number;
  late_d: number;
  taken_n: number;
  taken_d: number;
  t3_n: number;
  t3_d: number;
}

/** Owner of `case_deadline` and `kpi_exclusion`; every method runs in the caller's transaction. */
@Injectable()
export class DeadlineRepository {
  /** The versions the scheduler computed these cases at (absent: never computed). */
  async versions(tx: PoolClient, caseIds: readonly string[]): Promise<Map<string, number>> {
    if (!caseIds.length) return new Map();
    const r = await tx.query<{ case_id: string; case_version: number }>('SELECT case_id::text AS case_id, case_version FROM case_deadline WHERE case_id = ANY($1::uuid[])', [caseIds]);
    return new Map(r.rows.map((x) => [x.case_id, x.case_version]));
  }

  /**
   * The legal due time of these cases in a tenant (absent: no term computed, or answered), for
   * the dead-letter console's "time left before the deadline" and its redrive order.
   */
  async dueOfCases(tx: PoolClient, tenant: string, caseIds: readonly string[]): Promise<Map<string, { dueAt?: Date; dueDate?: string }>> {
    if (!caseIds.length) return new Map();
    const r = await tx.query<{ case_id: string; due_at: Date | null; due_date: string | null }>(
      `SELECT case_id::text AS case_id, due_at, to_char(due_date, 'YYYY-MM-DD') AS due_date FROM case_deadline
        WHERE tenant = $1 AND case_id = ANY($2::uuid[]) AND answered_at IS NULL AND (due_at IS NOT NULL OR due_date IS NOT NULL)`,
      [tenant, caseIds],
    );
    return new Map(r.rows.map((x) => [x.case_id, { ...(x.due_at ? { dueAt: x.due_at } : {}), ...(x.due_date ? { dueDate: x.due_date } : {}) }]));
  }

  /** Cases whose next check is due, oldest first. */
  async due(tx: PoolClient, now: Date, limit: number): Promise<string[]> {
    const r = await tx.query<{ case_id: string }>('SELECT case_id::text AS case_id FROM case_deadline WHERE next_check_at IS NOT NULL AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2', [
      now,
      limit,
    ]);
    return r.rows.map((x) => x.case_id);
  }

  /** The stored row of a case, locked until the transaction ends (the scheduler's unit of work). */
  async lock(tx: PoolClient, caseId: string): Promise<StoredDeadline | undefined> {
    const r = await tx.query<Row>(
      `SELECT case_id::text AS case_id, tenant, case_ref, profile, due_at, to_char(due_date, 'YYYY-MM-DD') AS due_date, extensions, answered_at, overdue, next_check_at, case_version, repeat_of
         FROM case_deadline WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    );
    const x = r.rows[0];
    if (!x) return undefined;
    return {
      caseId: x.case_id,
      tenant: x.tenant,
      caseRef: x.case_ref,
      profile: x.profile,
      ...(x.due_at ? { dueAt: x.due_at } : {}),
      ...(x.due_date ? { dueDate: x.due_date } : {}),
      extensions: x.extensions,
      ...(x.answered_at ? { answeredAt: x.answered_at } : {}),
      overdue: x.overdue,
      ...(x.next_check_at ? { nextCheckAt: x.next_check_at } : {}),
      caseVersion: x.case_version,
      repeatOf: x.repeat_of,
    };
  }

  /** Writes what was computed for a case, term and KPI facts together. */
  async save(tx: PoolClient, d: StoredDeadline): Promise<void> {
    const f = d.facts ?? { postponements: 0, repeatOf: [] };
    await tx.query(
      `INSERT INTO case_deadline (case_id, tenant, case_ref, profile, due_at, due_date, extensions, answered_at, overdue, next_check_at, case_version, computed_at,
                                  appeal_kind, addressee, received_at, registered_at, taken_at, original_due_date, postponements, repeat_of, paused, at_risk_from)
       VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9, $10, $11, now(), $12, $13, $14, $15, $16, $17::date, $18, $19::text[], $20, $21)
       ON CONFLICT (case_id) DO UPDATE SET profile = EXCLUDED.profile, due_at = EXCLUDED.due_at, due_date = EXCLUDED.due_date, extensions = EXCLUDED.extensions,
         answered_at = EXCLUDED.answered_at, overdue = EXCLUDED.overdue, next_check_at = EXCLUDED.next_check_at, case_version = EXCLUDED.case_version, computed_at = now(),
         appeal_kind = EXCLUDED.appeal_kind, addressee = EXCLUDED.addressee, received_at = EXCLUDED.received_at, registered_at = EXCLUDED.registered_at,
         taken_at = EXCLUDED.taken_at, original_due_date = EXCLUDED.original_due_date, postponements = EXCLUDED.postponements, repeat_of = EXCLUDED.repeat_of,
         paused = EXCLUDED.paused, at_risk_from = EXCLUDED.at_risk_from`,
      [
        d.caseId,
        d.tenant,
        d.caseRef,
        d.profile,
        d.dueAt ?? null,
        d.dueDate ?? null,
        d.extensions,
        d.answeredAt ?? null,
        d.overdue,
        d.nextCheckAt ?? null,
        d.caseVersion,
        f.appealKind ?? null,
        f.addressee ?? null,
        f.receivedAt ?? null,
        f.registeredAt ?? null,
        f.takenAt ?? null,
        f.originalDueDate ?? null,
        f.postponements,
        f.repeatOf,
        d.paused ?? false,
        d.atRiskFrom ?? null,
      ],
    );
  }

  /**
   * The five seed-004 KPIs of a tenant over local dates [from, to] in `timeZone`, per addressee
   * when `byAddressee`: numerator and denominator of each, cases a KPI excludes left out of both.
   * Definitions (README, "KPIs"):
   * - repeat: cases answered in the period that a later appeal repeats / cases answered in the period;
   * - postponed: answered in the period with two or more postponements / answered in the period;
   * - late: due in the period and answered after the due instant, or still open past it / due in the period;
   * - taken: registered (else received) in the period and taken into work within 24 hours of it / registered in the period;
   * - solvedByT3: answered in the period on or before the due date minus 3 days / answered in the period.
   */
  async kpis(tx: PoolClient, q: { tenant: string; from: string; to: string; timeZone: string; now: Date; byAddressee: boolean }): Promise<KpiRow[]> {
    const r = await tx.query<KpiRow>(
      `WITH d AS (
         SELECT d.*, ${q.byAddressee ? "coalesce(d.addressee, '')" : "''"} AS grp,
                (d.answered_at AT TIME ZONE $4)::date AS answered_day,
                (coalesce(d.registered_at, d.received_at) AT TIME ZONE $4)::date AS registered_day
           FROM case_deadline d WHERE d.tenant = $1 AND d.profile <> ''
       ), x AS (
         SELECT d.*, (SELECT array_agg(e.kpi) FROM kpi_exclusion e WHERE e.tenant = d.tenant AND e.case_ref = d.case_ref) AS excluded FROM d
       )
       SELECT grp AS "group",
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND NOT coalesce('repeat' = ANY(excluded), false)
                            AND EXISTS (SELECT 1 FROM case_deadline r WHERE r.tenant = x.tenant AND x.case_ref = ANY(r.repeat_of)))::int AS repeat_n,
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND NOT coalesce('repeat' = ANY(excluded), false))::int AS repeat_d,
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND postponements >= 2 AND NOT coalesce('postponed' = ANY(excluded), false))::int AS postponed_n,
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND NOT coalesce('postponed' = ANY(excluded), false))::int AS postponed_d,
         count(*) FILTER (WHERE due_date BETWEEN $2 AND $3 AND NOT coalesce('late' = ANY(excluded), false)
                            AND ((answered_at IS NOT NULL AND answered_at > due_at) OR (answered_at IS NULL AND due_at < $5)))::int AS late_n,
         count(*) FILTER (WHERE due_date BETWEEN $2 AND $3 AND NOT coalesce('late' = ANY(excluded), false))::int AS late_d,
         count(*) FILTER (WHERE registered_day BETWEEN $2 AND $3 AND NOT coalesce('taken' = ANY(excluded), false)
                            AND taken_at <= coalesce(registered_at, received_at) + interval '24 hours')::int AS taken_n,
         count(*) FILTER (WHERE registered_day BETWEEN $2 AND $3 AND NOT coalesce('taken' = ANY(excluded), false))::int AS taken_d,
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND answered_day <= due_date - 3 AND NOT coalesce('solvedByT3' = ANY(excluded), false))::int AS t3_n,
         count(*) FILTER (WHERE answered_day BETWEEN $2 AND $3 AND NOT coalesce('solvedByT3' = ANY(excluded), false))::int AS t3_d
       FROM x GROUP BY grp ORDER BY grp`,
      [q.tenant, q.from, q.to, q.timeZone, q.now],
    );
    return r.rows;
  }

  /** Leaves a case out of one KPI, with who decided and why; false when it was left out already. */
  async exclude(tx: PoolClient, e: { tenant: string; caseRef: string; kpi: string; reason: string; actor: string }): Promise<boolean> {
    const r = await tx.query('INSERT INTO kpi_exclusion (tenant, case_ref, kpi, reason, actor) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [e.tenant, e.caseRef, e.kpi, e.reason, e.actor]);
    return (r.rowCount ?? 0) > 0;
  }

  /** The computed terms of these cases (absent: never computed, or no term). */
  async summaries(tx: PoolClient, caseIds: readonly string[]): Promise<Map<string, DeadlineSummary>> {
    if (!caseIds.length) return new Map();
    const r = await tx.query<{ case_id: string; profile: string; due_at: Date | null; due_date: string | null; extensions: number; answered_at: Date | null; overdue: boolean; computed_at: Date }>(
      `SELECT case_id::text AS case_id, profile, due_at, to_char(due_date, 'YYYY-MM-DD') AS due_date, extensions, answered_at, overdue, computed_at
         FROM case_deadline WHERE case_id = ANY($1::uuid[]) AND profile <> ''`,
      [caseIds],
    );
    return new Map(
      r.rows.map((x) => [
        x.case_id,
        {
          caseId: x.case_id,
          profile: x.profile,
          ...(x.due_at ? { dueAt: x.due_at } : {}),
          ...(x.due_date ? { dueDate: x.due_date } : {}),
          extensions: x.extensions,
          ...(x.answered_at ? { answeredAt: x.answered_at } : {}),
          overdue: x.overdue,
          computedAt: x.computed_at,
        },
      ]),
    );
  }

  /** A condition of the admin case search: the case's computed term falls in the window (by the primary key, per case). */
  windowCondition(p: SqlParams, c: CaseColumns, w: DeadlineWindow): CaseCondition {
    const parts = [`d.case_id = ${c.id}`, `d.profile <> ''`];
    if (w.dueFrom) parts.push(`d.due_date >= ${p.add(w.dueFrom)}::date`);
    if (w.dueTo) parts.push(`d.due_date <= ${p.add(w.dueTo)}::date`);
    if (w.overdue !== undefined) parts.push(`d.overdue = ${p.add(w.overdue)}::boolean`);
    if (w.paused !== undefined) parts.push(`d.paused = ${p.add(w.paused)}::boolean`);
    if (w.addressee !== undefined) parts.push(`coalesce(d.addressee, '') = ${p.add(w.addressee)}`);
    return { sql: `EXISTS (SELECT 1 FROM case_deadline d WHERE ${parts.join(' AND ')})` };
  }

  /** Whether a case has a computed term (an exclusion names a real case). */
  async hasCase(tx: PoolClient, tenant: string, caseRef: string): Promise<boolean> {
    const r = await tx.query("SELECT 1 FROM case_deadline WHERE tenant = $1 AND case_ref = $2 AND profile <> ''", [tenant, caseRef]);
    return r.rows.length > 0;
  }

  /*
   * Reads for the SLA dashboard (admin console). A case counts once per state it is in; "due today"
   * cases are also "at risk" (today is inside T−3). Paused terms count only as paused: their due
   * instant moves while they stand still. Overdue is told by the due instant and `now` (the stored
   * flag can lag a scheduler round), as the late KPI does.
   */

  /** Open terms of a tenant by addressee and state at `now` (`today`: the local date in the tenant's zone). */
  async slaCounts(tx: PoolClient, q: { tenant: string; now: Date; today: string }): Promise<SlaRow[]> {
    const r = await tx.query<SlaRow>(
      `SELECT coalesce(addressee, '') AS addressee,
         count(*) FILTER (WHERE NOT paused AND due_date = $3::date AND due_at >= $2)::int AS due_today,
         count(*) FILTER (WHERE NOT paused AND due_at >= $2 AND coalesce(at_risk_from, due_at - interval '72 hours') <= $2)::int AS at_risk,
         count(*) FILTER (WHERE NOT paused AND due_at < $2)::int AS overdue,
         count(*) FILTER (WHERE paused)::int AS paused,
         count(*)::int AS open
       FROM case_deadline
       WHERE tenant = $1 AND profile <> '' AND answered_at IS NULL AND due_at IS NOT NULL
       GROUP BY 1 ORDER BY 1`,
      [q.tenant, q.now, q.today],
    );
    return r.rows;
  }

  /** Terms due on each local date of [from, to]: answered on time, answered late, still open (late or not yet). */
  async dueByDay(tx: PoolClient, q: { tenant: string; from: string; to: string; now: Date }): Promise<DueDayRow[]> {
    const r = await tx.query<DueDayRow>(
      `SELECT to_char(due_date, 'YYYY-MM-DD') AS day,
         count(*) FILTER (WHERE answered_at IS NOT NULL AND answered_at <= due_at)::int AS on_time,
         count(*) FILTER (WHERE answered_at IS NOT NULL AND answered_at > due_at)::int AS late,
         count(*) FILTER (WHERE answered_at IS NULL AND due_at < $4)::int AS open_late,
         count(*) FILTER (WHERE answered_at IS NULL AND due_at >= $4)::int AS open
       FROM case_deadline
       WHERE tenant = $1 AND profile <> '' AND due_date BETWEEN $2::date AND $3::date
       GROUP BY due_date ORDER BY due_date`,
      [q.tenant, q.from, q.to, q.now],
    );
    return r.rows;
  }
}

/** One addressee's open terms by state (the SLA dashboard). */
export interface SlaRow {
  addressee: string;
  due_today: number;
  at_risk: number;
  overdue: number;
  paused: number;
  open: number;
}

/** Terms due on one day, by outcome (the SLA dashboard's chart). */
export interface DueDayRow {
  day: string;
  on_time: number;
  late: number;
  open_late: number;
  open: number;
}
