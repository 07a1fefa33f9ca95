import { MockAdminError, type RequestRecorderOptions } from '../_kit';
import { ACCOUNT_SID, SERVICE_SID } from './twilio-sid.codec';

/** An account the mock accepts with HTTP Basic `sid:authToken`; its token also signs callbacks. */
export interface TwilioAccount {
  /** `AC` + 32 lower-case hex digits. */
  sid: string;
  authToken: string;
}

/** Timing of the automatic status progression. */
export interface AutoProgressOptions {
  /** Move messages on by themselves (default true). When false they stay in their initial status until `messages.setStatus`. */
  enabled?: boolean;
  /** After creation, the message goes `sending` then `sent` (or `failed`) after this long (default 20). */
  sentAfterMs?: number;
  /** After creation, the final status (`delivered` / `undelivered`) comes after this long (default 60; ≥ sentAfterMs). */
  deliveredAfterMs?: number;
}

/** Options of {@link startTwilioMock}; all optional and validated. */
export interface TwilioMockOptions {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (0 = any free port, the default). */
  port?: number;
  /** Accepted accounts (default one: {@link DEFAULT_ACCOUNT}). */
  accounts?: TwilioAccount[];
  autoProgress?: AutoProgressOptions;
  /** Send the `delivered` / `undelivered` callback before the `sent` one (default false). */
  outOfOrderCallbacks?: boolean;
  /** Requests per second per account over which the API answers 429 / 20429 (default: no limit). */
  ratePerSecond?: number;
  /** Retries of a callback that got no 2xx (default 3, so up to 4 attempts). */
  callbackRetries?: number;
  /** Pause before each callback retry (default 50 ms). */
  callbackRetryDelayMs?: number;
  /** A callback attempt with no answer after this long counts as failed (default 5000 ms). */
  callbackTimeoutMs?: number;
  /** Accepted `MessagingServiceSid`s; default: any well-formed `MG…` SID. */
  messagingServices?: string[];
  /** The number a Messaging Service sends from when the request has no `From` (default `+15005550006`). */
  serviceSender?: string;
  /** Callback attempts kept for `callbacks.list()`, newest kept (default 10 000). */
  callbackLogLimit?: number;
  /** Largest request body (default 256 KiB; more → 413 in Twilio's error shape). */
  maxBodyBytes?: number;
  /** Limits of the kit's request log (see `RequestRecorderOptions`). */
  recorder?: RequestRecorderOptions;
  /** Milliseconds since the epoch for resource dates; injectable in tests. Timers stay real. */
  clock?: () => number;
}

/** The options with every default filled in. */
export interface ResolvedTwilioOptions {
  host: string;
  port: number;
  accounts: TwilioAccount[];
  autoProgress: Required<AutoProgressOptions>;
  outOfOrderCallbacks: boolean;
  ratePerSecond: number | null;
  callbackRetries: number;
  callbackRetryDelayMs: number;
  callbackTimeoutMs: number;
  messagingServices: string[] | null;
  serviceSender: string;
  callbackLogLimit: number;
  maxBodyBytes: number;
  recorder: RequestRecorderOptions | undefined;
  clock: () => number;
}

/** The account used when none is configured. */
export const DEFAULT_ACCOUNT: Readonly<TwilioAccount> = {
  sid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  authToken: 'twilio-demo-auth-token',
};

const KEYS = [
  'host', 'port', 'accounts', 'autoProgress', 'outOfOrderCallbacks', 'ratePerSecond', 'callbackRetries',
  'callbackRetryDelayMs', 'callbackTimeoutMs', 'messagingServices', 'serviceSender', 'callbackLogLimit',
  'maxBodyBytes', 'recorder', 'clock',
];
const PROGRESS_KEYS = ['enabled', 'sentAfterMs', 'deliveredAfterMs'];

/**
 * Validates options and fills in defaults, reporting every problem at once; unknown keys are
 * errors, so a misspelt option does not silently fall back to its default.
 * @throws MockAdminError(400) with `details.problems`
 */
