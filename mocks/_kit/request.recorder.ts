import type { FaultKind } from './fault.injector';
import { Waiters } from './waiter.helper';

/** One request as the mock saw it, and what it did with it. */
export interface RecordedRequest {
  /** Increasing from 1 per mock; survives `clearRequests()` so `?since=` stays meaningful. */
  seq: number;
  /** When the request arrived (ISO). */
  time: string;
  method: string;
  /** Path and query as received. */
  url: string;
  /** Path without the query. */
  path: string;
  /** Lower-case names; `authorization` is cut to its scheme (e.g. `Basic`). */
  headers: Record<string, string>;
  /** Body as UTF-8 text, cut at the recorder's limit. */
  body: string;
  /** Size of the whole body in bytes. */
  bodyBytes: number;
  /** True when `body` holds only the first part. */
  bodyTruncated: boolean;
  /** The request type the mock classified it as (e.g. `DMCreateRequest`, `wsdl`), if any. */
  type: string | null;
  /** Status sent; null while pending, and for timeouts and resets. */
  status: number | null;
  /** The injected fault applied to it, if any (latency is not listed when another fault applied). */
  fault: FaultKind | null;
  /** Id of that fault. */
  faultId: string | null;
  /** Time from arrival to the answer (or to the fault), in ms; null while pending. */
  durationMs: number | null;
  /** False until the mock has answered, failed or dropped it. */
  done: boolean;
}

/** Options of a {@link RequestRecorder}. */
export interface RequestRecorderOptions {
  /** Oldest entries are dropped beyond this many (default 10 000). */
  maxEntries?: number;
  /** Bodies are kept up to this many bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Oldest entries are dropped while the kept bodies exceed this many characters in total (default 64 Mi). */
  maxTotalBodyBytes?: number;
}

const REDACTED_HEADERS = new Set(['authorization', 'proxy-authorization']);

/**
 * Keeps requests in arrival order. Entries are created when a request has been read and are
 * completed when the mock answers, so a test can assert on the status the client got and can
 * wait for a request that has not arrived yet.
 */
export class RequestRecorder {
  private entries: RecordedRequest[] = [];
  private seq = 0;
  private readonly waiters = new Waiters<RecordedRequest>('request');
  private readonly maxEntries: number;
  private readonly maxBodyBytes: number;
  private readonly maxTotalBodyBytes: number;
  private keptBodyBytes = 0;

  /** @param options limits that keep a long-running standalone mock from growing without bound */
  constructor(options: RequestRecorderOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    this.maxTotalBodyBytes = options.maxTotalBodyBytes ?? 64 * 1024 * 1024;
  }

  /** Adds a new, pending entry and returns it (the caller completes it with {@link complete}). */
  start(req: { method: string; url: string; path: string; rawHeaders: readonly string[]; body: Buffer; type: string | null; time: Date }): RecordedRequest {
    const truncated = req.body.length > this.maxBodyBytes;
    const entry: RecordedRequest = {
      seq: ++this.seq,
      time: req.time.toISOString(),
      method: req.method,
      url: req.url,
      path: req.path,
      headers: redactHeaders(req.rawHeaders),
      body: (truncated ? req.body.subarray(0, this.maxBodyBytes) : req.body).toString('utf8'),
      bodyBytes: req.body.length,
      bodyTruncated: truncated,
      type: req.type,
      status: null,
      fault: null,
      faultId: null,
      durationMs: null,
      done: false,
    };
    this.entries.push(entry);
    this.keptBodyBytes += entry.body.length;
    // A standalone mock runs for days with base64 files going through it: bound the memory.
    let drop = 0;
    while (drop < this.entries.length - 1 && (this.entries.length - drop > this.maxEntries || this.keptBodyBytes > this.maxTotalBodyBytes)) {
      this.keptBodyBytes -= this.entries[drop].body.length;
      drop++;
    }
    if (drop > 0) this.entries.splice(0, drop);
    return entry;
  }

  /** Records the outcome of an entry and wakes waiters. */
  complete(entry: RecordedRequest, outcome: { status: number | null; fault?: FaultKind | null; faultId?: string | null }): void {
    if (entry.done) return;
    entry.status = outcome.status;
    entry.fault = outcome.fault ?? entry.fault;
    entry.faultId = outcome.faultId ?? entry.faultId;
    entry.durationMs = Date.now() - Date.parse(entry.time);
    entry.done = true;
    this.waiters.notify(entry);
  }

  /** Entries in arrival order, newest last; `since` keeps only those with a greater `seq`. */
  list(since = 0): RecordedRequest[] {
    return this.entries.filter((e) => e.seq > since).map((e) => ({ ...e, headers: { ...e.headers } }));
  }

  /** Forgets every entry (the sequence keeps counting). */
  clear(): void {
    this.entries = [];
    this.keptBodyBytes = 0;
  }

  /**
   * Resolves with the first completed entry after `since` that satisfies the predicate, waiting
   * for one if none is there yet.
   */
  waitFor(predicate: (r: RecordedRequest) => boolean = () => true, options: { timeoutMs?: number; since?: number } = {}): Promise<RecordedRequest> {
    const since = options.since ?? 0;
    return this.waiters.waitFor((e) => e.seq > since && predicate(e), {
      timeoutMs: options.timeoutMs,
      existing: () => this.entries.find((e) => e.seq > since && e.done && predicate(e)),
      copy: (e) => ({ ...e }),
    });
  }
}

/** Header pairs to a lower-case map, secrets cut to the auth scheme; repeated headers are joined with ", ". */
function redactHeaders(raw: readonly string[]): Record<string, string> {
  const pairs: [string, string][] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    let value = raw[i + 1];
    if (REDACTED_HEADERS.has(name)) value = value.trim().split(/\s+/)[0] ?? '';
    const at = seen.get(name);
    if (at === undefined) {
      seen.set(name, pairs.length);
      pairs.push([name, value]);
    } else {
      pairs[at][1] += `, ${value}`;
    }
  }
  // fromEntries defines own properties, so a header called __proto__ stays a plain key.
  return Object.fromEntries(pairs);
}
