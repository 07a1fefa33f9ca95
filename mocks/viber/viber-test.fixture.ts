/**
 * Helpers for the Viber mock's own tests: a webhook receiver that keeps raw bodies, and a plain
 * fetch client. They do not use the mock's codecs, so a codec bug cannot hide itself.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Starts a webhook receiver. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedCallback[] = [];
  let replyFn: ReceiverReply = () => ({ status: 200 });
  const waiters: { p: (cb: ReceivedCallback) => boolean; resolve: (cb: ReceivedCallback) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(raw);
      } catch {
        json = null;
      }
      const cb: ReceivedCallback = { headers: req.headers, raw, json, url: req.url ?? '/' };
      received.push(cb);
      for (const w of [...waiters]) {
        if (w.p(cb)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(cb);
        }
      }
      const r = replyFn(cb);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/viber/webhook`,
    received,
    reply: (fn) => {
      replyFn = fn;
    },
    waitFor: (p, timeoutMs = 3000) => {
      const found = received.find(p);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { p, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error('no matching callback received'));
          }
        }, timeoutMs).unref();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
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
export async function callApi(
  url: string,
  method: string,
  body: unknown,
  options: { token?: string | null; httpMethod?: string } = {},
): Promise<ApiReply> {
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
