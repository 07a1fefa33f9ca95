import { MockAdminError } from './admin.error';

/** The kinds of fault a mock can be told to produce. */
export const FAULT_KINDS = ['http-error', 'rate-limit', 'latency', 'timeout', 'malformed', 'reset'] as const;

/** One of {@link FAULT_KINDS}. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * Which requests a fault applies to. A string matches when it equals the request type the mock
 * classified (e.g. `DMAddFileRequest`), or occurs in the URL or in the body. An object matches
 * when every field it has matches: `type` equal, `bodyContains` / `urlContains` substrings,
 * `path` equal to the path without the query, `method` equal (case-insensitive).
 */
export type FaultMatch = string | { type?: string; bodyContains?: string; urlContains?: string; path?: string; method?: string };

/** Fields every fault accepts. Without `count` and `durationMs` a fault stays until removed or reset. */
export interface FaultCommon {
  /** Apply to this many matching requests, then disappear. */
  count?: number;
  /** Apply for this long (from when it was added), then disappear. */
  durationMs?: number;
  /** Restrict the fault to some requests. */
  match?: FaultMatch;
  /** Free text the mock may put in the error body (the 1C mock uses it as the faultstring). */
  message?: string;
}

/** Answer with an HTTP error status; the body is the mock's own error shape. */
export interface HttpErrorFault extends FaultCommon {
  fault: 'http-error';
  /** 400-599, default 500. */
  status?: number;
}

/** Answer 429 with `Retry-After`. */
export interface RateLimitFault extends FaultCommon {
  fault: 'rate-limit';
  /** Value of Retry-After in seconds, default 1. */
  retryAfterSeconds?: number;
}

/** Delay the answer; stacks with the other faults (a slow 500 is latency + http-error). */
export interface LatencyFault extends FaultCommon {
  fault: 'latency';
  /** Added delay in milliseconds (0-600000). */
  ms: number;
}

/** Accept the request and never answer, until the fault set is reset or the mock closes. */
export interface TimeoutFault extends FaultCommon {
  fault: 'timeout';
  /** Process the request (state changes happen) before going silent: the "unknown outcome" case. Default false. */
  afterProcessing?: boolean;
}

/** Answer 200 with the real answer cut short, so it cannot be parsed. The request is processed. */
export interface MalformedFault extends FaultCommon {
  fault: 'malformed';
}

/** Destroy the connection with a TCP RST (the client sees ECONNRESET). */
export interface ResetFault extends FaultCommon {
  fault: 'reset';
  /** Process the request before cutting the connection. Default false. */
  afterProcessing?: boolean;
}

/** A fault as posted to `POST /__admin/scenario` or given to `admin.fault()`. */
export type FaultSpec = HttpErrorFault | RateLimitFault | LatencyFault | TimeoutFault | MalformedFault | ResetFault;

/** A fault in the active list, as `GET /__admin/scenario` shows it. */
export type ActiveFault = FaultSpec & {
  /** Id to remove it with (`DELETE /__admin/scenario/:id`). */
  id: string;
  /** Matching requests it still applies to; null when unlimited. */
  remaining: number | null;
  /** When it stops applying (ISO time); null when it has no duration. */
  expiresAt: string | null;
  /** Requests it has been applied to. */
  hits: number;
};

/** What a request looks like to the matcher. */
export interface FaultTarget {
  method: string;
  url: string;
  path: string;
  body: string;
  type: string | null;
}

/** The faults that apply to one request, already consumed. */
export interface FaultDecision {
  /** Total delay from matching latency faults. */
  latencyMs: number;
  /** The first matching non-latency fault, if any. */
  terminal: ActiveFault | null;
}

const COMMON_KEYS = ['fault', 'count', 'durationMs', 'match', 'message'];
const KIND_KEYS: Record<FaultKind, string[]> = {
  'http-error': ['status'],
  'rate-limit': ['retryAfterSeconds'],
  latency: ['ms'],
  timeout: ['afterProcessing'],
  malformed: [],
  reset: ['afterProcessing'],
};
const MATCH_KEYS = ['type', 'bodyContains', 'urlContains', 'path', 'method'];
const MAX_FAULTS = 1000;
const MAX_DURATION_MS = 24 * 3600_000;

/**
 * Turns admin input into fault specs, reporting every problem at once. Unknown keys are errors:
 * a misspelt `cuont` silently making a fault permanent would waste an afternoon.
 *
 * Accepts one fault object, an array of them, or `{ "faults": [...] }`.
 * @throws MockAdminError(400) listing each problem
 */
export function parseFaultSpecs(input: unknown): FaultSpec[] {
  const list = Array.isArray(input) ? input : isPlainObject(input) && Array.isArray(input.faults) && Object.keys(input).length === 1 ? input.faults : [input];
  if (list.length === 0) throw new MockAdminError(400, 'no fault given');
  if (list.length > MAX_FAULTS) throw new MockAdminError(400, `at most ${MAX_FAULTS} faults at once`);
  const problems: string[] = [];
  const specs = list.map((item, i) => checkSpec(item, list.length > 1 ? `[${i}]` : '', problems));
  if (problems.length > 0) throw new MockAdminError(400, `invalid fault: ${problems.join('; ')}`, { problems });
  return specs as FaultSpec[];
}

