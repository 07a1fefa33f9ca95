import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `delivery_attempt.breaker_state`: the adapter instance's circuit breaker as the attempt met it
 * (`closed`, `half-open` for the one trial call, `open` when the breaker turned the message away
 * without calling). The admin timeline shows it beside each attempt, so "why was 1C not called at
 * 10:42?" has an answer. Nullable: older rows, and attempts the breaker has no say in (duplicates,
 * refused files), have none. No constraint on the values: breaker states may grow (manual open).
 */
export class AttemptBreaker1733600000000 implements MigrationInterface {
  name = 'AttemptBreaker1733600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_attempt ADD COLUMN IF NOT EXISTS breaker_state text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_attempt DROP COLUMN IF EXISTS breaker_state`);
  }
}
