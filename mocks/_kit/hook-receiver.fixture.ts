import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Waiters } from './waiter.helper';

/** A POST the receiver got. */
export interface ReceivedHook {
  /** Path and query as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The exact body, as text (signatures are checked over these bytes). */
  raw: string;
  /** Status it was answered with. */
  answered: number;
}

/** What the receiver answers to one request. */
export interface HookAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * A local HTTP server standing in for the hub's webhook / status-callback endpoint, in tests.
 * `T` is what a mock's test wants to see of a request (its `decode` of the raw hook).
 */
export interface HookReceiver<T = ReceivedHook> {
  /** `http://127.0.0.1:<port><path>`. */
  url: string;
  /** Every request, decoded, in arrival order (a live array: a test may empty it). */
  received: T[];
  /** Answers for the next requests, consumed in order; then `answer(hook)`. */
  answers: HookAnswer[];
  /** Replaces the answer used once `answers` is empty. */
  reply(answer: (hook: ReceivedHook) => HookAnswer): void;
  /** Resolves with the first request (received or still to come) matching the predicate. */
  waitFor(predicate: (hook: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves once `n` requests have arrived, with all of them. */
  waitForCount(n: number, timeoutMs?: number): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Starts a hook receiver on 127.0.0.1 and a free port: the mocks' own tests use it to see the
 * callbacks a mock sends, and to script the receiver's failures (5xx, slow answers) the mock
 * must retry. It parses nothing, so a mock's codec bug cannot hide itself.
 * @param options `path` appended to the URL (default ''), `answer` when none is scripted (default 200,
 *   empty), `headers` added to every answer (e.g. a JSON content type), `decode` what is kept of
 *   each request (default: the raw hook)
 */
export async function startHookReceiver<T = ReceivedHook>(
  options: {
    path?: string;
    answer?: (hook: ReceivedHook) => HookAnswer;
    headers?: Record<string, string>;
    decode?: (hook: ReceivedHook) => T;
  } = {},
): Promise<HookReceiver<T>> {
  const decode = options.decode ?? ((h: ReceivedHook) => h as unknown as T);
  const received: T[] = [];
  const answers: HookAnswer[] = [];
  let fallback: (hook: ReceivedHook) => HookAnswer = options.answer ?? (() => ({ status: 200 }));
  const arrivals = new Waiters<T>('request at the receiver');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hook: ReceivedHook = { url: req.url ?? '/', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), answered: 0 };
      const a = answers.shift() ?? fallback(hook);
      hook.answered = a.status;
      const item = decode(hook);
      received.push(item);
      res.writeHead(a.status, { ...options.headers, ...a.headers });
      res.end(a.body ?? '');
      arrivals.notify(item);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? ''}`,
    received,
    answers,
    reply: (fn) => {
      fallback = fn;
    },
    waitFor: (predicate, timeoutMs = 5000) => arrivals.waitFor(predicate, { timeoutMs, existing: () => received.find(predicate) }),
    waitForCount: async (n, timeoutMs = 5000) => {
      if (received.length >= n) return received.slice();
      await arrivals
        .waitFor(() => received.length >= n, { timeoutMs })
        .catch(() => {
          throw new Error(`receiver got ${received.length} of ${n} requests within ${timeoutMs} ms`);
        });
      return received.slice();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