export function resolveTwilioOptions(input: unknown = {}): ResolvedTwilioOptions {
  const problems: string[] = [];
  if (!isObject(input)) throw new MockAdminError(400, 'twilio mock options must be an object');
  const o = input;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) problems.push(`${k} is not an option`);

  const int = (v: unknown, name: string, min: number, max: number): boolean => {
    if (v === undefined) return true;
    if (Number.isInteger(v) && (v as number) >= min && (v as number) <= max) return true;
    problems.push(`${name} must be an integer from ${min} to ${max}`);
    return false;
  };
  const bool = (v: unknown, name: string) => {
    if (v !== undefined && typeof v !== 'boolean') problems.push(`${name} must be a boolean`);
  };

  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === '')) problems.push('host must be a non-empty string');
  int(o.port, 'port', 0, 65535);
  bool(o.outOfOrderCallbacks, 'outOfOrderCallbacks');
  int(o.ratePerSecond, 'ratePerSecond', 1, 1_000_000);
  int(o.callbackRetries, 'callbackRetries', 0, 10);
  int(o.callbackRetryDelayMs, 'callbackRetryDelayMs', 0, 60_000);
  int(o.callbackTimeoutMs, 'callbackTimeoutMs', 1, 120_000);
  int(o.callbackLogLimit, 'callbackLogLimit', 0, 10_000_000);
  int(o.maxBodyBytes, 'maxBodyBytes', 1024, 64 * 1024 * 1024);
  if (o.serviceSender !== undefined && (typeof o.serviceSender !== 'string' || !/^\+[1-9]\d{1,14}$/.test(o.serviceSender))) {
    problems.push('serviceSender must be an E.164 number');
  }
  if (o.clock !== undefined && typeof o.clock !== 'function') problems.push('clock must be a function');
  if (o.recorder !== undefined && !isObject(o.recorder)) problems.push('recorder must be an object');

  const accounts = checkAccounts(o.accounts, problems);
  const services = checkServices(o.messagingServices, problems);
  const progress = checkProgress(o.autoProgress, problems, int, bool);

  if (problems.length > 0) throw new MockAdminError(400, `invalid twilio mock options: ${problems.join('; ')}`, { problems });
  return {
    host: (o.host as string | undefined) ?? '127.0.0.1',
    port: (o.port as number | undefined) ?? 0,
    accounts,
    autoProgress: progress,
    outOfOrderCallbacks: (o.outOfOrderCallbacks as boolean | undefined) ?? false,
    ratePerSecond: (o.ratePerSecond as number | undefined) ?? null,
    callbackRetries: (o.callbackRetries as number | undefined) ?? 3,
    callbackRetryDelayMs: (o.callbackRetryDelayMs as number | undefined) ?? 50,
    callbackTimeoutMs: (o.callbackTimeoutMs as number | undefined) ?? 5000,
    messagingServices: services,
    serviceSender: (o.serviceSender as string | undefined) ?? '+15005550006',
    callbackLogLimit: (o.callbackLogLimit as number | undefined) ?? 10_000,
    maxBodyBytes: (o.maxBodyBytes as number | undefined) ?? 256 * 1024,
    recorder: o.recorder as RequestRecorderOptions | undefined,
    clock: (o.clock as (() => number) | undefined) ?? Date.now,
  };
}

function checkAccounts(v: unknown, problems: string[]): TwilioAccount[] {
  if (v === undefined) return [{ ...DEFAULT_ACCOUNT }];
  if (!Array.isArray(v) || v.length === 0) {
    problems.push('accounts must be a non-empty array of { sid, authToken }');
    return [];
  }
  const seen = new Set<string>();
  v.forEach((a, i) => {
    if (!isObject(a) || typeof a.sid !== 'string' || !ACCOUNT_SID.test(a.sid)) {
      problems.push(`accounts[${i}].sid must be AC followed by 32 lower-case hex digits`);
      return;
    }
    if (typeof a.authToken !== 'string' || a.authToken === '' || a.authToken.length > 256) {
      problems.push(`accounts[${i}].authToken must be a non-empty string`);
    }
    if (seen.has(a.sid)) problems.push(`accounts[${i}].sid ${a.sid} is repeated`);
    seen.add(a.sid);
  });
  return (v as TwilioAccount[]).map((a) => ({ sid: a?.sid, authToken: a?.authToken }));
}

function checkServices(v: unknown, problems: string[]): string[] | null {
  if (v === undefined) return null;
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && SERVICE_SID.test(s))) {
    problems.push('messagingServices must be an array of MG followed by 32 hex digits');
    return null;
  }
  return [...v];
}

function checkProgress(
  v: unknown,
  problems: string[],
  int: (v: unknown, name: string, min: number, max: number) => boolean,
  bool: (v: unknown, name: string) => void,
): Required<AutoProgressOptions> {
  const p = v === undefined ? {} : v;
  if (!isObject(p)) {
    problems.push('autoProgress must be an object');
    return { enabled: true, sentAfterMs: 20, deliveredAfterMs: 60 };
  }
  for (const k of Object.keys(p)) if (!PROGRESS_KEYS.includes(k)) problems.push(`autoProgress.${k} is not an option`);
  bool(p.enabled, 'autoProgress.enabled');
  const sentOk = int(p.sentAfterMs, 'autoProgress.sentAfterMs', 0, 3_600_000);
  const deliveredOk = int(p.deliveredAfterMs, 'autoProgress.deliveredAfterMs', 0, 3_600_000);
  const sentAfterMs = (p.sentAfterMs as number | undefined) ?? 20;
  const deliveredAfterMs = (p.deliveredAfterMs as number | undefined) ?? Math.max(60, sentAfterMs);
  if (sentOk && deliveredOk && deliveredAfterMs < sentAfterMs) problems.push('autoProgress.deliveredAfterMs must not be less than sentAfterMs');
  return { enabled: (p.enabled as boolean | undefined) ?? true, sentAfterMs, deliveredAfterMs };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
