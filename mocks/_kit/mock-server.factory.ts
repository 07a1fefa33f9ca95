import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockAdminError } from './admin.error';
import { AdminRouter, intQuery, parseAdminJson, type AdminContext, type AdminResult, type AdminRoute } from './admin.router';
import { FaultInjector, type ActiveFault, type FaultSpec } from './fault.injector';
import { RequestRecorder, type RecordedRequest, type RequestRecorderOptions } from './request.recorder';
import { sleepUnlessAborted } from './waiter.helper';

/** A request as a mock handler sees it (the body is already read, within the size cap). */
export interface MockRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Path without the query, not decoded. */
  path: string;
  query: URLSearchParams;
  /** Lower-case names; repeated headers joined with ", ". Not redacted. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
  /** The body decoded as UTF-8 (invalid bytes replaced), computed once. */
  text(): string;
  receivedAt: Date;
}

/** What a mock handler answers. */
export interface MockResponse {
  status: number;
  headers?: Record<string, string | readonly string[]>;
  body?: string | Buffer;
}

/** The mock's behaviour for non-admin requests. Exceptions become a 500 with the message. */
export type MockHandler = (req: MockRequest) => MockResponse | Promise<MockResponse>;

/**
 * How the mock renders an error it did not compute itself: an injected `http-error` or
 * `rate-limit` fault, or a body over the size cap (413). The 1C mock answers with a SOAP Fault,
 * a JSON API with its own error envelope.
 */
export type ErrorResponder = (error: {
  status: number;
  /** `message` of the fault, when one was given. */
  message?: string;
  /** What caused it. */
  cause: 'http-error' | 'rate-limit' | 'too-large';
  /** For a rate-limit fault: the `Retry-After` seconds the kit sends (vendors repeat it in the body). */
  retryAfterSeconds?: number;
  request: MockRequest;
}) => MockResponse;

/** Options of {@link createMockServer}. */
export interface MockServerOptions {
  /** Shown in `GET /__admin` and in errors. */
  name: string;
  handler: MockHandler;
  /** Mock-specific admin endpoints under `/__admin/`, checked after the kit's own. */
  adminRoutes?: readonly AdminRoute[];
  /** Bodies larger than this are refused with 413 (default 1 MiB). Applies to admin requests too. */
  maxBodyBytes?: number;
  /** Default: a JSON body `{ "error": ..., "status": ... }`. */
  errorResponse?: ErrorResponder;
  /** Names the request type (recorded, and matched by a fault's `match.type`). */
  classify?: (req: MockRequest) => string | null | undefined;
  /** Clears the mock's own state on `POST /__admin/reset` / `admin.reset()`. */
  onReset?: () => void;
  /** Limits of the request log. */
  recorder?: RequestRecorderOptions;
  /** Milliseconds since the epoch, used for fault durations; injectable for tests. */
  clock?: () => number;
}

/** Where to listen. */
export interface StartOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A listening mock. */
export interface RunningMockServer {
  /** `http://host:port` without a trailing slash. */
  url: string;
  port: number;
  host: string;
  /** Stops listening and drops every connection, including held (timed-out) ones. */
  close(): Promise<void>;
}

/** The admin operations, in process. Same effects as the `/__admin` HTTP API. */
export interface MockAdminApi {
  /** Recorded requests, newest last; `since` keeps those with a greater `seq`. */
  requests(options?: { since?: number }): RecordedRequest[];
  /** Forgets recorded requests (sequence numbers keep increasing). */
  clearRequests(): void;
  /** Waits for a completed request matching the predicate (default timeout 5 s). */
  waitForRequest(predicate?: (r: RecordedRequest) => boolean, options?: { timeoutMs?: number; since?: number }): Promise<RecordedRequest>;
  /**
   * Appends one or more faults.
   * @throws MockAdminError(400) when a spec is invalid
   */
  fault(spec: FaultSpec | readonly FaultSpec[]): ActiveFault[];
  /** Active faults in order. */
  faults(): ActiveFault[];
  /** Removes one fault by id; false when unknown. */
  removeFault(id: string): boolean;
  /** Removes every fault and drops requests held by a `timeout` fault. */
  clearFaults(): void;
  /** Clears faults, held requests, recorded requests and the mock's state. */
  reset(): void;
}

