import { OptionsReader } from '../_kit';

/** An SMTP AUTH account (PLAIN or LOGIN). */
export interface SmtpUser {
  user: string;
  pass: string;
}

/** Options of {@link startSmtpMock}; all optional. */
export interface SmtpMockOptions {
  /** Interface of both listeners (default 127.0.0.1). */
  host?: string;
  /** SMTP port (default 0: any free port). */
  port?: number;
  /** Port of the admin HTTP API (default 0: any free port). */
  adminPort?: number;
  /** Accepted AUTH accounts (default `[{ user: 'hub', pass: 'smtp-demo-secret' }]`). */
  users?: SmtpUser[];
  /** Accept MAIL FROM without AUTH (default false: `530 5.7.0`). */
  authOptional?: boolean;
  /** Allow AUTH before STARTTLS (default false: `538 5.7.0 Must issue a STARTTLS command first`). */
  allowInsecureAuth?: boolean;
  /** Largest message in bytes, advertised as EHLO SIZE (default 10 MiB); bigger gets `552 5.3.4`. */
  sizeLimit?: number;
  /** Implicit TLS from the first byte, like port 465 (default false: plain text with STARTTLS offered). */
  secure?: boolean;
  /** Text after `220 <hostname> ESMTP` in the greeting (default `cabinet-hub SMTP mock`). */
  banner?: string;
  /** The server's name in the greeting and the EHLO reply (default `smtp.mock.local`). */
  hostname?: string;
  /** The mailbox keeps the newest this many messages (default 200 000). */
  maxMessages?: number;
  /** Raw sources are kept up to this many bytes each (default 1 MiB). */
  maxRawBytes?: number;
  /** Raw sources of the oldest messages are dropped while all kept ones exceed this (default 256 MiB). */
  maxTotalRawBytes?: number;
  /** `text` and `html` are kept up to this many characters each (default 256 Ki). */
  maxBodyChars?: number;
  /** The refusal log keeps the newest this many (default 10 000). */
  maxRejections?: number;
  /** An idle connection is closed with `421` after this long (default 60 000 ms, as smtp-server). */
  socketTimeoutMs?: number;
  /** Milliseconds since the epoch, for `receivedAt` and refusal times; injectable for tests. */
  clock?: () => number;
}

/** The options with every default applied. */
export type ResolvedSmtpMockOptions = Required<SmtpMockOptions>;

/** The default account of tests and of the standalone mock. */
export const DEFAULT_SMTP_USERS: readonly SmtpUser[] = [{ user: 'hub', pass: 'smtp-demo-secret' }];

const MiB = 1024 * 1024;

/** Defaults of everything but `users` and `clock`. */
export const SMTP_MOCK_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  adminPort: 0,
  authOptional: false,
  allowInsecureAuth: false,
  sizeLimit: 10 * MiB,
  secure: false,
  banner: 'cabinet-hub SMTP mock',
  hostname: 'smtp.mock.local',
  maxMessages: 200_000,
  maxRawBytes: MiB,
  maxTotalRawBytes: 256 * MiB,
  maxBodyChars: 256 * 1024,
  maxRejections: 10_000,
  socketTimeoutMs: 60_000,
} as const;

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  port: [0, 65535],
  adminPort: [0, 65535],
  sizeLimit: [1024, 100 * MiB],
  maxMessages: [1, 10_000_000],
  maxRawBytes: [0, 100 * MiB],
  maxTotalRawBytes: [0, 16 * 1024 * MiB],
  maxBodyChars: [0, 100 * MiB],
  maxRejections: [1, 10_000_000],
  socketTimeoutMs: [100, 3_600_000],
};
const BOOLEANS = ['authOptional', 'allowInsecureAuth', 'secure'];
const KNOWN = [...Object.keys(SMTP_MOCK_DEFAULTS), 'users', 'clock'];
// Printable ASCII only: the banner and the name go into SMTP reply lines.
const REPLY_TEXT = /^[\x20-\x7e]{0,200}$/;
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/**
 * Checks the options and applies the defaults.
 * @throws MockAdminError(400) listing every problem
 */
export function resolveSmtpMockOptions(input: SmtpMockOptions = {}): ResolvedSmtpMockOptions {
  const r = new OptionsReader('SMTP mock options', input, KNOWN);
  for (const [key, [min, max]] of Object.entries(INT_RANGES)) r.int(key, min, max, 0);
  for (const key of BOOLEANS) r.bool(key, false);
  r.str('host', '');
  r.str('banner', '', REPLY_TEXT, 'banner must be printable ASCII of at most 200 characters');
  r.str('hostname', '', HOSTNAME, 'hostname must be a host name like smtp.example.org');
  r.fn('clock', Date.now);
  if (r.o.users !== undefined) r.problems.push(...checkUsers(r.o.users));
  r.done();
  const given = Object.fromEntries(Object.entries(r.o).filter(([, v]) => v !== undefined));
  return {
    ...SMTP_MOCK_DEFAULTS,
    users: DEFAULT_SMTP_USERS.map((u) => ({ ...u })),
    clock: Date.now,
    ...given,
  } as ResolvedSmtpMockOptions;
}

function checkUsers(users: unknown): string[] {
  if (!Array.isArray(users) || users.length === 0) return ['users must be a non-empty array of { user, pass }'];
  const problems: string[] = [];
  const seen = new Set<string>();
  users.forEach((u, i) => {
    if (typeof u !== 'object' || u === null) return void problems.push(`users[${i}] must be an object { user, pass }`);
    const extra = Object.keys(u).filter((k) => k !== 'user' && k !== 'pass');
    if (extra.length > 0) problems.push(`users[${i}] has unknown field(s) ${extra.join(', ')}`);
    const { user, pass } = u as Record<string, unknown>;
    if (typeof user !== 'string' || user === '' || user.length > 256) problems.push(`users[${i}].user must be a non-empty string`);
    else if (seen.has(user)) problems.push(`users[${i}].user ${user} is listed twice`);
    else seen.add(user);
    if (typeof pass !== 'string' || pass.length > 256) problems.push(`users[${i}].pass must be a string`);
  });
  return problems;
}
