import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { EnvConfig } from '../config/env.config';
import { Initial1732320000000 } from './migrations/1732320000000-initial.migration';
import { CaseResults1732400000000 } from './migrations/1732400000000-case-results.migration';
import { Notifications1732500000000 } from './migrations/1732500000000-notifications.migration';

/** Every migration, in order. */
export const MIGRATIONS = [Initial1732320000000, CaseResults1732400000000, Notifications1732500000000];

/** Key of the advisory lock that serialises migrations when several instances start at once. */
const MIGRATION_LOCK = 7_141_001;

/** The TypeORM data source; schema changes only through {@link MIGRATIONS}, never `synchronize`. */
export function createDataSource(env: Pick<EnvConfig, 'databaseUrl' | 'databaseSchema'> & { instanceId?: string }, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url: env.databaseUrl,
    schema: env.databaseSchema,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    entities: [],
    // The instance id in application_name lets a DBA (and the tests) tell instances apart in pg_stat_activity.
    extra: { max: poolSize, options: `-c search_path=${env.databaseSchema}`, application_name: `cabinet-hub ${env.instanceId ?? ''}`.trim().slice(0, 63) },
  });
}

/**
 * Creates the schema if needed and runs pending migrations under an advisory lock, so two hub
 * instances starting together don't race.
 */
export async function migrate(env: Pick<EnvConfig, 'databaseUrl' | 'databaseSchema'>): Promise<string[]> {
  const lock = new Client({ connectionString: env.databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await lock.query(`CREATE SCHEMA IF NOT EXISTS "${env.databaseSchema}"`);
    const ds = createDataSource(env, 1);
    await ds.initialize();
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      return done.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}

const TRANSIENT_PG = /^(08|53|57P0|40001|40P01|55P03|58)/;
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** True for errors that go away by themselves (database down, restarting, overloaded, deadlock). */
export function isTransientDbError(err: unknown): boolean {
  const code = (err as { code?: unknown; driverError?: { code?: unknown } })?.code ?? (err as { driverError?: { code?: unknown } })?.driverError?.code;
  if (typeof code === 'string' && (TRANSIENT_PG.test(code) || TRANSIENT_NET.has(code))) return true;
  const msg = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect/i.test(msg);
}

/** The pg pool TypeORM manages: for named prepared statements and explicit transactions on the hot paths. */
export function poolOf(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}
