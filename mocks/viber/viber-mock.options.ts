import { MockAdminError, OptionsReader } from '../_kit';
import { isJsonObject } from './viber-json.codec';

/** A bot (public account) the mock knows; calls authenticate with its `authToken`. */
export interface ViberAccountOptions {
  /** The `X-Viber-Auth-Token` value. */
  authToken: string;
  /** Bot name (`get_account_info.name`). */
  name: string;
  /** `get_account_info.uri` (default: the name, lower-cased, non-alphanumerics removed). */
  uri?: string;
  /** `get_account_info.icon` (default an example URL). */
  avatar?: string;
}

/** When a sent message gets its `delivered` / `seen` / `failed` callbacks on its own. */
export interface ViberAutoProgress {
  /** Default true. Off: only `sent.deliver/seen/fail` (or the admin API) move messages on. */
  enabled: boolean;
  /** `delivered` (or `failed`) this long after the send (default 40). */
  deliveredAfterMs: number;
  /** `seen` this long after the send, users with behaviour `reads` only (default 120). */
  seenAfterMs: number;
}

/** Switches that can also change while the mock runs (`settings.set`, `POST /__admin/settings`). */
export interface ViberSettings {
  /** A send to an unknown receiver creates a subscribed user instead of status 5 (default false; true for benchmarks). */
  autoCreateUsers: boolean;
  autoProgress: ViberAutoProgress;
  /** API calls per second and account; more get status 12 tooManyRequests (default null: no limit). */
  ratePerSecond: number | null;
  /** Extra attempts of a callback the webhook did not answer 2xx (default 3). */
  callbackRetries: number;
  /** `set_webhook` accepts only `https:` URLs, as real Viber (which also wants a trusted CA); default false for local development. */
  requireHttpsWebhook: boolean;
  /** `send_message` / `broadcast_message` get status 10 webhookNotSet until a webhook is set (default true, as real Viber). */
  webhookRequiredToSend: boolean;
}

/** Options of {@link startViberMock}. Everything is optional. */
export interface ViberMockOptions extends Partial<Omit<ViberSettings, 'autoProgress'>> {
  /** Host to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Known bots (default one: {@link DEFAULT_ACCOUNT}). */
  accounts?: ViberAccountOptions[];
  autoProgress?: Partial<ViberAutoProgress>;
  /** Pause before retry n is n × this (default 100 ms). */
  callbackRetryDelayMs?: number;
  /** A webhook that does not answer within this counts as failed (default 5000 ms; also the set_webhook verification). */
  callbackTimeoutMs?: number;
  /** Callbacks in flight at once; the rest queue (default 64). */
  callbackConcurrency?: number;
  /** Callback log size; oldest dropped beyond it (default 100 000). */
  maxCallbacks?: number;
  /** Sent messages kept; oldest dropped beyond it (default 1 000 000). */
  maxSentMessages?: number;
  /** Entries of the kit's request log (default 10 000; lower it for long benchmarks). */
  maxRecordedRequests?: number;
  /** Larger request bodies get status 3 badData (default 256 KiB). */
  maxBodyBytes?: number;
  /** Milliseconds since the epoch, for timestamps; injectable in tests. */
  clock?: () => number;
}

/** The default bot (auth token shaped like real ones). */
export const DEFAULT_ACCOUNT: Readonly<ViberAccountOptions> = {
  authToken: '4453b6ac12345678-e02c5f12174805f9-9f4c5d6e7a8b9c0d',
  name: 'Cabinet Demo',
};

/** Defaults of {@link ViberSettings}. */
export const DEFAULT_SETTINGS: Readonly<ViberSettings> = {
  autoCreateUsers: false,
  autoProgress: { enabled: true, deliveredAfterMs: 40, seenAfterMs: 120 },
  ratePerSecond: null,
  callbackRetries: 3,
  requireHttpsWebhook: false,
  webhookRequiredToSend: true,
};

/** Options with every default filled in. */
export interface ResolvedViberOptions {
  host: string;
  port: number;
  accounts: Required<ViberAccountOptions>[];
  settings: ViberSettings;
  callbackRetryDelayMs: number;
  callbackTimeoutMs: number;
  callbackConcurrency: number;
  maxCallbacks: number;
  maxSentMessages: number;
  maxRecordedRequests: number;
  maxBodyBytes: number;
  clock: () => number;
}

const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS);
const OPTION_KEYS = [
  ...SETTING_KEYS,
  'host',
  'port',
  'accounts',
  'callbackRetryDelayMs',
  'callbackTimeoutMs',
  'callbackConcurrency',
  'maxCallbacks',
  'maxSentMessages',
  'maxRecordedRequests',
  'maxBodyBytes',
  'clock',
];

/**
 * Checks and completes the options.
 * @throws MockAdminError(400) listing every problem (`details.problems`)
 */
