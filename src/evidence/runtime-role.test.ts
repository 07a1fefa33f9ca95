import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate, poolOf } from '../persistence/database.setup';
import { JournalRepository } from '../persistence/journal.repository';
import { ChainRepository } from './chain.repository';
import { verifyJournal } from './journal-verify.service';

/**
 * Medium tier: the two-role setup. The owner (DATABASE_MIGRATION_URL, here the test's superuser)
 * migrates; a throwaway runtime role (DATABASE_URL) then runs the hub's writes, the chainer and
 * erasures, and cannot update, delete, truncate, drop or disarm the append-only tables.
 */
describe('two roles: the runtime role has no right to rewrite or drop the journal', () => {
  const schema = uniqueName('roletest');
  const role = uniqueName('hub_rt');
  const runtimeUrl = (() => {
    const u = new URL(databaseUrl());
    u.username = role;
    u.password = '';
    return u.toString();
  })();
  let db: DataSource;

  const admin = async (text: string) => {
    const c = new Client({ connectionString: databaseUrl() });
    await c.connect();
    try {
      await c.query(text);
    } finally {
      await c.end();
    }
  };
  const asRuntime = async (text: string, params: unknown[] = []) => {
    const c = new Client({ connectionString: runtimeUrl, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      return (await c.query(text, params)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE ROLE ${role} LOGIN`);
    await migrate({ databaseUrl: runtimeUrl, databaseMigrationUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: runtimeUrl, databaseSchema: schema, instanceId: uniqueName('rt') }, 2);
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
    await admin(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin(`DROP ROLE IF EXISTS ${role}`);
  });

  it('writes, chains and erases through its grants, and a hub start as the runtime role finds nothing to migrate', async () => {
    const id = randomUUID();
    const c = await poolOf(db).connect();
    try {
      await new JournalRepository(db).insertCallback(c, { id, via: 'webhook:test', status: 'accepted', body: Buffer.from('{"phone":"+380501234567"}'), bodySize: 26 });
    } finally {
      c.release();
    }
    await new ChainRepository(poolOf(db)).chainRound();
    await new JournalRepository(db).eraseBody(id, 'test erasure', 'operator:test');
    await new ChainRepository(poolOf(db)).chainRound();
    expect(await verifyJournal(poolOf(db))).toMatchObject({ ok: true });
    expect(await migrate({ databaseUrl: runtimeUrl, databaseSchema: schema })).toEqual([]);
  });

  it.each([
    ['UPDATE journal SET type = $$x$$', /permission denied/],
    ['DELETE FROM journal', /permission denied/],
    ['TRUNCATE journal', /permission denied/],
    ['UPDATE audit_log SET actor = $$x$$', /permission denied/],
    ['DELETE FROM chain_entry', /permission denied/],
    ['DROP TABLE journal', /must be owner/],
    ['DROP TABLE chain_entry', /must be owner/],
    ['ALTER TABLE journal DISABLE TRIGGER journal_append_only', /must be owner/],
    ['SET session_replication_role = replica', /permission denied/],
  ])('%s is refused', async (statement, error) => {
    await expect(asRuntime(statement)).rejects.toThrow(error);
  });

  it('the owner keeps its rights (no REVOKE when both URLs name the same role)', async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseMigrationUrl: databaseUrl(), databaseSchema: schema });
    expect(await sql(schema, 'SELECT count(*) FROM journal')).toHaveLength(1);
  });
});
