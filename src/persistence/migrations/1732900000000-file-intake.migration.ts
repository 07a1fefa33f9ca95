import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An adapter attempt may end `rejected`: the hub's file intake refused the event's files (a
 * signature over other content, a URL off the tenant's allow-list), answered message.rejected,
 * and no adapter saw the event. It is neither a fault of the external system nor a retry.
 */
export class FileIntake1732900000000 implements MigrationInterface {
  name = 'FileIntake1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_attempt DROP CONSTRAINT IF EXISTS delivery_attempt_outcome_check`);
    await q.query(`ALTER TABLE delivery_attempt ADD CONSTRAINT delivery_attempt_outcome_check CHECK (outcome IN ('ok', 'transient', 'permanent', 'duplicate', 'rejected'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_attempt DROP CONSTRAINT IF EXISTS delivery_attempt_outcome_check`);
    await q.query(`ALTER TABLE delivery_attempt ADD CONSTRAINT delivery_attempt_outcome_check CHECK (outcome IN ('ok', 'transient', 'permanent', 'duplicate'))`);
  }
}
