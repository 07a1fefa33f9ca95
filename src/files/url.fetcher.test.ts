import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TransientError } from '../../contracts';
import { MemoryFileStore, refusal, sha256Of, startFileServer, type TestFileServer } from '../../test/helpers/files.helper';
import { parseHubConfig } from '../config/hub-config.loader';
import { HostAllowList, isNonPublicAddress } from './host.allowlist';
import { MAX_REDIRECTS, UrlFetcher } from './url.fetcher';

const run = promisify(execFile);

describe('HostAllowList', () => {
  const list = new HostAllowList('demo', ['files.portal.example', '*.cdn.example', 'http://intranet.local:8080', '10.0.0.5', 'https://[::1]:8443']);
  const reason = (url: string) => {
    try {
      list.check(url);
      return 'allowed';
    } catch (e) {
      return (e as { reason: string }).reason;
    }
  };

  it('matches scheme, host and port exactly, https and the default port unless written', () => {
    expect(list.check('https://files.portal.example/a?b=c')).toMatchObject({ host: 'files.portal.example', port: 443, exact: true });
    expect(list.check('https://FILES.portal.example:443/x')).toMatchObject({ exact: true });
    expect(reason('http://files.portal.example/a')).toBe('host-not-allowed');
    expect(reason('https://files.portal.example:8443/a')).toBe('host-not-allowed');
    expect(reason('https://portal.example/a')).toBe('host-not-allowed');
    expect(reason('https://files.portal.example.evil.example/a')).toBe('host-not-allowed');
    expect(list.check('http://intranet.local:8080/f')).toMatchObject({ scheme: 'http', port: 8080, exact: true });
    expect(reason('http://intranet.local/f')).toBe('host-not-allowed');
    expect(reason('ftp://files.portal.example/a')).toBe('scheme-not-allowed');
    expect(reason('not a url')).toBe('bad-url');
  });

  it('lets a wildcard cover subdomains only, never the domain itself or an IP address', () => {
    expect(list.check('https://a.cdn.example/f')).toMatchObject({ exact: false });
    expect(list.check('https://a.b.cdn.example/f')).toMatchObject({ exact: false });
    expect(reason('https://cdn.example/f')).toBe('host-not-allowed');
    expect(reason('https://acdn.example/f')).toBe('host-not-allowed');
    expect(() => new HostAllowList('t', ['*.0.0.1'])).toThrow('wildcard');
  });

  it('refuses userinfo and IP addresses that are not listed, however they are spelled', () => {
    expect(reason('https://user:pw@files.portal.example/a')).toBe('userinfo');
    expect(reason('https://user@files.portal.example/a')).toBe('userinfo');
    expect(reason('https://127.0.0.1/a')).toBe('ip-literal');
    expect(reason('https://2130706433/a')).toBe('ip-literal');
    expect(reason('https://0x7f.1/a')).toBe('ip-literal');
    expect(reason('https://[::ffff:127.0.0.1]/a')).toBe('ip-literal');
    expect(list.check('https://10.0.0.5/a')).toMatchObject({ host: '10.0.0.5', exact: true });
    expect(list.check('https://[::1]:8443/a')).toMatchObject({ host: '::1', exact: true });
  });

  it('tells public addresses from the rest', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '224.0.0.1',
    ])
      expect([a, isNonPublicAddress(a)]).toEqual([a, true]);
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808']) expect([a, isNonPublicAddress(a)]).toEqual([a, false]);
  });
});

/**
 * Small-medium tier: real HTTP servers on the loopback, a resolver that maps test names to them,
 * the in-memory store. `forbidden` is a server no test may reach: its request count must stay 0.
 */
