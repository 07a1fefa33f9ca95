import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { ChainRepository } from './chain.repository';
import { verifyJournal } from './journal-verify.service';

/**
 * Medium tier: the evidence-chain migration on a journal that existed before it. Old rows keep a
 * NULL tx (nothing is rewritten) and are chained once, by time, in the first round; rows written
 * after the migration follow in the same round.
 */
describe('migration 1733300000000-evidence-chain on an existing journal', () => {
  const schema = uniqueName('backfilltest');
  let ds: DataSource;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    ds = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema }, 2);
    await ds.initialize();
    // Undo migrations down to and including the evidence chain (later ones came after it).
    for (;;) {
      const [last] = await sql<{ name: string }>(schema, 'SELECT name FROM typeorm_migrations ORDER BY id DESC LIMIT 1');
      await ds.undoLastMigration({ transaction: 'each' });
      if (last.name === 'EvidenceChain1733300000000') break;
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await dropSchema(schema);
  });

  it('chains the old rows by time, then the new ones, and the result verifies', async () => {
    expect((await sql<{ n: number }>(schema, `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = $1 AND column_name = 'tx'`, [schema]))[0].n).toBe(0);
    // Written out of time order on purpose: the backfill orders by received_at, not by insertion.
    const old = [
      { id: randomUUID(), at: '2026-01-02T10:00:00Z' },
      { id: randomUUID(), at: '2026-01-01T10:00:00Z' },
    ];
    for (const r of old)
      await sql(schema, `INSERT INTO journal (id, received_at, direction, via, status, tenant, type, body, body_size) VALUES ($1, $2, 'in', 'amqp', 'accepted', 'kyiv', 'appeal.submitted', $3, 2)`, [
        r.id,
        r.at,
        Buffer.from('{}'),
      ]);
    await sql(schema, `INSERT INTO cases (id, tenant, kind, case_ref, status, status_at) VALUES ($1, 'kyiv', 'appeal', 'EP-OLD', 'submitted', now())`, [randomUUID()]);
    await sql(schema, `INSERT INTO audit_log (at, entity, entity_id, attribute, new_value, actor) SELECT '2026-01-01T12:00:00Z', 'case', id, 'status', 'submitted', 'portal' FROM cases`);

    await ds.runMigrations({ transaction: 'each' });
    expect((await sql<{ n: number }>(schema, 'SELECT count(*)::int AS n FROM journal WHERE tx IS NULL'))[0].n).toBe(2);
    const fresh = randomUUID();
    await sql(schema, `INSERT INTO journal (id, direction, via, status, tenant, body, body_size) VALUES ($1, 'in', 'amqp', 'accepted', 'kyiv', $2, 2)`, [fresh, Buffer.from('{}')]);

    const chain = new ChainRepository(poolOf(ds));
    expect((await chain.chainRound()).chained).toBe(4);
    const links = await sql<{ seq: string; kind: string; row_id: string }>(schema, `SELECT seq::text, kind, row_id FROM chain_entry WHERE tenant = 'kyiv' ORDER BY chain_entry.seq`);
    expect(links.map((l) => `${l.kind}:${l.row_id}`)).toEqual([`journal:${old[1].id}`, expect.stringMatching(/^audit:/), `journal:${old[0].id}`, `journal:${fresh}`]);
    expect((await chain.chainRound()).chained).toBe(0);
    expect(await verifyJournal(poolOf(ds))).toMatchObject({ ok: true });
  });
});
