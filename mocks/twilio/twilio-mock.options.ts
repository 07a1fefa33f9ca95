import { isPlainObject, OptionsReader, type RequestRecorderOptions } from '../_kit';
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
  'host',
  'port',
  'accounts',
  'autoProgress',
  'outOfOrderCallbacks',
  'ratePerSecond',
  'callbackRetries',
  'callbackRetryDelayMs',
  'callbackTimeoutMs',
  'messagingServices',
  'serviceSender',
  'callbackLogLimit',
  'maxBodyBytes',
  'recorder',
  'clock',
];
const PROGRESS_KEYS = ['enabled', 'sentAfterMs', 'deliveredAfterMs'];

/**
 * Validates options and fills in defaults with the kit's {@link OptionsReader}: every problem at
 * once, unknown keys are errors.
 * @throws MockAdminError(400) with `details.problems`
 */
export function resolveTwilioOptions(input: unknown = {}): ResolvedTwilioOptions {
  const r = new OptionsReader('twilio mock options', input, KEYS);
  const o = r.o;
  const resolved: ResolvedTwilioOptions = {
    host: r.str('host', '127.0.0.1'),
    port: r.int('port', 0, 65535, 0),
    accounts: checkAccounts(o.accounts, r.problems),
    autoProgress: checkProgress(o.autoProgress, r.problems),
    outOfOrderCallbacks: r.bool('outOfOrderCallbacks', false),
    ratePerSecond: r.int('ratePerSecond', 1, 1_000_000, null),
    callbackRetries: r.int('callbackRetries', 0, 10, 3),
    callbackRetryDelayMs: r.int('callbackRetryDelayMs', 0, 60_000, 50),
    callbackTimeoutMs: r.int('callbackTimeoutMs', 1, 120_000, 5000),
    messagingServices: checkServices(o.messagingServices, r.problems),
    serviceSender: r.str('serviceSender', '+15005550006', /^\+[1-9]\d{1,14}$/, 'serviceSender must be an E.164 number'),
    callbackLogLimit: r.int('callbackLogLimit', 0, 10_000_000, 10_000),
    maxBodyBytes: r.int('maxBodyBytes', 1024, 64 * 1024 * 1024, 256 * 1024),
    recorder: r.object<RequestRecorderOptions | undefined>('recorder', undefined),
    clock: r.fn('clock', Date.now),
  };
  r.done();
  return resolved;
}

function checkAccounts(v: unknown, problems: string[]): TwilioAccount[] {
  if (v === undefined) return [{ ...DEFAULT_ACCOUNT }];
  if (!Array.isArray(v) || v.length === 0) {
    problems.push('accounts must be a non-empty array of { sid, authToken }');
    return [];
  }
  const seen = new Set<string>();
  v.forEach((a, i) => {
    if (!isPlainObject(a) || typeof a.sid !== 'string' || !ACCOUNT_SID.test(a.sid)) {
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

function checkProgress(v: unknown, problems: string[]): Required<AutoProgressOptions> {
  const fallback = { enabled: true, sentAfterMs: 20, deliveredAfterMs: 60 };
  if (v !== undefined && !isPlainObject(v)) {
    problems.push('autoProgress must be an object');
    return fallback;
  }
  const r = new OptionsReader('autoProgress', v ?? {}, PROGRESS_KEYS);
  const enabled = r.bool('enabled', true);
  const before = r.problems.length;
  const sentAfterMs = r.int('sentAfterMs', 0, 3_600_000, 20);
  const deliveredAfterMs = r.int('deliveredAfterMs', 0, 3_600_000, Math.max(60, sentAfterMs));
  const timesValid = r.problems.length === before;
  problems.push(...r.problems.map((p) => `autoProgress.${p}`));
  if (timesValid && deliveredAfterMs < sentAfterMs) problems.push('autoProgress.deliveredAfterMs must not be less than sentAfterMs');
  return { enabled, sentAfterMs, deliveredAfterMs };
}
