/** Test helpers: a REST client for the mock and a receiver for its status callbacks. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Starts a callback receiver on 127.0.0.1 and a free port. */
export async function startReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const waiters: (() => void)[] = [];
  const answers: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answered = answers.shift() ?? 204;
      received.push({ url: req.url ?? '', headers: req.headers, body, params: Object.fromEntries(new URLSearchParams(body)), answered });
      res.writeHead(answered);
      res.end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const receiver: CallbackReceiver = {
    url: `http://127.0.0.1:${port}`,
    received,
    answers,
    waitForCount: (n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`only ${received.length} of ${n} callbacks within ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (received.length >= n) {
            clearTimeout(deadline);
            resolve(received.slice());
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return receiver;
}

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
