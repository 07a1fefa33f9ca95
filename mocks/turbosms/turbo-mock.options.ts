import { MockAdminError, type RequestRecorderOptions } from '../_kit';

/** How accepted messages move on by themselves. */
export interface AutoProgress {
  /** When false, messages stay `Sent` until an operator sets their status (default true). */
  enabled: boolean;
  /** Final status (Delivered, Undelivered, …) this long after sending (default 50). */
  deliveredAfterMs: number;
  /** Viber messages of `delivered` recipients become `Read` this long after sending (default 100). */
  readAfterMs: number;
}

/** Options of the TurboSMS mock; all optional. */
export interface TurboSmsMockOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Accepted API tokens, all of one account (default `['turbosms-demo-token']`). */
  tokens?: string[];
  /** Alpha-names allowed as `sms.sender` / `viber.sender` (default `['CityInfo', 'Cabinet']`). */
  senders?: string[];
  /** How long an identical send is answered 507 (default 600 000 ms; 0 turns it off). */
  duplicateWindowMs?: number;
  /** Automatic status progression; missing fields take their defaults. */
  autoProgress?: Partial<AutoProgress>;
  /** Starting balance in UAH (default 100 000); an SMS segment or a Viber message costs 1. */
  balance?: number;
  /** Most recipients in one send (default 5000; more → 405). */
  maxRecipients?: number;
  /** Largest request body in bytes (default 1 MiB; more → HTTP 413 with a 999 envelope). */
  maxBodyBytes?: number;
  /** Limits of the kit's request log (default: bodies cut at 64 KiB, kit defaults otherwise). */
  recorder?: RequestRecorderOptions;
  /** Milliseconds since the epoch; injectable to drive dates, progression and the duplicate window. */
  clock?: () => number;
}

/** Options with defaults applied. */
export interface ResolvedTurboOptions {
  host: string;
  port: number;
  tokens: string[];
  senders: string[];
  duplicateWindowMs: number;
  autoProgress: AutoProgress;
  balance: number;
  maxRecipients: number;
  maxBodyBytes: number;
  recorder: RequestRecorderOptions;
  clock: () => number;
}

/** Default API token of the standalone mock and of tests that do not care. */
export const DEFAULT_TOKENS: readonly string[] = ['turbosms-demo-token'];
/** Default allowed alpha-names. */
export const DEFAULT_SENDERS: readonly string[] = ['CityInfo', 'Cabinet'];
/** Defaults of {@link AutoProgress}. */
export const DEFAULT_AUTO_PROGRESS: Readonly<AutoProgress> = { enabled: true, deliveredAfterMs: 50, readAfterMs: 100 };

const KNOWN = ['host', 'port', 'tokens', 'senders', 'duplicateWindowMs', 'autoProgress', 'balance', 'maxRecipients', 'maxBodyBytes', 'recorder', 'clock'];
const DAY_MS = 86_400_000;

/**
 * Checks the options and applies defaults.
 * @throws MockAdminError(400) listing every problem (`details.problems`)
 */
export function resolveTurboOptions(input: TurboSmsMockOptions = {}): ResolvedTurboOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new MockAdminError(400, 'options must be an object');
  const o = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!KNOWN.includes(k)) problems.push(`${k} is not an option (${KNOWN.join(', ')})`);
  const int = (k: string, min: number, max: number) => {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= min && (o[k] as number) <= max)) {
      problems.push(`${k} must be an integer from ${min} to ${max}`);
    }
  };
  int('port', 0, 65_535);
  int('duplicateWindowMs', 0, 7 * DAY_MS);
  int('maxRecipients', 1, 1_000_000);
  int('maxBodyBytes', 1024, 256 * 1024 * 1024);
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host.trim() === '')) problems.push('host must be a non-empty string');
  const list = (k: string, item: (s: string) => boolean, message: string) => {
    const v = o[k];
    if (v !== undefined && (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' && item(s)))) problems.push(message);
  };
  list('tokens', (s) => /^\S{1,200}$/.test(s), 'tokens must be a non-empty array of strings without spaces (≤ 200 characters)');
  list('senders', (s) => s.trim() !== '' && s.length <= 64, 'senders must be a non-empty array of non-empty strings (≤ 64 characters)');
  if (o.balance !== undefined && (typeof o.balance !== 'number' || !Number.isFinite(o.balance) || o.balance < 0)) problems.push('balance must be a number ≥ 0');
  if (o.clock !== undefined && typeof o.clock !== 'function') problems.push('clock must be a function');
  if (o.recorder !== undefined && (typeof o.recorder !== 'object' || o.recorder === null || Array.isArray(o.recorder))) problems.push('recorder must be an object');
  let autoProgress: AutoProgress = { ...DEFAULT_AUTO_PROGRESS };
  if (o.autoProgress !== undefined) {
    try {
      autoProgress = { ...autoProgress, ...checkAutoProgress(o.autoProgress) };
    } catch (err) {
      problems.push(...(((err as MockAdminError).details as { problems?: string[] })?.problems ?? [(err as Error).message]));
    }
  }
  if (problems.length > 0) throw new MockAdminError(400, `invalid TurboSMS mock options: ${problems.join('; ')}`, { problems });
  return {
    host: (o.host as string | undefined) ?? '127.0.0.1',
    port: (o.port as number | undefined) ?? 0,
    tokens: [...((o.tokens as string[] | undefined) ?? DEFAULT_TOKENS)],
    senders: [...((o.senders as string[] | undefined) ?? DEFAULT_SENDERS)],
    duplicateWindowMs: (o.duplicateWindowMs as number | undefined) ?? 600_000,
    autoProgress,
    balance: (o.balance as number | undefined) ?? 100_000,
    maxRecipients: (o.maxRecipients as number | undefined) ?? 5000,
    maxBodyBytes: (o.maxBodyBytes as number | undefined) ?? 1024 * 1024,
    recorder: { maxBodyBytes: 64 * 1024, ...((o.recorder as RequestRecorderOptions | undefined) ?? {}) },
    clock: (o.clock as (() => number) | undefined) ?? Date.now,
  };
}

/**
 * Checks a partial {@link AutoProgress} (options, or `POST /__admin/auto-progress`).
 * @throws MockAdminError(400) listing every problem
 */
export function checkAutoProgress(input: unknown): Partial<AutoProgress> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new MockAdminError(400, 'autoProgress must be an object', { problems: ['autoProgress must be an object'] });
  const o = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!(k in DEFAULT_AUTO_PROGRESS)) problems.push(`autoProgress.${k} is not a setting (enabled, deliveredAfterMs, readAfterMs)`);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') problems.push('autoProgress.enabled must be a boolean');
  for (const k of ['deliveredAfterMs', 'readAfterMs']) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= 0 && (o[k] as number) <= DAY_MS)) {
      problems.push(`autoProgress.${k} must be an integer from 0 to ${DAY_MS}`);
    }
  }
  if (problems.length > 0) throw new MockAdminError(400, `invalid autoProgress: ${problems.join('; ')}`, { problems });
  return o as Partial<AutoProgress>;
}
