import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestSpace } from './test-hub.helper';

const MAIN = resolve(__dirname, '../../dist/src/main.js');

/**
 * The hub as users run it (`node dist/src/main.js`), in a child process, so a test can SIGKILL
 * it. Needs a build: `npm test` builds first.
 */
export class HubProcess {
  private child?: ChildProcess;
  output = '';
  /** Shows in the broker's connection list and in pg_stat_activity's application_name. */
  readonly instanceId: string;

  constructor(
    private readonly space: TestSpace,
    private readonly configYaml: string,
    private readonly port: number,
  ) {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    this.instanceId = `test-${space.vhost}`;
  }

  /** Starts the process and resolves once it logged that it is consuming. */
  async start(): Promise<void> {
    const configFile = join(tmpdir(), `${this.space.vhost}.yaml`);
    writeFileSync(configFile, this.configYaml);
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        RABBITMQ_URL: this.space.amqpUrl,
        DATABASE_URL: this.space.env.databaseUrl,
        DATABASE_SCHEMA: this.space.schema,
        CABINET_HUB_CONFIG: configFile,
        HTTP_PORT: String(this.port),
        HTTP_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        HUB_INSTANCE_ID: this.instanceId,
        // The crash tests cut the hub's connections and expect the cut to hit work in flight; with
        // the default pool of 20 most of them sit idle, so keep the pool these tests were written for.
        DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`hub did not start:\n${this.output.slice(-2000)}`)), 60_000);
      const onData = (d: Buffer) => {
        this.output += d;
        if (this.output.includes('cabinet-hub started')) {
          clearTimeout(timer);
          res();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`hub exited with ${code}:\n${this.output.slice(-2000)}`));
      });
    });
  }

  /** Kills without any chance to clean up, as a crash or an OOM kill would. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** Asks for a graceful shutdown. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((r) => {
      c.once('exit', () => r());
      c.kill(sig);
    });
  }
}
