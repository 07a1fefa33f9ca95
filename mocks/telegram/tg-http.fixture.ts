/** Test helpers: raw Bot API calls and a local webhook receiver. Used by the *.test.ts files only. */
import type http from 'node:http';
import { startHookReceiver, type ReceivedHook as KitHook } from '../_kit';
import { DEFAULT_BOT } from './tg-mock.options';

/** The default bot's token. */
export const TOKEN = DEFAULT_BOT.token;

/** A Bot API answer: status and parsed JSON body. */
export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs JSON to `/bot<token>/<method>` and parses the answer, whatever its status. */
export async function call(baseUrl: string, method: string, params?: unknown, token = TOKEN): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: params === undefined ? undefined : JSON.stringify(params),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

/** Sends a raw request and parses the JSON answer. */
export async function raw(url: string, init: RequestInit): Promise<ApiAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? null : JSON.parse(text) };
}

/** A webhook POST the receiver got. */
export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A local webhook receiver whose answers a test scripts. */
export interface Receiver {
  url: string;
  received: ReceivedHook[];
  /** Answers for the next requests, in order; then 200 `{}`. */
  answers: { status: number; body?: string; headers?: Record<string, string> }[];
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 and a free port (the kit's hook receiver, JSON-decoded). */
export async function startReceiver(): Promise<Receiver> {
  const view = (h: KitHook): ReceivedHook => ({ headers: h.headers, body: JSON.parse(h.raw || 'null') });
  const hooks = await startHookReceiver({ path: '/hook', headers: { 'content-type': 'application/json' }, answer: () => ({ status: 200, body: '{}' }), decode: view });
  return {
    url: hooks.url,
    received: hooks.received,
    answers: hooks.answers,
    waitFor: (n, timeoutMs) => hooks.waitForCount(n, timeoutMs),
    close: () => hooks.close(),
  };
}
