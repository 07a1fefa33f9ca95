import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { FileDigest } from '../../contracts';
import { TransientError } from '../../contracts';
import type { HubConfig } from '../config/hub-config.schema';
import type { FileStore } from './file-store.port';
import { FileRefused } from './files.errors';
import { type AllowedUrl, HostAllowList, isNonPublicAddress } from './host.allowlist';

/** Redirects followed at most; each must stay on the tenant's allow-list. */
export const MAX_REDIRECTS = 5;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What the fetcher needs beyond the configuration; tests substitute the resolver. */
export interface UrlFetcherOptions {
  /** Name resolution (default: the system's, `dns.lookup`). */
  lookup?: (hostname: string, options: { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;
  /** Extra trusted CAs for https (tests); default the system's. */
  ca?: string | Buffer;
}

/**
 * Fetches a file given by URL into the store, for one tenant, without becoming a way into the
 * hub's network (SSRF):
 * - the URL must match the tenant's allow-list (`tenants.<id>.files.allowedHosts`) before any
 *   network access: scheme, host and port; never userinfo; an IP address only when listed as one;
 * - redirects are followed by hand, at most {@link MAX_REDIRECTS}, each target checked against the
 *   same list before it is contacted;
 * - DNS rebinding: the name is resolved once per connection by the connection's own lookup, and
 *   the socket connects to exactly the addresses checked. A host matched through a wildcard must
 *   resolve to public addresses only (any loopback, private, link-local or reserved answer refuses
 *   it); a host listed by its exact name may resolve to private ones (an intranet portal);
 * - no connection reuse (`agent: false`), so a socket opened under one tenant's rules never
 *   serves another's request; no proxy; `Accept-Encoding: identity`, no cookies, no credentials;
 * - one deadline for the whole fetch, redirects and body included; Content-Length and the counted
 *   bytes are both held to the limit and to the expected size; sha256 and size must match.
 * Refusals are permanent ({@link FileRefused}); network errors, timeouts, 5xx, 429 and 408 are
 * transient. Messages name the host, never the URL's path or query.
 */
export class UrlFetcher {
  private readonly lists = new Map<string, HostAllowList>();
  private readonly lookup: NonNullable<UrlFetcherOptions['lookup']>;

  constructor(
    private readonly store: FileStore,
    private readonly config: HubConfig,
    private readonly options: UrlFetcherOptions = {},
  ) {
    for (const [id, t] of Object.entries(config.tenants)) this.lists.set(id, new HostAllowList(id, t.files.allowedHosts));
    this.lookup = options.lookup ?? ((hostname, opts, cb) => dnsLookup(hostname, opts, cb));
  }

  /** Throws FileRefused (`host-not-allowed`, …) unless `url` is on the tenant's allow-list. */
  checkAllowed(tenant: string, url: string): AllowedUrl {
    return this.listOf(tenant).check(url);
  }

  private listOf(tenant: string): HostAllowList {
    const list = this.lists.get(tenant);
    if (!list) throw new FileRefused('host-not-allowed', `tenant ${tenant} is not configured, so no host is allowed for it`);
    return list;
  }

  /** Fetches `url` for `tenant` into the store; resolves with the digest, which equals `expect`. */
  async fetchInto(tenant: string, url: string, expect: FileDigest, signal?: AbortSignal): Promise<FileDigest> {
    const list = this.listOf(tenant);
    let target = list.check(url);
    const { maxBytes, timeoutMs } = this.config.hub.files.fetch;
    if (expect.size > maxBytes) throw new FileRefused('too-large', `the file (${expect.size} bytes) is larger than the fetch limit of ${maxBytes} bytes`);

    const deadline = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
    for (let redirects = 0; ; redirects++) {
      const res = await this.get(target, abort, timeoutMs);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.destroy();
        if (redirects >= MAX_REDIRECTS) throw new FileRefused('too-many-redirects', `more than ${MAX_REDIRECTS} redirects, the last from host ${target.host}`);
        const location = res.headers.location;
        if (!location) throw new FileRefused('http-status', `host ${target.host} answered ${status} without a Location`);
        let next: URL;
        try {
          next = new URL(location, target.url);
        } catch {
          throw new FileRefused('bad-url', `host ${target.host} redirected to an invalid URL`);
        }
        target = list.check(next, 'redirect-off-list');
        continue;
      }
      if (status !== 200) {
        res.destroy();
        if (status >= 500 || status === 429 || status === 408) throw new TransientError(`host ${target.host} answered ${status}`, retryAfterMs(res.headers['retry-after']));
        throw new FileRefused('http-status', `host ${target.host} answered ${status}`);
      }
      return this.receive(res, target, expect, maxBytes, abort, timeoutMs);
    }
  }

  /** Streams a 200 response into the store, holding it to the limits and the reference. */
  private async receive(res: IncomingMessage, target: AllowedUrl, expect: FileDigest, maxBytes: number, abort: AbortSignal, timeoutMs: number): Promise<FileDigest> {
    const declared = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    if (declared !== undefined && declared > maxBytes) {
      res.destroy();
      throw new FileRefused('too-large', `host ${target.host} announces ${declared} bytes, more than the fetch limit of ${maxBytes}`);
    }
    if (declared !== undefined && declared !== expect.size) {
      res.destroy();
      throw new FileRefused('size-mismatch', `size mismatch: expected ${expect.size} bytes, host ${target.host} announces ${declared}`);
    }
    try {
      return await this.store.put(res, { maxBytes, expect });
    } catch (e) {
      res.destroy();
      if (e instanceof FileRefused || e instanceof TransientError) throw e;
      throw this.networkFailure(e, target, abort, timeoutMs);
    }
  }

  /** One GET, resolved at the response headers; the socket goes only to addresses the policy allows. */
  private get(target: AllowedUrl, abort: AbortSignal, timeoutMs: number): Promise<IncomingMessage> {
    const lookup: LookupFunction = (hostname, opts, callback) => {
      this.lookup(hostname, { all: true }, (err, addresses) => {
        if (err) return callback(err, '', 4);
        const refused = !target.exact && addresses.find((a) => isNonPublicAddress(a.address));
        if (refused || !addresses.length) {
          const e = new FileRefused('private-address', `host ${target.host} resolves to ${refused ? 'a non-public address' : 'no address'}, which only a host listed by its exact name may`);
          return callback(e as unknown as NodeJS.ErrnoException, '', 4);
        }
        if ((opts as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const request = target.scheme === 'https' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(target.url, {
        method: 'GET',
        agent: false,
        lookup,
        signal: abort,
        headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': 'cabinet-hub' },
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      });
      req.once('response', resolve);
      req.once('error', (e) => reject(e instanceof FileRefused ? e : this.networkFailure(e, target, abort, timeoutMs)));
      req.end();
    });
  }

  private networkFailure(e: unknown, target: AllowedUrl, abort: AbortSignal, timeoutMs: number): Error {
    if (abort.aborted) {
      const reason: unknown = abort.reason;
      if (reason instanceof DOMException && reason.name === 'TimeoutError') return new TransientError(`fetching from host ${target.host} took longer than ${timeoutMs} ms`);
      return new TransientError(`fetching from host ${target.host} was cancelled`);
    }
    const code = (e as NodeJS.ErrnoException)?.code;
    return new TransientError(`fetching from host ${target.host} failed${code ? ` (${code})` : ''}`, undefined, { cause: e });
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date), when present and sane. */
function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 86400) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min(at - Date.now(), 86400_000));
}
