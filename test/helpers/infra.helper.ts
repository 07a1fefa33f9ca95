import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * Where the real broker and database are: RABBITMQ_URL / DATABASE_URL when set, the local
 * services otherwise (jest's global setup starts containers instead when neither is reachable
 * and Docker exists).
 */
export const rabbitUrl = (): string => process.env.RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
export const databaseUrl = (): string => process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** A short random suffix for names owned by one test. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

/** The broker URL with another vhost. */
export function withVhost(url: string, vhost: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(vhost)}`;
  return u.toString();
}

/**
 * Creates a vhost for one test (so exchange and queue names never collide) through the
 * management API when RABBITMQ_MANAGEMENT_URL is set, else with rabbitmqctl on this machine.
 */
export async function createVhost(name: string): Promise<void> {
  const mgmt = process.env.RABBITMQ_MANAGEMENT_URL;
  if (mgmt) {
    await managementCall(mgmt, 'PUT', `/api/vhosts/${encodeURIComponent(name)}`);
    const user = new URL(rabbitUrl()).username || 'guest';
    await managementCall(mgmt, 'PUT', `/api/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`, { configure: '.*', write: '.*', read: '.*' });
    return;
  }
  await run('rabbitmqctl', ['add_vhost', name]);
  await run('rabbitmqctl', ['set_permissions', '-p', name, new URL(rabbitUrl()).username || 'guest', '.*', '.*', '.*']);
}

/** Deletes a test vhost with everything in it. */
export async function deleteVhost(name: string): Promise<void> {
  const mgmt = process.env.RABBITMQ_MANAGEMENT_URL;
  if (mgmt) return void (await managementCall(mgmt, 'DELETE', `/api/vhosts/${encodeURIComponent(name)}`));
  await run('rabbitmqctl', ['delete_vhost', name]).catch(() => undefined);
}

async function managementCall(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const u = new URL(path, base);
  const auth = Buffer.from(`${decodeURIComponent(new URL(base).username || 'guest')}:${decodeURIComponent(new URL(base).password || 'guest')}`).toString('base64');
  const res = await fetch(u, { method, headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok && res.status !== 404) throw new Error(`management API ${method} ${path}: ${res.status}`);
}

/** Drops a test's PostgreSQL schema. */
export async function dropSchema(schema: string): Promise<void> {
  const c = new Client({ connectionString: databaseUrl() });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}

/** Runs one query in a schema (tests look into the journal directly). */
export async function sql<T = Record<string, unknown>>(schema: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Polls until `check` returns a truthy value or the time runs out (then throws with `what`). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20000, everyMs = 50): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