/** A mock HTTP server with recording, fault injection and the `/__admin` API. */
export interface MockServer {
  readonly name: string;
  readonly admin: MockAdminApi;
  /** Starts listening; one listener per MockServer at a time. */
  start(options?: StartOptions): Promise<RunningMockServer>;
  /** Same as the running server's close(); a no-op when not started. */
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/__admin';
const DEFAULT_MAX_BODY = 1024 * 1024;

class BodyTooLarge extends Error {}

/**
 * Creates a mock server. It is not listening until `start()`; tests run it in process on port 0,
 * `mocks/main.ts` runs it standalone.
 *
 * Every request outside `/__admin` is read (up to `maxBodyBytes`), recorded, run through the
 * active faults and, unless a fault answers instead, passed to `handler`.
 */
export function createMockServer(options: MockServerOptions): MockServer {
  const clock = options.clock ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const recorder = new RequestRecorder(options.recorder);
  const faults = new FaultInjector(clock);
  const errorResponse = options.errorResponse ?? defaultErrorResponse;
  const held = new Set<http.ServerResponse>();

  let server: http.Server | null = null;
  let lifetime = new AbortController();

  const releaseHeld = () => {
    for (const res of held) res.socket?.destroy();
    held.clear();
  };

  const admin: MockAdminApi = {
    requests: (o) => recorder.list(o?.since ?? 0),
    clearRequests: () => recorder.clear(),
    waitForRequest: (p, o) => recorder.waitFor(p, o),
    fault: (spec) => faults.add(spec),
    faults: () => faults.list(),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => {
      faults.clear();
      releaseHeld();
    },
    reset: () => {
      faults.clear();
      releaseHeld();
      recorder.clear();
      options.onReset?.();
    },
  };

  const router = new AdminRouter([...kitRoutes(options.name, admin), ...(options.adminRoutes ?? [])]);

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1));
    const isAdmin = path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);
    const method = req.method ?? 'GET';
    const headers = headerMap(req.rawHeaders);

    let body: Buffer;
    let tooLarge = false;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) {
        req.socket.destroy();
        return;
      }
      tooLarge = true;
      body = Buffer.alloc(0);
    }

    let text: string | undefined;
    const mreq: MockRequest = {
      method,
      url: rawUrl,
      path,
      query,
      headers,
      body,
      text: () => (text ??= body.toString('utf8')),
      receivedAt,
    };

    if (isAdmin) {
      if (tooLarge) return sendJson(res, 413, { error: `body over ${maxBodyBytes} bytes` }, true);
      return handleAdmin(method, path, query, mreq, res);
    }

    const entry = recorder.start({
      method,
      url: rawUrl,
      path,
      rawHeaders: req.rawHeaders,
      body,
      type: tooLarge ? null : safeClassify(mreq),
      time: receivedAt,
    });

    if (tooLarge) {
      const r = errorResponse({ status: 413, cause: 'too-large', request: mreq });
      send(res, r, true);
      recorder.complete(entry, { status: r.status });
      return;
    }

    // The body is decoded only if a fault's match looks at it: a 27 MB upload (a 20 MB file in
    // base64) need not become a string just to find that no fault is active.
    const decision = faults.decide({
      method,
      url: rawUrl,
      path,
      get body() {
        return mreq.text();
      },
      type: entry.type,
    });
    if (decision.latencyMs > 0) {
      const alive = await sleepUnlessAborted(decision.latencyMs, lifetime.signal);
      if (!alive) return;
      if (decision.terminal === null) entry.fault = 'latency';
    }
    const fault = decision.terminal;
    const outcome = (status: number | null) => recorder.complete(entry, { status, fault: fault?.fault ?? null, faultId: fault?.id ?? null });

    switch (fault?.fault) {
      case 'http-error': {
        const r = errorResponse({ status: fault.status ?? 500, message: fault.message, cause: 'http-error', request: mreq });
        send(res, r);
        return outcome(r.status);
      }
      case 'rate-limit': {
        const retryAfterSeconds = fault.retryAfterSeconds ?? 1;
        const r = errorResponse({ status: 429, message: fault.message, cause: 'rate-limit', retryAfterSeconds, request: mreq });
        send(res, { ...r, headers: { ...r.headers, 'retry-after': String(retryAfterSeconds) } });
        return outcome(r.status);
      }
      case 'timeout': {
        if (fault.afterProcessing) await runHandler(mreq);
        held.add(res);
        res.on('close', () => held.delete(res));
        return outcome(null);
      }
      case 'reset': {
        if (fault.afterProcessing) await runHandler(mreq);
        outcome(null);
        const socket = req.socket;
        // resetAndDestroy sends a TCP RST, so the client sees ECONNRESET rather than a clean EOF.
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      case 'malformed': {
        const r = await runHandler(mreq);
        const full = Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body ?? '', 'utf8');
        const cut = full.length >= 2 ? full.subarray(0, Math.floor(full.length / 2)) : Buffer.from('<');
        send(res, { status: 200, headers: r.headers, body: cut });
        return outcome(200);
      }
      default: {
        const r = await runHandler(mreq);
        send(res, r);
        return outcome(r.status);
      }
    }
  }

  function safeClassify(req: MockRequest): string | null {
    try {
      return options.classify?.(req) ?? null;
    } catch {
      return null;
    }
  }

  async function runHandler(req: MockRequest): Promise<MockResponse> {
    try {
      return await options.handler(req);
    } catch (err) {
      return {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `mock ${options.name} failed: ${(err as Error)?.message ?? String(err)}`,
      };
    }
  }

  async function handleAdmin(method: string, path: string, query: URLSearchParams, req: MockRequest, res: http.ServerResponse): Promise<void> {
    try {
      const found = router.find(method, path);
      if (found === null) throw new MockAdminError(404, `no admin endpoint ${path}`);
      if ('methodNotAllowed' in found) throw new MockAdminError(405, `${method} is not allowed on ${path}`);
      const ctx: AdminContext = { params: found.params, query, json: () => parseAdminJson(req.text()) };
      const result: AdminResult = await found.route.handle(ctx);
      if (result.body === undefined) {
        res.writeHead(result.status ?? 204);
        res.end();
      } else {
        sendJson(res, result.status ?? 200, result.body);
      }
    } catch (err) {
      if (err instanceof MockAdminError) {
        sendJson(res, err.status, err.details === undefined ? { error: err.message } : { error: err.message, details: err.details });
      } else {
        sendJson(res, 500, { error: `admin endpoint failed: ${(err as Error)?.message ?? String(err)}` });
      }
    }
  }

  async function start(startOptions: StartOptions = {}): Promise<RunningMockServer> {
    if (server) throw new Error(`mock ${options.name} is already started`);
    lifetime = new AbortController();
    const srv = http.createServer((req, res) => {
      onRequest(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'mock failed' }, true);
        else res.destroy();
      });
    });
    srv.on('clientError', (_err, socket) => {
      // Malformed HTTP must not take the process down; answer if the socket still can.
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else socket.destroy();
    });
    const host = startOptions.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(startOptions.port ?? 0, host, () => {
        srv.off('error', reject);
        resolve();
      });
    });
    server = srv;
    const port = (srv.address() as AddressInfo).port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { url: `http://${shownHost}:${port}`, port, host, close };
  }

  async function close(): Promise<void> {
    const srv = server;
    if (!srv) return;
    server = null;
    lifetime.abort();
    releaseHeld();
    await new Promise<void>((resolve) => {
      srv.close(() => resolve());
      srv.closeAllConnections();
    });
  }

  return { name: options.name, admin, start, close };
}

