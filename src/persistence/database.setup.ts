import { Client, ClientConfig, Pool } from 'pg';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { EnvConfig } from '../config/env.config';
import { safeError } from '../logging/pii.mask';
import { Initial1732320000000 } from './migrations/1732320000000-initial.migration';
import { CaseResults1732400000000 } from './migrations/1732400000000-case-results.migration';
import { Notifications1732500000000 } from './migrations/1732500000000-notifications.migration';
import { IngressCaseTaken1732600000000 } from './migrations/1732600000000-ingress-case-taken.migration';
import { Files1732700000000 } from './migrations/1732700000000-files.migration';
import { CaseHistory1732800000000 } from './migrations/1732800000000-case-history.migration';
import { FileIntake1732900000000 } from './migrations/1732900000000-file-intake.migration';
import { FileTenant1733000000000 } from './migrations/1733000000000-file-tenant.migration';
import { Calendars1733100000000 } from './migrations/1733100000000-calendars.migration';
import { CaseDeadlines1733200000000 } from './migrations/1733200000000-case-deadlines.migration';
import { EvidenceChain1733300000000 } from './migrations/1733300000000-evidence-chain.migration';
import { Admin1733400000000 } from './migrations/1733400000000-admin.migration';
import { DeadLetters1733500000000 } from './migrations/1733500000000-dead-letters.migration';
import { AdminCases1733600000000 } from './migrations/1733600000000-admin-cases.migration';
import { AdminOperations1733700000000 } from './migrations/1733700000000-admin-operations.migration';

/** Every migration, in order. */
export const MIGRATIONS = [
  Initial1732320000000,
  CaseResults1732400000000,
  Notifications1732500000000,
  IngressCaseTaken1732600000000,
  Files1732700000000,
  CaseHistory1732800000000,
  FileIntake1732900000000,
  FileTenant1733000000000,
  Calendars1733100000000,
  CaseDeadlines1733200000000,
  EvidenceChain1733300000000,
  Admin1733400000000,
  DeadLetters1733500000000,
  AdminCases1733600000000,
  AdminOperations1733700000000,
];

/** Key of the advisory lock that serialises migrations when several instances start at once. */
const MIGRATION_LOCK = 7_141_001;

/** Where connection errors go; the hub passes its pino logger, without one they are only swallowed. */
export type DbLog = Pick<Logger, 'warn'>;

/**
 * Keeps a connection error from killing the process. `pg` emits 'error' on a client whose server
 * goes away (a restart sends 57P01 admin_shutdown, then closes the socket), and an 'error' event
 * with no listener is an uncaught exception. pg-pool listens only while a client is idle, so a
 * client checked out for a transaction had none. Whatever was running on it already fails with
 * the same error and takes its own transient path; here it is only logged, and the pool drops the
 * dead client on release (`_queryable` is false) and opens a new one on the next checkout.
 */
export function guardClient<C extends Client>(client: C, log: DbLog | undefined, role: string): C {
  let logged = false;
  client.on('error', (err) => {
    // A restart reports itself twice (the 57P01 message, then the closed socket): one line is enough.
    if (logged) return;
    logged = true;
    log?.warn({ event: 'db.connection-lost', role, error: safeError(err) }, 'database connection lost');
  });
  return client;
}

/** A pg Client that is guarded from birth: pg-pool creates every pool connection through it. */
function guardedClientClass(log: DbLog | undefined): typeof Client {
  return class GuardedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(config);
      guardClient(this, log, 'pool');
    }
  };
}

/** The TypeORM data source; schema changes only through {@link MIGRATIONS}, never `synchronize`. */
export function createDataSource(env: Pick<EnvConfig, 'databaseUrl' | 'databaseSchema'> & { instanceId?: string }, poolSize = 10, log?: DbLog): DataSource {
  return new DataSource({
    type: 'postgres',
    url: env.databaseUrl,
    schema: env.databaseSchema,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    entities: [],
    // Every client reports its own error (see guardClient); the pool's copy of an idle client's
    // error would only repeat it. TypeORM's default handler logs through console, outside pino.
    poolErrorHandler: () => undefined,
    // The instance id in application_name lets a DBA (and the tests) tell instances apart in pg_stat_activity.
    extra: { max: poolSize, options: `-c search_path=${env.databaseSchema}`, application_name: `cabinet-hub ${env.instanceId ?? ''}`.trim().slice(0, 63), Client: guardedClientClass(log) },
  });
}

