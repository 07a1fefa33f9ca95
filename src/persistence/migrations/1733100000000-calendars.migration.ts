import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business calendars per tenant (src/deadlines/calendar.repository.ts owns the SQL):
 * - `calendar`: one per tenant and country, with its time zone, weekend days (0 = Sunday …
 *   6 = Saturday), where its data came from, and a version that every change bumps (a cached due
 *   date names the version it was computed with);
 * - `calendar_day`: the explicit facts; one row per date, so a date cannot be both a day off and a
 *   working day; `holiday` names the holiday a day is or carries, which a regime can suspend;
 * - `calendar_regime`: rules over a period (UA martial law from 2022-03-15, open-ended);
 * - `calendar_change`: who changed what, when and why, before and after: append only, enforced
 *   by triggers, as the audit journal of seed 001 asks.
 */
export class Calendars1733100000000 implements MigrationInterface {
  name = 'Calendars1733100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS calendar (
      id uuid PRIMARY KEY,
      tenant text NOT NULL,
      country text NOT NULL CHECK (country IN ('UA', 'RU')),
      tz text NOT NULL,
      weekend smallint[] NOT NULL DEFAULT '{0,6}',
      provenance jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant, country)
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS calendar_day (
      calendar_id uuid NOT NULL REFERENCES calendar (id) ON DELETE CASCADE,
      date date NOT NULL,
      kind text NOT NULL CHECK (kind IN ('off', 'working', 'short')),
      reason text NOT NULL,
      holiday text,
      source text NOT NULL,
      PRIMARY KEY (calendar_id, date)
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS calendar_regime (
      calendar_id uuid NOT NULL REFERENCES calendar (id) ON DELETE CASCADE,
      rule text NOT NULL CHECK (rule IN ('UA_MARTIAL_LAW')),
      from_date date NOT NULL,
      to_date date CHECK (to_date IS NULL OR to_date >= from_date),
      source text NOT NULL,
      PRIMARY KEY (calendar_id, rule, from_date)
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS calendar_change (
      id bigserial PRIMARY KEY,
      calendar_id uuid NOT NULL REFERENCES calendar (id),
      version integer NOT NULL,
      subject text NOT NULL CHECK (subject IN ('seed', 'day', 'regime')),
      actor text NOT NULL,
      reason text NOT NULL,
      changed_at timestamptz NOT NULL DEFAULT now(),
      before jsonb,
      after jsonb
    )`);
    await q.query(`CREATE INDEX IF NOT EXISTS calendar_change_calendar_idx ON calendar_change (calendar_id, id)`);
    await q.query(`CREATE OR REPLACE FUNCTION calendar_change_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'calendar_change is append only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER calendar_change_no_update BEFORE UPDATE OR DELETE ON calendar_change FOR EACH ROW EXECUTE FUNCTION calendar_change_append_only()`);
    // Row triggers do not fire on TRUNCATE; a statement trigger does.
    await q.query(`CREATE TRIGGER calendar_change_no_truncate BEFORE TRUNCATE ON calendar_change FOR EACH STATEMENT EXECUTE FUNCTION calendar_change_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS calendar_change');
    await q.query('DROP FUNCTION IF EXISTS calendar_change_append_only()');
    await q.query('DROP TABLE IF EXISTS calendar_regime');
    await q.query('DROP TABLE IF EXISTS calendar_day');
    await q.query('DROP TABLE IF EXISTS calendar');
  }
}
