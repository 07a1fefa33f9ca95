import { Client } from 'pg';

/**
 * Leadership through a PostgreSQL session advisory lock held on a dedicated connection: work
 * that must run in one hub instance at a time (outbox relay, later the pollers) runs only while
 * the lock is held. If the holder dies, its connection closes and the lock is free at once.
 */
export class LeaderLock {
  private client?: Client;
  private held = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly name: string,
  ) {}

  isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock if it is free; never throws (a database outage simply means "not leader"). */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    try {
      if (!this.client) {
        const client = new Client({ connectionString: this.databaseUrl, application_name: 'cabinet-hub leader' });
        const lost = () => {
          this.held = false;
          if (this.client === client) this.client = undefined;
        };
        client.on('error', lost);
        client.on('end', lost);
        await client.connect();
        this.client = client;
      }
      const [row] = (await this.client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [this.name])).rows;
      this.held = row.ok === true;
    } catch {
      this.held = false;
      const c = this.client;
      this.client = undefined;
      await c?.end().catch(() => undefined);
    }
    return this.held;
  }

  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.held = false;
    // Ending the session releases every advisory lock it held.
    await c?.end().catch(() => undefined);
  }
}
