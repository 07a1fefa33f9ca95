import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For results coming back from adapters: a journal status for results that arrive out of order
 * and are recorded but not applied, and a place for pollers to keep their cursor.
 */
export class CaseResults1732400000000 implements MigrationInterface {
  name = 'CaseResults1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE journal DROP CONSTRAINT IF EXISTS journal_status_check`);
    await q.query(`ALTER TABLE journal ADD CONSTRAINT journal_status_check CHECK (status IN ('accepted', 'rejected', 'emitted', 'ignored'))`);
    await q.query(`
      CREATE TABLE adapter_cursor (
        instance    text PRIMARY KEY,
        cursor      text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS adapter_cursor`);
    await q.query(`ALTER TABLE journal DROP CONSTRAINT IF EXISTS journal_status_check`);
    await q.query(`ALTER TABLE journal ADD CONSTRAINT journal_status_check CHECK (status IN ('accepted', 'rejected', 'emitted'))`);
  }
}
