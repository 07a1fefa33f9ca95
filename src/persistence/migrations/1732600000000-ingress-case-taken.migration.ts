import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * hub_case_taken(): raised (SQLSTATE HC001) by the ingress batch statement when a new submission
 * finds its case opened already. The statement then writes nothing, and the batch is written again
 * in an explicit transaction with the answers to those submissions; the common batch stays one
 * statement and one round trip.
 */
export class IngressCaseTaken1732600000000 implements MigrationInterface {
  name = 'IngressCaseTaken1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION hub_case_taken() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        RAISE EXCEPTION USING ERRCODE = 'HC001', MESSAGE = 'a submission in this batch found its case taken; write the batch in a transaction';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS hub_case_taken()`);
  }
}
