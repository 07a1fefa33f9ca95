/**
 * Helpers for the Viber mock's own tests: a webhook receiver that keeps raw bodies, and a plain
 * fetch client. They do not use the mock's codecs, so a codec bug cannot hide itself.
 */
import type http from 'node:http';
import { startHookReceiver, type ReceivedHook } from '../_kit';

/** A callback as the webhook received it. */
export interface ReceivedCallback {
  headers: http.IncomingHttpHeaders;
  /** The exact bytes, as text. */
  raw: string;
  /** `JSON.parse(raw)`: tokens have lost precision here. */
  json: any;
  url: string;
}

/** What the receiver answers: a status and an optional body, chosen per callback. */
export type ReceiverReply = (cb: ReceivedCallback) => { status: number; body?: string };

/** A webhook receiver on 127.0.0.1. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedCallback[];
  /** Changes the answer (default: 200, empty body). */
  reply(fn: ReceiverReply): void;
  /** Resolves with the first callback (already received or future) matching the predicate. */
  waitFor(predicate: (cb: ReceivedCallback) => boolean, timeoutMs?: number): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

/** Starts a webhook receiver (the kit's hook receiver, with the JSON parsed beside the raw text). */
export async function startReceiver(): Promise<WebhookReceiver> {
  const view = (h: ReceivedHook): ReceivedCallback => {
    let json: unknown = null;
    try {
      json = JSON.parse(h.raw);
    } catch {
      json = null;
    }
    return { headers: h.headers, raw: h.raw, json, url: h.url };
  };
  const hooks = await startHookReceiver({ path: '/viber/webhook', headers: { 'content-type': 'application/json' }, decode: view });
  return {
    url: hooks.url,
    received: hooks.received,
    reply: (fn) => hooks.reply((h) => fn(view(h))),
    waitFor: (p, timeoutMs = 3000) => hooks.waitFor(p, timeoutMs),
    close: () => hooks.close(),
  };
}

/** The answer of one API call. */
export interface ApiReply {
  httpStatus: number;
  text: string;
  /** `JSON.parse(text)` (tokens lose precision). */
  json: any;
}

/** POSTs `body` (an object, or raw text) to `${url}/${method}` with the token in the header (or not). */
export async function callApi(url: string, method: string, body: unknown, options: { token?: string | null; httpMethod?: string } = {}): Promise<ApiReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers['X-Viber-Auth-Token'] = options.token;
  const res = await fetch(`${url}/${method}`, {
    method: options.httpMethod ?? 'POST',
    headers,
    body: options.httpMethod === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { httpStatus: res.status, text, json };
}

/** Extracts the digits of `"message_token":<digits>` from raw JSON text (independent of any parser). */
export function rawToken(text: string): string | null {
  return /"message_token":(\d+)/.exec(text)?.[1] ?? null;
}

/** A valid text message to `receiver`. */
export function textMessage(receiver: string, text = 'Ваша заява № 42 зареєстрована', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { receiver, sender: { name: 'Cabinet Demo' }, type: 'text', text, tracking_data: 'appeal-42', ...extra };
}
