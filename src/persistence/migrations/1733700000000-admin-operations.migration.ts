import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin operations (issue 10, items 7 and 9).
 * - `adapter_override`: a breaker opened or closed by hand, hub-wide. Every hub instance polls it
 *   (src/adapter-host/breaker-override.service.ts); `version` tells a runner what it has not
 *   applied yet. Who and why are also in the admin audit; here they say what holds now.
 * - `delivery_attempt_failed_idx`: the adapter page reads each instance's latest failed attempt.
 * - `case_deadline.paused` and `case_deadline.at_risk_from`: the SLA dashboard counts paused
 *   terms and terms inside the warning threshold (T−3: the municipal solve-by target, else 72 h
 *   before the due instant) from the rows, written by the deadline scheduler with each computation.
 */
export class AdminOperations1733700000000 implements MigrationInterface {
  name = 'AdminOperations1733700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE adapter_override (
      adapter_id  text PRIMARY KEY,
      forced_open boolean NOT NULL,
      version     bigint NOT NULL,
      actor       text NOT NULL,
      reason      text NOT NULL,
      changed_at  timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX delivery_attempt_failed_idx ON delivery_attempt (consumer, id DESC) WHERE outcome IN ('transient', 'permanent')`);
    await q.query(`ALTER TABLE case_deadline ADD COLUMN paused boolean NOT NULL DEFAULT false, ADD COLUMN at_risk_from timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE case_deadline DROP COLUMN IF EXISTS at_risk_from, DROP COLUMN IF EXISTS paused');
    await q.query('DROP INDEX IF EXISTS delivery_attempt_failed_idx');
    await q.query('DROP TABLE IF EXISTS adapter_override');
  }
}
