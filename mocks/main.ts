/**
 * Starts every mock standalone, for portal developers and manual testing (`npm run mocks`).
 *
 * Environment (ports: 0 picks a free one):
 * - `MOCK_HOST` (default 127.0.0.1)
 * - `MOCK_1C_PORT` (8081), `MOCK_1C_USERS` JSON `[{"login":"…","password":"…"}]`
 * - `MOCK_TWILIO_PORT` (8082), `MOCK_TURBOSMS_PORT` (8083), `MOCK_TELEGRAM_PORT` (8084),
 *   `MOCK_VIBER_PORT` (8085), `MOCK_SMTP_PORT` (2525) and `MOCK_SMTP_ADMIN_PORT` (8025)
 * - `MOCK_AUTO_CREATE` (default `true`): the Telegram and Viber mocks accept any chat / user id,
 *   so a demo needs no setup; `false` makes unknown recipients fail as on the real services.
 */
import { DEFAULT_USERS, start1cDocflowMock, type DmUserAccount } from './1c-docflow';
import { startSmtpMock } from './smtp';
import { startTelegramMock } from './telegram';
import { startTurboSmsMock } from './turbosms';
import { startTwilioMock } from './twilio';
import { startViberMock } from './viber';

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
  const port = (name: string, fallback: number) => parsePort(env[name], fallback, name);
  const ports = {
    dm: port('MOCK_1C_PORT', 8081),
    twilio: port('MOCK_TWILIO_PORT', 8082),
    turbo: port('MOCK_TURBOSMS_PORT', 8083),
    telegram: port('MOCK_TELEGRAM_PORT', 8084),
    viber: port('MOCK_VIBER_PORT', 8085),
    smtp: port('MOCK_SMTP_PORT', 2525),
    smtpAdmin: port('MOCK_SMTP_ADMIN_PORT', 8025),
  };
  const users = parseUsers(env.MOCK_1C_USERS);
  const autoCreate = (env.MOCK_AUTO_CREATE ?? 'true') !== 'false';
  const started: StartedMock[] = [];
  try {
    const dm = await start1cDocflowMock({ host, port: ports.dm, users });
    started.push({ name: '1С:Документооборот DMService', url: dm.url, adminUrl: `${dm.baseUrl}/__admin`, close: dm.close });
    const tw = await startTwilioMock({ host, port: ports.twilio });
    started.push({ name: 'Twilio Messages API', url: tw.url, adminUrl: `${tw.baseUrl}/__admin`, close: tw.close });
    const turbo = await startTurboSmsMock({ host, port: ports.turbo });
    started.push({ name: 'TurboSMS API', url: turbo.url, adminUrl: `${turbo.baseUrl}/__admin`, close: turbo.close });
    const tg = await startTelegramMock({ host, port: ports.telegram, autoCreateChats: autoCreate });
    started.push({ name: 'Telegram Bot API', url: tg.apiRoot, adminUrl: `${tg.baseUrl}/__admin`, close: tg.close });
    const vb = await startViberMock({ host, port: ports.viber, autoCreateUsers: autoCreate });
    started.push({ name: 'Viber REST Bot API', url: vb.url, adminUrl: `${vb.baseUrl}/__admin`, close: vb.close });
    const smtp = await startSmtpMock({ host, port: ports.smtp, adminPort: ports.smtpAdmin });
    started.push({ name: 'SMTP server', url: smtp.smtpUrl, adminUrl: smtp.adminUrl, close: smtp.close });
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