/**
 * Creates the schema if needed and runs pending migrations under an advisory lock, so two hub
 * instances starting together don't race. Each migration runs in its own transaction, so a
 * database that goes away halfway leaves whole migrations applied or not: calling this again
 * (see {@link untilDatabase}) carries on where it stopped.
 */
export async function migrate(env: Pick<EnvConfig, 'databaseUrl' | 'databaseSchema' | 'databaseMigrationUrl'>, log?: DbLog): Promise<string[]> {
  const ownerUrl = env.databaseMigrationUrl ?? env.databaseUrl;
  const lock = guardClient(new Client({ connectionString: ownerUrl, application_name: 'cabinet-hub migrate' }), log, 'migration-lock');
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    // Looked up first: a runtime role without CREATE on the database may start a migrated hub.
    const exists = (await lock.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [env.databaseSchema])).rows.length > 0;
    if (!exists) await lock.query(`CREATE SCHEMA IF NOT EXISTS "${env.databaseSchema}"`);
    const ds = createDataSource({ ...env, databaseUrl: ownerUrl }, 1, log);
    await ds.initialize();
    try {
      const done = await ds.runMigrations({ transaction: 'each' });
      const runtime = env.databaseMigrationUrl ? decodeURIComponent(new URL(env.databaseUrl).username) : '';
      if (runtime) await grantRuntime(lock, env.databaseSchema, runtime);
      return done.map((m) => m.name);
    } finally {
      // After an outage destroy() can fail too; the error worth reporting is the first one.
      await ds.destroy().catch(() => undefined);
    }
  } finally {
    // Ending the session releases the lock even when the unlock cannot be sent.
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}

/** Tables the runtime role may only INSERT into and SELECT from (README, "Tamper-evident journal"). */
export const APPEND_ONLY_TABLES = ['journal', 'audit_log', 'chain_entry', 'chain_checkpoint', 'chain_checkpoint_head'];

/**
 * The two-role setup: the owner (DATABASE_MIGRATION_URL) owns every table, so the runtime role
 * (DATABASE_URL) can never DROP or ALTER them or switch their triggers off; it gets DML on the
 * working tables, only INSERT and SELECT on the append-only ones, and EXECUTE on the functions
 * (hub_erase_journal_body is its one way to erase a body). Run after every migration: idempotent.
 */
async function grantRuntime(c: Client, schema: string, role: string): Promise<void> {
  const r = (await c.query<{ r: string; s: string; same: boolean }>('SELECT quote_ident($1) AS r, quote_ident($2) AS s, $1 = current_user AS same', [role, schema])).rows[0];
  // One role for both URLs: nothing to grant, and a REVOKE would take the owner's own rights away.
  if (r.same) return;
  await c.query(`GRANT USAGE ON SCHEMA ${r.s} TO ${r.r}`);
  await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${r.s} TO ${r.r}`);
  await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${APPEND_ONLY_TABLES.map((t) => `${r.s}.${t}`).join(', ')} FROM ${r.r}`);
  await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${r.s} TO ${r.r}`);
  await c.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${r.s} TO ${r.r}`);
}

/** First wait before retrying an unreachable database, and the longest one (as the broker's reconnect, capped). */
export const DB_RETRY_FIRST_MS = 500;
export const DB_RETRY_MAX_MS = 10_000;

/**
 * Runs `step` until it succeeds, waiting 0.5 s, 1 s, 2 s … 10 s between attempts while the
 * database is unreachable or restarting; forever, like the broker connection (an orchestrator that
 * starts the hub before PostgreSQL must not see it exit). Errors that waiting does not cure (bad
 * password, unknown database, a broken migration) are thrown at once.
 */
export async function untilDatabase<T>(step: () => Promise<T>, log: DbLog, opts: { firstMs?: number; maxMs?: number } = {}): Promise<T> {
  const first = opts.firstMs ?? DB_RETRY_FIRST_MS;
  const max = opts.maxMs ?? DB_RETRY_MAX_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (!isTransientDbError(e)) throw e;
      const waitMs = Math.min(max, first * 2 ** Math.min(attempt - 1, 20));
      log.warn({ event: 'db.waiting', attempt, retryInMs: waitMs, error: safeError(e) }, 'waiting for the database');
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

const TRANSIENT_PG = /^(08|53|57P0|40001|40P01|55P03|58)/;
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

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
