/** Test helpers: a REST client for the mock and a receiver for its status callbacks. */
import type http from 'node:http';
import { startHookReceiver, type ReceivedHook } from '../_kit';
import { DEFAULT_ACCOUNT } from './twilio-mock.options';

/** Basic credentials of the default account. */
export const SID = DEFAULT_ACCOUNT.sid;
/** Its auth token. */
export const TOKEN = DEFAULT_ACCOUNT.authToken;

/** `Authorization: Basic …` for a SID and token. */
export function basic(sid = SID, token = TOKEN): string {
  return `Basic ${Buffer.from(`${sid}:${token}`).toString('base64')}`;
}

/** An answer of the mock's REST API. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Calls the REST API: form-encodes `form` for a POST. */
export async function api(
  baseUrl: string,
  path: string,
  opts: { method?: string; form?: Record<string, string | string[]>; auth?: string | null; body?: string; contentType?: string } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  const auth = opts.auth === undefined ? basic() : opts.auth;
  if (auth !== null) headers.authorization = auth;
  let body: string | undefined = opts.body;
  if (opts.form) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
    body = p.toString();
  }
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/x-www-form-urlencoded';
  const res = await fetch(baseUrl + path, { method: opts.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The Messages list path of an account. */
export function messagesPath(sid = SID): string {
  return `/2010-04-01/Accounts/${sid}/Messages.json`;
}

/** A callback as the receiver got it. */
export interface ReceivedCallback {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  params: Record<string, string>;
  /** Status the receiver answered. */
  answered: number;
}

/** A local HTTP server standing in for the hub's status-callback endpoint. */
export interface CallbackReceiver {
  /** `http://127.0.0.1:port` */
  url: string;
  received: ReceivedCallback[];
  /** Statuses to answer, consumed in order; 204 once empty. */
  answers: number[];
  /** Resolves once `n` callbacks have been received. */
  waitForCount(n: number, timeoutMs?: number): Promise<ReceivedCallback[]>;
  close(): Promise<void>;
}

/** Starts a callback receiver on 127.0.0.1 and a free port (the kit's hook receiver, form-decoded). */
export async function startReceiver(): Promise<CallbackReceiver> {
  const answers: number[] = [];
  const view = (h: ReceivedHook): ReceivedCallback => ({
    url: h.url,
    headers: h.headers,
    body: h.raw,
    params: Object.fromEntries(new URLSearchParams(h.raw)),
    answered: h.answered,
  });
  const hooks = await startHookReceiver({ answer: () => ({ status: answers.shift() ?? 204 }), decode: view });
  return {
    url: hooks.url,
    received: hooks.received,
    answers,
    waitForCount: (n, timeoutMs) => hooks.waitForCount(n, timeoutMs),
    close: () => hooks.close(),
  };
}

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
