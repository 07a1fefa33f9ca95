import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_deadline`: what the deadline scheduler last computed for a case, so that it knows when to
 * look again (`next_check_at`) without recomputing every open case every round. It is a cache:
 * the due date is always recomputed from the case's journaled events (never from a counter), and
 * whether a warning was sent is told by the journal (each warning's de-duplication key), not by
 * this row. `case_version` is the `cases.version` it was computed from: a case whose version moved
 * (a registration, a status, a changed term) is computed again.
 *
 * `cases_updated_idx` lets the scheduler find cases changed since it last looked, in order.
 * `kpi_exclusion`: cases a KPI leaves out, each with who decided and why.
 */
export class CaseDeadlines1733200000000 implements MigrationInterface {
  name = 'CaseDeadlines1733200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS case_deadline (
      case_id          uuid PRIMARY KEY,
      tenant           text NOT NULL,
      case_ref         text NOT NULL,
      profile          text NOT NULL,
      due_at           timestamptz,
      due_date         date,
      extensions       integer NOT NULL DEFAULT 0,
      answered_at      timestamptz,
      overdue          boolean NOT NULL DEFAULT false,
      next_check_at    timestamptz,
      case_version     integer NOT NULL,
      computed_at      timestamptz NOT NULL DEFAULT now(),
      -- Facts the KPIs count, recomputed from the journal with the term (seed 004).
      appeal_kind      text,
      addressee        text,
      received_at      timestamptz,
      registered_at    timestamptz,
      taken_at         timestamptz,
      original_due_date date,
      postponements    integer NOT NULL DEFAULT 0,
      repeat_of        text[] NOT NULL DEFAULT '{}'
    )`);
    // A KPI that leaves a case out says who decided it and why (Рейтинг-50 allows "not the administration's fault").
    await q.query(`CREATE TABLE IF NOT EXISTS kpi_exclusion (
      tenant     text NOT NULL,
      case_ref   text NOT NULL,
      kpi        text NOT NULL,
      reason     text NOT NULL CHECK (length(reason) BETWEEN 3 AND 2000),
      actor      text NOT NULL,
      at         timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant, case_ref, kpi)
    )`);
    await q.query(`CREATE INDEX IF NOT EXISTS case_deadline_next_idx ON case_deadline (next_check_at) WHERE next_check_at IS NOT NULL`);
    await q.query(`CREATE INDEX IF NOT EXISTS case_deadline_tenant_idx ON case_deadline (tenant, due_date)`);
    await q.query(`CREATE INDEX IF NOT EXISTS cases_updated_idx ON cases (updated_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS cases_updated_idx');
    await q.query('DROP TABLE IF EXISTS kpi_exclusion');
    await q.query('DROP TABLE IF EXISTS case_deadline');
  }
}
