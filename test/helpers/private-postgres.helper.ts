import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/** Where Debian's postgresql-15 package puts the server binaries. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Whether a private instance can be made on this machine (the restart tests skip without it). */
export const privatePostgresAvailable = (): boolean => existsSync(join(PG_BIN, 'initdb'));

/**
 * A PostgreSQL 15 instance of its own for one test file, so a test can stop and restart a real
 * server (`pg_ctl restart -m fast`: every session gets 57P01 admin_shutdown and the socket closes,
 * as with `pg_ctlcluster … restart`) without touching the database other developers share.
 * Data lives in a temporary folder; trust authentication, TCP on 127.0.0.1 and a free port, the
 * unix socket in the same folder; fsync off, since nothing here must survive a power cut.
 * PostgreSQL refuses to run as root, so when the tests run as root the binaries run as the
 * `postgres` OS user.
 */
export class PrivatePostgres {
  private running = false;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** The connection URL (database `postgres`, user `postgres`). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private get logFile(): string {
    return join(this.dir, 'server.log');
  }

  /** Initialises a new data folder (takes about a second); the server is not started yet. */
  static async create(): Promise<PrivatePostgres> {
    if (!privatePostgresAvailable()) throw new Error(`${PG_BIN}/initdb is missing: install postgresql-15`);
    const dir = mkdtempSync(join(tmpdir(), 'hub-pg-'));
    if (asRoot()) chownSync(dir, pgUid(), pgGid());
    const pg = new PrivatePostgres(dir, await freePort());
    await pg.pg('initdb', ['-D', pg.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    appendFileSync(
      join(pg.dataDir, 'postgresql.conf'),
      [
        `port = ${pg.port}`,
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 32MB',
        'max_connections = 100',
        '',
      ].join('\n'),
    );
    return pg;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Starts the server and waits until it accepts connections. */
  async start(): Promise<void> {
    await this.pg('pg_ctl', ['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile]);
    this.running = true;
  }

  /** Stops the server the way an administrator's fast shutdown does (sessions are terminated). */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.dataDir]);
    this.running = false;
  }

  /** A real restart: the postmaster stops (fast mode) and a new one starts on the same port. */
  async restart(): Promise<void> {
    await this.pg('pg_ctl', ['restart', '-w', '-t', '60', '-m', 'fast', '-D', this.dataDir, '-l', this.logFile]);
    this.running = true;
  }

  /** Runs one query in a schema of this instance (tests look into the hub's tables directly). */
  async sql<T = Record<string, unknown>>(schema: string, text: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.url, options: `-c search_path=${schema}` });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  /** Stops the server if it runs (immediate mode: nothing to keep) and deletes its folder. */
  async cleanup(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) await this.pg('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', this.dataDir]).catch(() => undefined);
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async pg(bin: string, args: string[]): Promise<void> {
    const [cmd, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]] : [join(PG_BIN, bin), args];
    try {
      await run(cmd, argv, { timeout: 90_000 });
    } catch (e) {
      const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2000) : '';
      throw new Error(`${bin} ${args[0]} failed: ${(e as Error).message}\n${log}`);
    }
  }
}

const asRoot = (): boolean => process.getuid?.() === 0;

function pgUid(): number {
  return Number(idOf('-u'));
}

function pgGid(): number {
  return Number(idOf('-g'));
}

function idOf(flag: string): string {
  // `id` is everywhere; reading /etc/passwd by hand would miss NSS sources.
  return execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim();
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