describe('UrlFetcher', () => {
  const content = randomBytes(300 * 1024);
  const ref = { sha256: sha256Of(content), size: content.length };
  let files: TestFileServer;
  let forbidden: TestFileServer;
  let store: MemoryFileStore;
  let fetcher: UrlFetcher;
  let resolved: string[];

  const serve =
    (body: Buffer, headers: Record<string, string> = {}) =>
    (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-length': String(body.length), ...headers });
      res.end(body);
    };
  const redirect =
    (to: () => string, status = 302) =>
    (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(status, { location: to() });
      res.end();
    };

  beforeAll(async () => {
    forbidden = await startFileServer({ '/file': serve(content) });
    files = await startFileServer({
      '/file': serve(content),
      '/chunked': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/pdf' });
        res.write(content.subarray(0, 1000));
        setTimeout(() => res.end(content.subarray(1000)), 10);
      },
      '/endless': (_req, res) => {
        res.writeHead(200);
        const t = setInterval(() => res.write(randomBytes(64 * 1024)), 1);
        res.on('close', () => clearInterval(t));
      },
      '/big': serve(Buffer.alloc(2 * 1024 * 1024)),
      '/short': (_req, res) => {
        res.writeHead(200, { 'content-length': String(content.length) });
        res.write(content.subarray(0, 1000));
        setTimeout(() => res.destroy(), 10);
      },
      '/hang': () => undefined,
      '/503': (_req, res) => (res.writeHead(503, { 'retry-after': '7' }), res.end()),
      '/429': (_req, res) => (res.writeHead(429), res.end()),
      '/404': (_req, res) => (res.writeHead(404), res.end()),
      '/relative': redirect(() => '/file', 301),
      '/to-named': redirect(() => `http://files.portal.example:${files.port}/file`, 307),
      '/to-forbidden': redirect(() => `${forbidden.url}/file`),
      '/to-localhost': redirect(() => `http://localhost:${forbidden.port}/file`),
      '/to-userinfo': redirect(() => `http://u:p@127.0.0.1:${files.port}/file`),
      '/no-location': (_req, res) => (res.writeHead(302), res.end()),
      ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`/loop${i}`, redirect(() => `/loop${i + 1}`)])),
    });
    const config = parseHubConfig(
      `
hub:
  files: { fetch: { maxBytes: 1048576, timeoutMs: 500 } }
tenants:
  demo:
    name: Demo
    files:
      allowedHosts: ['http://127.0.0.1:${files.port}', 'http://files.portal.example:${files.port}', 'http://*.cdn.example:${files.port}']
  other:
    name: Other
    files: { allowedHosts: ['http://127.0.0.1:${forbidden.port}'] }
  closed: { name: Closed }
`,
      'fetch.yaml',
      {},
    );
    // Test names resolve to the loopback; everything else fails as an unknown name would.
    const lookup = (hostname: string, _o: { all: true }, cb: (e: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
      resolved.push(hostname);
      if (hostname.endsWith('.example')) return cb(null, [{ address: '127.0.0.1', family: 4 }]);
      cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    };
    store = new MemoryFileStore();
    fetcher = new UrlFetcher(store, config, { lookup });
  });
  afterAll(async () => {
    await files?.close();
    await forbidden?.close();
  });
  beforeEach(() => {
    store.blobs.clear();
    files.requests.length = 0;
    resolved = [];
  });
  afterEach(() => expect(forbidden.requests).toEqual([]));

  it('fetches an allowed URL into the store and checks its digest', async () => {
    expect(await fetcher.fetchInto('demo', `${files.url}/file?token=secret`, ref)).toEqual(ref);
    expect(store.blobs.get(ref.sha256)?.equals(content)).toBe(true);
    expect(files.requests).toEqual(['/file?token=secret']);
    expect(await fetcher.fetchInto('demo', `${files.url}/chunked`, ref)).toEqual(ref);
  });

  it("refuses hosts off the tenant's list without any network access, naming the host but not the path", async () => {
    const offList = await refusal(fetcher.fetchInto('demo', `http://localhost:${forbidden.port}/file?token=secret`, ref));
    expect(offList.reason).toBe('host-not-allowed');
    expect(offList.message).toBe(`http://localhost:${forbidden.port} is not allowed by tenants.demo.files.allowedHosts`);
    expect((await refusal(fetcher.fetchInto('demo', `${forbidden.url}/file`, ref))).reason).toBe('ip-literal');
    expect((await refusal(fetcher.fetchInto('closed', `${files.url}/file`, ref))).reason).toBe('ip-literal');
    expect((await refusal(fetcher.fetchInto('nobody', `${files.url}/file`, ref))).reason).toBe('host-not-allowed');
    expect((await refusal(fetcher.fetchInto('demo', `http://u:p@127.0.0.1:${files.port}/file`, ref))).reason).toBe('userinfo');
    expect((await refusal(fetcher.fetchInto('demo', `https://127.0.0.1:${files.port}/file`, ref))).reason).toBe('ip-literal');
    expect(files.requests).toEqual([]);
    expect(resolved).toEqual([]);
    // The other tenant may use the server this one may not.
    expect(await fetcher.fetchInto('other', `${forbidden.url}/file`, ref)).toEqual(ref);
    forbidden.requests.length = 0;
  });

  it('follows redirects on the list, and refuses one off the list before contacting it', async () => {
    expect(await fetcher.fetchInto('demo', `${files.url}/relative`, ref)).toEqual(ref);
    expect(await fetcher.fetchInto('demo', `${files.url}/to-named`, ref)).toEqual(ref);
    expect(files.requests).toEqual(['/relative', '/file', '/to-named', '/file']);
    const off = await refusal(fetcher.fetchInto('demo', `${files.url}/to-forbidden`, ref));
    expect([off.reason, off.message]).toEqual(['redirect-off-list', `a redirect to ${forbidden.url} is not allowed: an IP address must be listed as such in tenants.demo.files.allowedHosts`]);
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/to-localhost`, ref))).reason).toBe('redirect-off-list');
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/to-userinfo`, ref))).reason).toBe('userinfo');
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/no-location`, ref))).reason).toBe('http-status');
  });

  it(`follows at most ${MAX_REDIRECTS} redirects`, async () => {
    files.requests.length = 0;
    const e = await refusal(fetcher.fetchInto('demo', `${files.url}/loop0`, ref));
    expect(e.reason).toBe('too-many-redirects');
    expect(files.requests).toHaveLength(MAX_REDIRECTS + 1);
  });

  it('lets a host listed by exact name resolve to the loopback, but not one matched by a wildcard (DNS rebinding)', async () => {
    expect(await fetcher.fetchInto('demo', `http://files.portal.example:${files.port}/file`, ref)).toEqual(ref);
    expect(files.requests).toEqual(['/file']);
    const e = await refusal(fetcher.fetchInto('demo', `http://a.cdn.example:${files.port}/file`, ref));
    expect(e.reason).toBe('private-address');
    expect(files.requests).toEqual(['/file']);
    expect(resolved).toEqual(['files.portal.example', 'a.cdn.example']);
  });

  it('holds the body to the fetch limit and to the reference, by Content-Length and by counting', async () => {
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/big`, { sha256: ref.sha256, size: 2 * 1024 * 1024 }))).reason).toBe('too-large');
    expect(files.requests).toEqual([]);
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/big`, ref))).reason).toBe('too-large');
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/endless`, ref))).reason).toBe('size-mismatch');
    const size = await refusal(fetcher.fetchInto('demo', `${files.url}/file`, { ...ref, size: ref.size - 1 }));
    expect([size.reason, size.message]).toEqual(['size-mismatch', `size mismatch: expected ${ref.size - 1} bytes, host 127.0.0.1 announces ${ref.size}`]);
    const sha = await refusal(fetcher.fetchInto('demo', `${files.url}/file`, { ...ref, sha256: 'f'.repeat(64) }));
    expect(sha.reason).toBe('sha256-mismatch');
    expect(sha.message).toContain(ref.sha256);
    expect(store.blobs.size).toBe(0);
  });

  it('treats 5xx, 429, timeouts, resets and refused connections as transient; other statuses as permanent', async () => {
    const t503 = await fetcher.fetchInto('demo', `${files.url}/503`, ref).catch((e: unknown) => e);
    expect(t503).toBeInstanceOf(TransientError);
    expect(t503).toMatchObject({ message: 'host 127.0.0.1 answered 503', retryAfterMs: 7000 });
    await expect(fetcher.fetchInto('demo', `${files.url}/429`, ref)).rejects.toBeInstanceOf(TransientError);
    expect((await refusal(fetcher.fetchInto('demo', `${files.url}/404`, ref))).reason).toBe('http-status');
    const started = Date.now();
    await expect(fetcher.fetchInto('demo', `${files.url}/hang`, ref)).rejects.toThrow(new TransientError('fetching from host 127.0.0.1 took longer than 500 ms'));
    expect(Date.now() - started).toBeLessThan(3000);
    await expect(fetcher.fetchInto('demo', `${files.url}/short`, ref)).rejects.toBeInstanceOf(TransientError);
    const closed = await startFileServer({});
    await closed.close();
    const refusedConnection = new UrlFetcher(store, parseHubConfig(`tenants:\n  demo: { name: Demo, files: { allowedHosts: ['http://127.0.0.1:${closed.port}'] } }\n`, 't.yaml', {}));
    await expect(refusedConnection.fetchInto('demo', `${closed.url}/file`, ref)).rejects.toThrow(/failed \(ECONNREFUSED\)/);
    await expect(fetcher.fetchInto('demo', `${files.url}/hang`, ref, AbortSignal.abort())).rejects.toThrow('was cancelled');
  });
});

/**
 * https, the default scheme: a real TLS server with a throwaway certificate for
 * `files.portal.example` (openssl), reached on the loopback through the test resolver. The
 * certificate is checked against the URL's host name, not the address connected to.
 */
describe('UrlFetcher over https', () => {
  const content = randomBytes(10_000);
  const ref = { sha256: sha256Of(content), size: content.length };
  let dir: string;
  let server: import('node:https').Server;
  let port: number;
  let cert: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fetch-tls-'));
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=files.portal.example',
      '-addext',
      'subjectAltName=DNS:files.portal.example',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    cert = readFileSync(join(dir, 'cert.pem'));
    server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => {
      res.writeHead(200, { 'content-length': String(content.length) });
      res.end(content);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as import('node:net').AddressInfo).port;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const fetcherFor = (entries: string[]) =>
    new UrlFetcher(new MemoryFileStore(), parseHubConfig(`tenants:\n  demo: { name: Demo, files: { allowedHosts: ${JSON.stringify(entries)} } }\n`, 'tls.yaml', {}), {
      ca: cert,
      lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]),
    });

  it('fetches from a host listed without a scheme, checking its certificate', async () => {
    expect(await fetcherFor([`files.portal.example:${port}`]).fetchInto('demo', `https://files.portal.example:${port}/f`, ref)).toEqual(ref);
    // http to the same host and port is not what the entry allows.
    expect((await refusal(fetcherFor([`files.portal.example:${port}`]).fetchInto('demo', `http://files.portal.example:${port}/f`, ref))).reason).toBe('host-not-allowed');
    // A certificate for another name fails as a network error would (retried; the operator fixes the host or the list).
    await expect(fetcherFor([`other.portal.example:${port}`]).fetchInto('demo', `https://other.portal.example:${port}/f`, ref)).rejects.toThrow(/failed \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
  });
});
