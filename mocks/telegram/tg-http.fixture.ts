/** Test helpers: raw Bot API calls and a local webhook receiver. Used by the *.test.ts files only. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Starts a receiver on 127.0.0.1 and a free port. */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const answers: Receiver['answers'] = [];
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      const a = answers.shift() ?? { status: 200, body: '{}' };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body ?? '');
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answers,
    waitFor: (n, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver got ${received.length} of ${n} requests`)), timeoutMs);
        const check = () => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received.slice());
          } else {
            waiters.push(check);
          }
        };
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
