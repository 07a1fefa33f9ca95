import http from 'node:http';
import https from 'node:https';

/** What a webhook answered to one POST. */
export interface WebhookReply {
  /** HTTP status; null when there was no answer (refused, reset, timeout, bad URL). */
  status: number | null;
  /** Response body (first 64 KiB). */
  body: string;
  /** Why there was no answer. */
  error: string | null;
  durationMs: number;
}

const MAX_REPLY_BYTES = 64 * 1024;

/**
 * POSTs callbacks to webhooks. Keep-alive agents capped at `concurrency` sockets per origin queue
 * the rest, so 100 000 sends do not open 100 000 sockets at the hub.
 */
export class WebhookClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;

  /** @param options sockets per origin and the answer timeout */
  constructor(private readonly options: { concurrency: number; timeoutMs: number }) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency });
  }

  /** POSTs `body` to `url`; never rejects. */
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookReply> {
    const started = Date.now();
    const fail = (error: string): WebhookReply => ({ status: null, body: '', error, durationMs: Date.now() - started });
    if (this.closed) return Promise.resolve(fail('mock closed'));
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(fail('invalid URL'));
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') return Promise.resolve(fail(`unsupported protocol ${target.protocol}`));
    const payload = Buffer.from(body, 'utf8');
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: WebhookReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inFlight.delete(req);
        resolve(r);
      };
      const req = (secure ? https : http).request(
        target,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, 'content-length': String(payload.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_REPLY_BYTES) chunks.push(c);
            size += c.length;
          });
          res.on('end', () =>
            finish({
              status: res.statusCode ?? null,
              body: Buffer.concat(chunks).subarray(0, MAX_REPLY_BYTES).toString('utf8'),
              error: null,
              durationMs: Date.now() - started,
            }),
          );
          res.on('error', (e) => finish(fail(e.message)));
        },
      );
      // The timer covers queueing behind the socket cap too: a stuck hub must not stall the mock.
      const timer = setTimeout(() => {
        req.destroy();
        finish(fail(`no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      timer.unref();
      this.inFlight.add(req);
      req.on('error', (e) => finish(fail((e as NodeJS.ErrnoException).code ?? e.message)));
      req.end(payload);
    });
  }

  /** Aborts callbacks in flight and closes idle sockets. */
  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy(new Error('mock closed'));
    this.inFlight.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