/** The kit's own admin endpoints, shared by every mock. */
function kitRoutes(name: string, admin: MockAdminApi): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: ADMIN_PREFIX,
      handle: () => ({ body: { name, requests: admin.requests().length, faults: admin.faults().length } }),
    },
    {
      method: 'GET',
      path: `${ADMIN_PREFIX}/requests`,
      handle: (ctx) => {
        const since = intQuery(ctx.query, 'since') ?? 0;
        const requests = admin.requests({ since });
        return { body: { requests, lastSeq: requests.length > 0 ? requests[requests.length - 1].seq : since } };
      },
    },
    { method: 'DELETE', path: `${ADMIN_PREFIX}/requests`, handle: () => (admin.clearRequests(), {}) },
    { method: 'GET', path: `${ADMIN_PREFIX}/scenario`, handle: () => ({ body: { faults: admin.faults() } }) },
    {
      method: 'POST',
      path: `${ADMIN_PREFIX}/scenario`,
      handle: (ctx) => {
        const added = admin.fault(ctx.json() as FaultSpec);
        return { status: 201, body: { added, faults: admin.faults() } };
      },
    },
    { method: 'DELETE', path: `${ADMIN_PREFIX}/scenario`, handle: () => (admin.clearFaults(), {}) },
    {
      method: 'DELETE',
      path: `${ADMIN_PREFIX}/scenario/:id`,
      handle: (ctx) => {
        if (!admin.removeFault(ctx.params.id)) throw new MockAdminError(404, `no active fault ${ctx.params.id}`);
        return {};
      },
    },
    { method: 'POST', path: `${ADMIN_PREFIX}/reset`, handle: () => (admin.reset(), {}) },
  ];
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new BodyTooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function send(res: http.ServerResponse, r: MockResponse, closeAfter = false): void {
  if (res.headersSent || res.destroyed) return;
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = typeof v === 'string' ? v : [...v];
  headers['content-length'] = String(body.length);
  if (closeAfter) headers.connection = 'close';
  res.writeHead(r.status, headers);
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, closeAfter = false): void {
  send(res, { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(value) }, closeAfter);
}

function defaultErrorResponse(e: { status: number; message?: string; cause: string }): MockResponse {
  return {
    status: e.status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: e.message ?? (e.cause === 'too-large' ? 'body too large' : 'injected fault'), status: e.status }),
  };
}

function headerMap(raw: readonly string[]): Record<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prev = map.get(name);
    map.set(name, prev === undefined ? raw[i + 1] : `${prev}, ${raw[i + 1]}`);
  }
  return Object.fromEntries(map);
}
