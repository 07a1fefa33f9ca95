/**
 * Starts every mock standalone, for portal developers and manual testing (`npm run mocks`, once
 * the lead wires it to `dist/mocks/main.js`).
 *
 * Environment:
 * - `MOCK_HOST` (default 127.0.0.1)
 * - `MOCK_1C_PORT` (default 8081; 0 picks a free port)
 * - `MOCK_1C_USERS` JSON `[{"login":"…","password":"…"}]` (default one user "Портал Интеграция" / "portal-secret")
 */
import { DEFAULT_USERS, start1cDocflowMock, type DmUserAccount } from './1c-docflow';

/** A started mock, as listed on startup. */
export interface StartedMock {
  name: string;
  /** Where clients connect. */
  url: string;
  /** Where the `/__admin` API lives. */
  adminUrl: string;
  close(): Promise<void>;
}

/**
 * Starts all mocks from environment variables.
 * @throws Error naming the variable when one is invalid
 */
export async function startAllMocks(env: NodeJS.ProcessEnv = process.env): Promise<StartedMock[]> {
  const host = env.MOCK_HOST || '127.0.0.1';
  const port = parsePort(env.MOCK_1C_PORT, 8081, 'MOCK_1C_PORT');
  const users = parseUsers(env.MOCK_1C_USERS);
  const started: StartedMock[] = [];
  try {
    const dm = await start1cDocflowMock({ host, port, users });
    started.push({ name: '1С:Документооборот DMService', url: dm.url, adminUrl: `${dm.baseUrl}/__admin`, close: dm.close });
  } catch (err) {
    await Promise.all(started.map((m) => m.close()));
    throw err;
  }
  return started;
}

function parsePort(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  return n;
}

function parseUsers(raw: string | undefined): DmUserAccount[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_USERS];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error('MOCK_1C_USERS must be JSON: [{"login":"…","password":"…"}]');
  }
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((u) => typeof u === 'object' && u !== null && typeof u.login === 'string' && u.login !== '' && typeof u.password === 'string')
  ) {
    throw new Error('MOCK_1C_USERS must be a non-empty array of {"login": string, "password": string}');
  }
  return value.map((u: DmUserAccount) => ({ login: u.login, password: u.password, ...(typeof u.name === 'string' ? { name: u.name } : {}) }));
}

async function main(): Promise<void> {
  let mocks: StartedMock[];
  try {
    mocks = await startAllMocks();
  } catch (err) {
    process.stderr.write(`mocks: ${(err as Error).message}\n`);
    process.exit(1);
  }
  for (const m of mocks) process.stdout.write(`${m.name}: ${m.url}  (admin: ${m.adminUrl})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`mocks: ${signal}, stopping\n`);
    Promise.all(mocks.map((m) => m.close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) void main();