export function resolveViberOptions(input: ViberMockOptions = {}): ResolvedViberOptions {
  const r = new OptionsReader('viber mock options', input, OPTION_KEYS);
  const o = r.o;
  const host = r.str('host', '127.0.0.1');
  const accounts = checkAccounts(o.accounts, r.problems);
  const settingsPatch: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) if (o[k] !== undefined) settingsPatch[k] = o[k];
  let settings: ViberSettings = { ...DEFAULT_SETTINGS };
  try {
    settings = mergeSettings(DEFAULT_SETTINGS, settingsPatch);
  } catch (err) {
    r.problems.push(...(((err as MockAdminError).details as { problems: string[] }).problems ?? [(err as Error).message]));
  }
  const resolved: ResolvedViberOptions = {
    host,
    port: r.int('port', 0, 65535, 0),
    accounts,
    settings,
    callbackRetryDelayMs: r.int('callbackRetryDelayMs', 0, 60_000, 100),
    callbackTimeoutMs: r.int('callbackTimeoutMs', 1, 120_000, 5000),
    callbackConcurrency: r.int('callbackConcurrency', 1, 4096, 64),
    maxCallbacks: r.int('maxCallbacks', 1, 10_000_000, 100_000),
    maxSentMessages: r.int('maxSentMessages', 1, 50_000_000, 1_000_000),
    maxRecordedRequests: r.int('maxRecordedRequests', 1, 10_000_000, 10_000),
    maxBodyBytes: r.int('maxBodyBytes', 1024, 64 * 1024 * 1024, 256 * 1024),
    clock: r.fn('clock', Date.now),
  };
  r.done();
  return resolved;
}

/**
 * Applies a partial settings object (from options or `POST /__admin/settings`) to `base`.
 * `autoProgress` may be partial too.
 * @throws MockAdminError(400) listing every problem (`details.problems`)
 */
export function mergeSettings(base: ViberSettings, patch: unknown): ViberSettings {
  if (!isJsonObject(patch)) throw new MockAdminError(400, 'settings must be a JSON object', { problems: ['settings must be a JSON object'] });
  const problems: string[] = [];
  const out: ViberSettings = { ...base, autoProgress: { ...base.autoProgress } };
  for (const [k, v] of Object.entries(patch)) {
    switch (k) {
      case 'autoCreateUsers':
      case 'requireHttpsWebhook':
      case 'webhookRequiredToSend':
        if (typeof v !== 'boolean') problems.push(`${k} must be a boolean`);
        else out[k] = v;
        break;
      case 'ratePerSecond':
        if (v !== null && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1_000_000)) problems.push('ratePerSecond must be null or an integer from 1 to 1000000');
        else out.ratePerSecond = v as number | null;
        break;
      case 'callbackRetries':
        if (!(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 20)) problems.push('callbackRetries must be an integer from 0 to 20');
        else out.callbackRetries = v as number;
        break;
      case 'autoProgress':
        mergeProgress(out.autoProgress, v, problems);
        break;
      default:
        problems.push(`${k} is not a setting (${SETTING_KEYS.join(', ')})`);
    }
  }
  if (problems.length > 0) throw new MockAdminError(400, `invalid settings: ${problems.join('; ')}`, { problems });
  return out;
}

function mergeProgress(target: ViberAutoProgress, v: unknown, problems: string[]): void {
  if (!isJsonObject(v)) {
    problems.push('autoProgress must be an object');
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'enabled') {
      if (typeof x !== 'boolean') problems.push('autoProgress.enabled must be a boolean');
      else target.enabled = x;
    } else if (k === 'deliveredAfterMs' || k === 'seenAfterMs') {
      if (!(Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 3_600_000)) problems.push(`autoProgress.${k} must be an integer from 0 to 3600000`);
      else target[k] = x as number;
    } else {
      problems.push(`autoProgress.${k} is unknown (enabled, deliveredAfterMs, seenAfterMs)`);
    }
  }
}

function checkAccounts(v: unknown, problems: string[]): Required<ViberAccountOptions>[] {
  if (v === undefined) return [completeAccount(DEFAULT_ACCOUNT)];
  if (!Array.isArray(v) || v.length === 0) {
    problems.push('accounts must be a non-empty array');
    return [];
  }
  const tokens = new Set<string>();
  const out: Required<ViberAccountOptions>[] = [];
  v.forEach((a: unknown, i) => {
    if (!isJsonObject(a)) return void problems.push(`accounts[${i}] must be an object`);
    if (typeof a.authToken !== 'string' || !/^[\x21-\x7e]{8,200}$/.test(a.authToken)) problems.push(`accounts[${i}].authToken must be 8-200 printable ASCII characters`);
    else if (tokens.has(a.authToken)) problems.push(`accounts[${i}].authToken is used twice`);
    else tokens.add(a.authToken);
    if (typeof a.name !== 'string' || a.name.trim() === '' || a.name.length > 100) problems.push(`accounts[${i}].name must be a non-empty string (at most 100)`);
    for (const k of ['uri', 'avatar']) if (a[k] !== undefined && typeof a[k] !== 'string') problems.push(`accounts[${i}].${k} must be a string`);
    for (const k of Object.keys(a)) if (!['authToken', 'name', 'uri', 'avatar'].includes(k)) problems.push(`accounts[${i}].${k} is unknown`);
    out.push(completeAccount(a as unknown as ViberAccountOptions));
  });
  return out;
}

function completeAccount(a: ViberAccountOptions): Required<ViberAccountOptions> {
  const name = String(a.name);
  return {
    authToken: a.authToken,
    name,
    uri: a.uri ?? (name.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'bot'),
    avatar: a.avatar ?? 'https://media-direct.cdn.viber.com/pg_download?pgtp=icons&dlid=mock&fltp=jpg&imsz=0000',
  };
}
