/**
 * Starts every mock: standalone for portal developers and manual testing (`npm run mocks`,
 * `node dist/mocks/main.js`, the mocks image), or in process through {@link startMockSuite}
 * (a demo command, tests).
 *
 * Environment of the standalone run (ports: 0 picks a free one):
 * - `MOCK_HOST` (default 127.0.0.1)
 * - `MOCK_1C_PORT` (8081), `MOCK_1C_USERS` JSON `[{"login":"…","password":"…"}]`
 * - `MOCK_TWILIO_PORT` (8082), `MOCK_TURBOSMS_PORT` (8083), `MOCK_TELEGRAM_PORT` (8084),
 *   `MOCK_VIBER_PORT` (8085), `MOCK_SMTP_PORT` (2525), `MOCK_SMTP_ADMIN_PORT` (8025) and
 *   `MOCK_S3_PORT` (8086)
 * - `MOCK_AUTO_CREATE` (default `true`): the Telegram and Viber mocks accept any chat / user id,
 *   so a demo needs no setup; `false` makes unknown recipients fail as on the real services.
 */
import { DEFAULT_USERS, start1cDocflowMock, type DmUserAccount, type RunningDocflowMock } from './1c-docflow';
import { EnvReader } from './_kit';
import { startS3Mock, type RunningS3Mock } from './s3';
import { startSmtpMock, type RunningSmtpMock } from './smtp';
import { startTelegramMock, type RunningTelegramMock } from './telegram';
import { startTurboSmsMock, type RunningTurboSmsMock } from './turbosms';
import { startTwilioMock, type RunningTwilioMock } from './twilio';
import { startViberMock, type RunningViberMock } from './viber';

/** The mocks of the suite, in start order. */
export const MOCK_NAMES = ['docflow', 'twilio', 'turbosms', 'telegram', 'viber', 'smtp', 's3'] as const;
/** One of {@link MOCK_NAMES}. */
export type MockName = (typeof MOCK_NAMES)[number];

/** A started mock, as listed on startup. */
export interface StartedMock {
  /** Shown name (`1С:Документооборот DMService`). */
  name: string;
  /** Where clients connect (an `smtp://` URL for the SMTP mock). */
  url: string;
  /** Where the `/__admin` API lives. */
  adminUrl: string;
  close(): Promise<void>;
}

/** Where a suite's mocks listen; every field optional. */
export interface MockSuiteOptions {
  /** Interface of every mock (default 127.0.0.1). */
  host?: string;
  /** Ports (0 = any free port); defaults 8081-8085, SMTP 2525 and its admin API 8025, S3 8086. */
  ports?: Partial<Record<MockName | 'smtpAdmin', number>>;
  /** Basic-auth users of the 1C mock (default {@link DEFAULT_USERS}). */
  docflowUsers?: DmUserAccount[];
  /** Telegram and Viber accept any chat / user id (default true: a demo needs no setup). */
  autoCreate?: boolean;
}

/** A running suite: one handle per mock for driving it in process, their URLs, and one stop. */
export interface MockSuite {
  /** In start order, as printed at startup. */
  mocks: StartedMock[];
  /** Client and admin URL of each mock, by name. */
  urls: Record<MockName, { url: string; adminUrl: string }>;
  /** The running mocks themselves (clerk, citizens' chats, mailboxes…), by name. */
  handles: {
    docflow: RunningDocflowMock;
    twilio: RunningTwilioMock;
    turbosms: RunningTurboSmsMock;
    telegram: RunningTelegramMock;
    viber: RunningViberMock;
    smtp: RunningSmtpMock;
    s3: RunningS3Mock;
  };
  /** Stops every mock; safe to call twice. */
  stop(): Promise<void>;
}

/** The suite as {@link startAllMocks} returns it: the list of mocks, with the suite's fields on it. */
export type StartedMocks = StartedMock[] & Omit<MockSuite, 'mocks'>;

const DEFAULT_PORTS: Record<MockName | 'smtpAdmin', number> = {
  docflow: 8081,
  twilio: 8082,
  turbosms: 8083,
  telegram: 8084,
  viber: 8085,
  smtp: 2525,
  smtpAdmin: 8025,
  s3: 8086,
};

/**
 * Starts the seven mocks in process. When one fails to start, the ones already started are stopped
 * and the error is rethrown.
 * @throws the failing mock's error (`EADDRINUSE`, `MockAdminError` for bad options)
 */
