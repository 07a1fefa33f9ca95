import { MockAdminError, OptionsReader, type RequestRecorderOptions } from '../_kit';

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
  const r = new OptionsReader('TurboSMS mock options', input, KNOWN);
  const o = r.o;
  const port = r.int('port', 0, 65_535, 0);
  const duplicateWindowMs = r.int('duplicateWindowMs', 0, 7 * DAY_MS, 600_000);
  const maxRecipients = r.int('maxRecipients', 1, 1_000_000, 5000);
  const maxBodyBytes = r.int('maxBodyBytes', 1024, 256 * 1024 * 1024, 1024 * 1024);
  const host = r.str('host', '127.0.0.1');
  const list = (k: string, fallback: readonly string[], item: (s: string) => boolean, message: string): string[] => {
    const v = o[k];
    if (v === undefined) return [...fallback];
    if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && item(s))) return [...(v as string[])];
    r.problem(message);
    return [...fallback];
  };
  const tokens = list('tokens', DEFAULT_TOKENS, (s) => /^\S{1,200}$/.test(s), 'tokens must be a non-empty array of strings without spaces (≤ 200 characters)');
  const senders = list('senders', DEFAULT_SENDERS, (s) => s.trim() !== '' && s.length <= 64, 'senders must be a non-empty array of non-empty strings (≤ 64 characters)');
  let balance = 100_000;
  if (o.balance !== undefined) {
    if (typeof o.balance !== 'number' || !Number.isFinite(o.balance) || o.balance < 0) r.problem('balance must be a number ≥ 0');
    else balance = o.balance;
  }
  const clock = r.fn('clock', Date.now);
  const recorder = r.object<RequestRecorderOptions>('recorder', {});
  let autoProgress: AutoProgress = { ...DEFAULT_AUTO_PROGRESS };
  if (o.autoProgress !== undefined) {
    try {
      autoProgress = { ...autoProgress, ...checkAutoProgress(o.autoProgress) };
    } catch (err) {
      r.problems.push(...(((err as MockAdminError).details as { problems?: string[] })?.problems ?? [(err as Error).message]));
    }
  }
  r.done();
  return {
    host,
    port,
    tokens,
    senders,
    duplicateWindowMs,
    autoProgress,
    balance,
    maxRecipients,
    maxBodyBytes,
    recorder: { maxBodyBytes: 64 * 1024, ...recorder },
    clock,
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
