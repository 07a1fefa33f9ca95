import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate } from './database.setup';

/**
 * Medium tier: the case-history migration against the real PostgreSQL, on entries written before
 * it (accepted case events without a subject), then undone and done again.
 */
describe('migration 1732800000000-case-history', () => {
  const schema = uniqueName('casehistmig');
  let ds: DataSource;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    ds = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 1);
    await ds.initialize();
    // Undo the migrations after it first (file intake), then it: the journal as it was before.
    const names = (await ds.query(`SELECT name FROM ${schema}.typeorm_migrations ORDER BY id DESC`)) as { name: string }[];
    for (const { name } of names) {
      await ds.undoLastMigration({ transaction: 'each' });
      if (name.startsWith('CaseHistory')) break;
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropSchema(schema);
  });

  const indexes = async () =>
    (await sql<{ indexname: string }>(schema, `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'journal' ORDER BY 1`, [schema])).map((r) => r.indexname);
  const insert = (type: string, status: string, body: string | null, subject: string | null = null) =>
    sql(schema, `INSERT INTO journal (id, direction, via, status, tenant, type, subject, body, body_size) VALUES ($1, 'in', 'amqp', $2, 'demo', $3, $4, $5, 0) RETURNING id::text`, [
      randomUUID(),
      status,
      type,
      subject,
      body === null ? null : Buffer.from(body),
    ]);

  it('fills in the subject of accepted case events from data.caseRef, leaves the rest, and swaps the index', async () => {
    expect(await indexes()).toContain('journal_subject_idx');
    const [plain] = await insert('appeal.submitted', 'accepted', JSON.stringify({ data: { caseRef: 'EP-1' } }));
    // jsonb would refuse this number (it overflows numeric); the migration must not fail on it.
    const [tiny] = await insert('application.submitted', 'accepted', '{"data":{"caseRef":"TP-1","point":{"lat":1e-20000}}}');
    const [kept] = await insert('appeal.registered', 'accepted', JSON.stringify({ data: { caseRef: 'EP-2' } }), 'EP-2');
    const [rejected] = await insert('appeal.submitted', 'rejected', JSON.stringify({ data: { caseRef: 'EP-3' } }));
    const [notCase] = await insert('notification.requested', 'accepted', JSON.stringify({ data: { caseRef: 'EP-4' } }));
    const [unreadable] = await insert('appeal.submitted', 'accepted', '{"data": not json');

    await ds.runMigrations({ transaction: 'each' });

    const subjects = Object.fromEntries((await sql<{ id: string; subject: string | null }>(schema, 'SELECT id::text, subject FROM journal')).map((r) => [r.id, r.subject]));
    expect([plain, tiny, kept, rejected, notCase, unreadable].map((r: any) => subjects[r.id])).toEqual(['EP-1', 'TP-1', 'EP-2', null, null, null]);
    expect(await indexes()).toEqual(expect.arrayContaining(['journal_case_idx']));
    expect(await indexes()).not.toContain('journal_subject_idx');
  });
});
