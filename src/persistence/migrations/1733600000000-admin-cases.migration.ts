import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `delivery_attempt.breaker_state`: the adapter instance's circuit breaker as the attempt met it
 * (`closed`, `half-open` for the one trial call, `open` when the breaker turned the message away
 * without calling). The admin timeline shows it beside each attempt, so "why was 1C not called at
 * 10:42?" has an answer. Nullable: older rows, and attempts the breaker has no say in (duplicates,
 * refused files), have none. No constraint on the values: breaker states may grow (manual open).
 *
 * `notification_case_idx`: the admin timeline lists a case's notifications; without it that is a
 * scan of every notification. Notifications are written by the notifier, not by the ingress batch
 * statement, so ingress pays nothing for it.
 */
export class AdminCases1733600000000 implements MigrationInterface {
  name = 'AdminCases1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_attempt ADD COLUMN IF NOT EXISTS breaker_state text`);
    await q.query(`CREATE INDEX IF NOT EXISTS notification_case_idx ON notification (tenant, case_ref) WHERE case_ref IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS notification_case_idx`);
    await q.query(`ALTER TABLE delivery_attempt DROP COLUMN IF EXISTS breaker_state`);
  }
}