export async function startMockSuite(options: MockSuiteOptions = {}): Promise<MockSuite> {
  const host = options.host ?? '127.0.0.1';
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const autoCreate = options.autoCreate ?? true;
  const started: StartedMock[] = [];
  const handles: Partial<MockSuite['handles']> = {};
  const urls: Partial<MockSuite['urls']> = {};
  const add = (key: MockName, m: StartedMock) => {
    started.push(m);
    urls[key] = { url: m.url, adminUrl: m.adminUrl };
  };
  try {
    const dm = await start1cDocflowMock({ host, port: ports.docflow, users: options.docflowUsers ?? [...DEFAULT_USERS] });
    handles.docflow = dm;
    add('docflow', { name: '1С:Документооборот DMService', url: dm.url, adminUrl: `${dm.baseUrl}/__admin`, close: dm.close });
    const tw = await startTwilioMock({ host, port: ports.twilio });
    handles.twilio = tw;
    add('twilio', { name: 'Twilio Messages API', url: tw.url, adminUrl: `${tw.baseUrl}/__admin`, close: tw.close });
    const turbo = await startTurboSmsMock({ host, port: ports.turbosms });
    handles.turbosms = turbo;
    add('turbosms', { name: 'TurboSMS API', url: turbo.url, adminUrl: `${turbo.baseUrl}/__admin`, close: turbo.close });
    const tg = await startTelegramMock({ host, port: ports.telegram, autoCreateChats: autoCreate });
    handles.telegram = tg;
    add('telegram', { name: 'Telegram Bot API', url: tg.apiRoot, adminUrl: `${tg.baseUrl}/__admin`, close: tg.close });
    const vb = await startViberMock({ host, port: ports.viber, autoCreateUsers: autoCreate });
    handles.viber = vb;
    add('viber', { name: 'Viber REST Bot API', url: vb.url, adminUrl: `${vb.baseUrl}/__admin`, close: vb.close });
    const smtp = await startSmtpMock({ host, port: ports.smtp, adminPort: ports.smtpAdmin });
    handles.smtp = smtp;
    add('smtp', { name: 'SMTP server', url: smtp.smtpUrl, adminUrl: smtp.adminUrl, close: smtp.close });
    const s3 = await startS3Mock({ host, port: ports.s3 });
    handles.s3 = s3;
    add('s3', { name: 'S3-compatible object store', url: s3.url, adminUrl: `${s3.baseUrl}/__admin`, close: s3.close });
  } catch (err) {
    await Promise.all(started.map((m) => m.close()));
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    mocks: started,
    urls: urls as MockSuite['urls'],
    handles: handles as MockSuite['handles'],
    stop: () => (stopping ??= Promise.all(started.map((m) => m.close())).then(() => undefined)),
  };
}

/**
 * The suite's options from `MOCK_*` variables (see the file comment).
 * @throws Error naming the variable when one is invalid
 */
export function mockSuiteOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): MockSuiteOptions {
  const e = new EnvReader(env);
  return {
    host: e.str('MOCK_HOST', '127.0.0.1'),
    ports: {
      docflow: e.port('MOCK_1C_PORT', DEFAULT_PORTS.docflow),
      twilio: e.port('MOCK_TWILIO_PORT', DEFAULT_PORTS.twilio),
      turbosms: e.port('MOCK_TURBOSMS_PORT', DEFAULT_PORTS.turbosms),
      telegram: e.port('MOCK_TELEGRAM_PORT', DEFAULT_PORTS.telegram),
      viber: e.port('MOCK_VIBER_PORT', DEFAULT_PORTS.viber),
      smtp: e.port('MOCK_SMTP_PORT', DEFAULT_PORTS.smtp),
      smtpAdmin: e.port('MOCK_SMTP_ADMIN_PORT', DEFAULT_PORTS.smtpAdmin),
      s3: e.port('MOCK_S3_PORT', DEFAULT_PORTS.s3),
    },
    docflowUsers: e.json('MOCK_1C_USERS', () => [...DEFAULT_USERS], '[{"login":"…","password":"…"}]', checkUsers),
    autoCreate: e.flag('MOCK_AUTO_CREATE', true),
  };
}

/**
 * Starts all mocks from environment variables: the list of started mocks, which also carries
 * the suite's `urls`, `handles` and `stop()`.
 * @throws Error naming the variable when one is invalid
 */
export async function startAllMocks(env: NodeJS.ProcessEnv = process.env): Promise<StartedMocks> {
  const suite = await startMockSuite(mockSuiteOptionsFromEnv(env));
  return Object.assign([...suite.mocks], { urls: suite.urls, handles: suite.handles, stop: suite.stop });
}

function checkUsers(value: unknown): DmUserAccount[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((u) => typeof u === 'object' && u !== null && typeof u.login === 'string' && u.login !== '' && typeof u.password === 'string')) {
    throw new Error('must be a non-empty array of {"login": string, "password": string}');
  }
  return value.map((u: DmUserAccount) => ({ login: u.login, password: u.password, ...(typeof u.name === 'string' ? { name: u.name } : {}) }));
}

async function main(): Promise<void> {
  let suite: MockSuite;
  try {
    suite = await startMockSuite(mockSuiteOptionsFromEnv());
  } catch (err) {
    process.stderr.write(`mocks: ${(err as Error).message}\n`);
    process.exit(1);
  }
  for (const m of suite.mocks) process.stdout.write(`${m.name}: ${m.url}  (admin: ${m.adminUrl})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`mocks: ${signal}, stopping\n`);
    suite.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

if (require.main === module) void main();