function checkSpec(item: unknown, at: string, problems: string[]): unknown {
  const where = (key: string) => `${at}${at ? '.' : ''}${key}`;
  if (!isPlainObject(item)) {
    problems.push(`${at || 'fault'} must be an object`);
    return item;
  }
  const kind = item.fault;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    problems.push(`${where('fault')} must be one of ${FAULT_KINDS.join(', ')}`);
    return item;
  }
  const allowed = [...COMMON_KEYS, ...KIND_KEYS[kind as FaultKind]];
  for (const key of Object.keys(item)) {
    if (!allowed.includes(key)) problems.push(`${where(key)} is not a field of a "${kind}" fault`);
  }
  const int = (key: string, min: number, max: number) => {
    const v = item[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) {
      problems.push(`${where(key)} must be an integer from ${min} to ${max}`);
    }
  };
  int('count', 1, 1_000_000);
  int('durationMs', 1, MAX_DURATION_MS);
  int('status', 400, 599);
  int('retryAfterSeconds', 0, 86_400);
  int('ms', 0, 600_000);
  if (kind === 'latency' && item.ms === undefined) problems.push(`${where('ms')} is required`);
  if (item.afterProcessing !== undefined && typeof item.afterProcessing !== 'boolean') {
    problems.push(`${where('afterProcessing')} must be a boolean`);
  }
  if (item.message !== undefined && (typeof item.message !== 'string' || item.message.length > 2000)) {
    problems.push(`${where('message')} must be a string of at most 2000 characters`);
  }
  const m = item.match;
  if (m !== undefined) {
    if (typeof m === 'string') {
      if (m.length === 0) problems.push(`${where('match')} must not be empty`);
    } else if (isPlainObject(m)) {
      const keys = Object.keys(m);
      if (keys.length === 0) problems.push(`${where('match')} must have at least one of ${MATCH_KEYS.join(', ')}`);
      for (const k of keys) {
        if (!MATCH_KEYS.includes(k)) problems.push(`${where('match.' + k)} is not a match field (${MATCH_KEYS.join(', ')})`);
        else if (typeof m[k] !== 'string' || (m[k] as string).length === 0) problems.push(`${where('match.' + k)} must be a non-empty string`);
      }
    } else {
      problems.push(`${where('match')} must be a string or an object`);
    }
  }
  return item;
}

interface Entry {
  id: string;
  spec: FaultSpec;
  remaining: number | null;
  expiresAt: number | null;
  hits: number;
}

/**
 * The ordered list of active faults. For each request the list is walked in order: every
 * matching latency fault adds its delay, and the first matching fault of another kind is the
 * one applied. Counts are consumed only by the faults actually applied, so "three 500s, then
 * one 429" is two faults posted in that order.
 */
export class FaultInjector {
  private entries: Entry[] = [];
  private nextId = 1;

  /** @param clock milliseconds since the epoch; injectable so tests can expire durations without waiting */
  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * Validates and appends faults.
   * @throws MockAdminError(400) on invalid input
   */
  add(input: unknown): ActiveFault[] {
    const specs = parseFaultSpecs(input);
    if (this.entries.length + specs.length > MAX_FAULTS) {
      throw new MockAdminError(400, `at most ${MAX_FAULTS} active faults`);
    }
    const now = this.clock();
    const added = specs.map((spec) => {
      const entry: Entry = {
        id: `f${this.nextId++}`,
        spec: { ...spec },
        remaining: spec.count ?? null,
        expiresAt: spec.durationMs !== undefined ? now + spec.durationMs : null,
        hits: 0,
      };
      this.entries.push(entry);
      return entry;
    });
    return added.map(view);
  }

  /** The faults still in effect, in order. */
  list(): ActiveFault[] {
    this.prune();
    return this.entries.map(view);
  }

  /** Removes one fault; false when the id is unknown. */
  remove(id: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.id !== id);
    return this.entries.length !== before;
  }

  /** Removes every fault. */
  clear(): void {
    this.entries = [];
  }

  /** Decides, and consumes, the faults for one request. */
  decide(target: FaultTarget): FaultDecision {
    this.prune();
    let latencyMs = 0;
    let terminal: ActiveFault | null = null;
    for (const entry of this.entries) {
      if (!matches(entry.spec.match, target)) continue;
      if (entry.spec.fault === 'latency') {
        latencyMs += entry.spec.ms;
        consume(entry);
        continue;
      }
      consume(entry);
      terminal = view(entry);
      break;
    }
    this.prune();
    return { latencyMs, terminal };
  }

  private prune(): void {
    const now = this.clock();
    this.entries = this.entries.filter((e) => (e.remaining === null || e.remaining > 0) && (e.expiresAt === null || now < e.expiresAt));
  }
}

function consume(entry: Entry): void {
  entry.hits += 1;
  if (entry.remaining !== null) entry.remaining -= 1;
}

function view(e: Entry): ActiveFault {
  return {
    ...e.spec,
    id: e.id,
    remaining: e.remaining,
    expiresAt: e.expiresAt === null ? null : new Date(e.expiresAt).toISOString(),
    hits: e.hits,
  };
}

function matches(match: FaultMatch | undefined, t: FaultTarget): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return t.type === match || t.url.includes(match) || t.body.includes(match);
  if (match.type !== undefined && t.type !== match.type) return false;
  if (match.bodyContains !== undefined && !t.body.includes(match.bodyContains)) return false;
  if (match.urlContains !== undefined && !t.url.includes(match.urlContains)) return false;
  if (match.path !== undefined && t.path !== match.path) return false;
  if (match.method !== undefined && t.method.toUpperCase() !== match.method.toUpperCase()) return false;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
