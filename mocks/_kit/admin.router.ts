import { MockAdminError } from './admin.error';

/** HTTP methods an admin route can answer. */
export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an admin route handler gets. */
export interface AdminContext {
  /** Values of the `:name` segments of the route path, URI-decoded. */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  /**
   * The body parsed as JSON (`{}` when empty).
   * @throws MockAdminError(400) when it is not JSON, or uses `__proto__` / `constructor` / `prototype` keys
   */
  json(): unknown;
}

/** What an admin route handler returns; `body` is sent as JSON. 204 when there is no body. */
export interface AdminResult {
  status?: number;
  body?: unknown;
}

/** A mock-specific admin endpoint, e.g. the 1C mock's `/__admin/documents/:id/register`. */
export interface AdminRoute {
  method: AdminMethod;
  /** Starts with `/__admin/`; `:name` segments capture one path segment. */
  path: string;
  handle(ctx: AdminContext): AdminResult | Promise<AdminResult>;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses admin JSON. Keys that could reach an object's prototype through a later merge are
 * refused outright: admin input comes from curl and from hostile-input tests alike.
 * @throws MockAdminError(400)
 */
export function parseAdminJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
      return value;
    });
  } catch (err) {
    if (err instanceof ForbiddenKey) throw new MockAdminError(400, `key "${err.key}" is not allowed in admin JSON`);
    throw new MockAdminError(400, `body is not valid JSON: ${(err as Error).message}`);
  }
}

class ForbiddenKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

/** Matches a request path against the admin routes. */
export class AdminRouter {
  private readonly compiled: { route: AdminRoute; segments: string[] }[];

  /** @param routes matched in order; the first whose method and path match wins */
  constructor(routes: readonly AdminRoute[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/') }));
  }

  /**
   * Finds the route for a method and raw path.
   * @returns the route and its params; `methodNotAllowed` when only the method differs; null when no path matches
   * @throws MockAdminError(400) when a path segment is not valid percent-encoding
   */
  find(method: string, path: string): { route: AdminRoute; params: Record<string, string> } | { methodNotAllowed: true } | null {
    const parts = path.split('/');
    let pathMatched = false;
    for (const { route, segments } of this.compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = Object.create(null) as Record<string, string>;
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const seg = segments[i];
        if (seg.startsWith(':')) {
          if (parts[i] === '') ok = false;
          else params[seg.slice(1)] = decodeSegment(parts[i]);
        } else if (seg !== parts[i]) {
          ok = false;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { route, params };
    }
    return pathMatched ? { methodNotAllowed: true } : null;
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new MockAdminError(400, 'path segment is not valid percent-encoding');
  }
}

/** A list of mock-specific faults (SMTP replies, Viber delivery statuses) as its admin routes see it. */
export interface FaultListApi<S, A> {
  add(specs: S | S[]): A[];
  list(): A[];
  clear(): void;
  remove(id: string): boolean;
}

/**
 * `GET|POST|DELETE <path>` and `DELETE <path>/:id` for a mock-specific fault list, shaped like
 * the kit's own `/__admin/scenario`: POST takes one fault, an array, or `{ "faults": [...] }`
 * and answers 201 `{ added, faults }`; an unknown id is a 404.
 * @param what names a fault in errors ("SMTP fault", "status fault")
 */
export function faultListRoutes<S, A>(path: string, faults: FaultListApi<S, A>, what: string): AdminRoute[] {
  return [
    { method: 'GET', path, handle: () => ({ body: { faults: faults.list() } }) },
    {
      method: 'POST',
      path,
      handle: (ctx) => {
        const v = ctx.json();
        const specs = isObject(v) && Object.keys(v).length === 1 && Array.isArray(v.faults) ? v.faults : v;
        if (!isObject(specs) && !Array.isArray(specs)) throw new MockAdminError(400, `body must be a ${what}, an array of them, or { "faults": [...] }`);
        const added = faults.add(specs as S | S[]);
        return { status: 201, body: { added, faults: faults.list() } };
      },
    },
    { method: 'DELETE', path, handle: () => (faults.clear(), {}) },
    {
      method: 'DELETE',
      path: `${path}/:id`,
      handle: (ctx) => {
        if (!faults.remove(ctx.params.id)) throw new MockAdminError(404, `no ${what} ${ctx.params.id.slice(0, 100)}`);
        return {};
      },
    },
  ];
}

/**
 * A non-negative integer query parameter of an admin listing (`?since=`, `?limit=`), or
 * undefined when absent.
 * @throws MockAdminError(400) `<name> must be a non-negative integer`
 */
export function intQuery(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new MockAdminError(400, `${name} must be a non-negative integer`);
  return Number(raw);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
