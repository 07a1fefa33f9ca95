import { MigrationInterface, QueryRunner } from 'typeorm';

/** Case event types whose journal entries belong to a case; kept here as data, as migrations never change. */
const CASE_EVENT_TYPES = [
  'appeal.submitted',
  'appeal.registered',
  'appeal.status-changed',
  'appeal.answered',
  'application.submitted',
  'application.registered',
  'application.status-changed',
  'application.document-added',
];

/**
 * The case history reads a case's journal entries by (tenant, subject) in journal order, a page at
 * a time, after a (received_at, id) position: this index serves that as one ordered range scan with
 * no sort, however many entries the case has. It replaces journal_subject_idx, whose (tenant,
 * subject) prefix it contains, so the journal keeps one index on subject, not two.
 *
 * Accepted case events used to be journaled with the portal's `subject`, which is optional; the
 * ingress now writes `data.caseRef` when it is left out, and this fills it in for the entries
 * written before. A body PostgreSQL cannot read as JSON (none should be among accepted events)
 * keeps its NULL subject rather than failing the migration.
 */
export class CaseHistory1732800000000 implements MigrationInterface {
  name = 'CaseHistory1732800000000';

  async up(q: QueryRunner): Promise<void> {
    // `json`, not `jsonb`: jsonb converts every number and refuses some the hub accepts (1e-20000).
    await q.query(`
      CREATE FUNCTION pg_temp.hub_case_ref_of(body bytea) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
      BEGIN
        RETURN convert_from(body, 'UTF8')::json -> 'data' ->> 'caseRef';
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END $$`);
    await q.query(
      `UPDATE journal SET subject = pg_temp.hub_case_ref_of(body)
        WHERE subject IS NULL AND direction = 'in' AND status = 'accepted' AND type = ANY($1::text[]) AND body IS NOT NULL`,
      [CASE_EVENT_TYPES],
    );
    await q.query(`DROP FUNCTION pg_temp.hub_case_ref_of(bytea)`);
    await q.query(`CREATE INDEX journal_case_idx ON journal (tenant, subject, received_at, id) WHERE subject IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS journal_subject_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS journal_subject_idx ON journal (tenant, subject) WHERE subject IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS journal_case_idx`);
  }
}
