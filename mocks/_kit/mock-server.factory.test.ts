import http from 'node:http';
import net from 'node:net';
import { createMockServer, RequestRecorder, type MockServer, type RunningMockServer } from './index';

/** A trivial mock: echoes what it got; the request "type" is the `x-type` header. */
function echoMock(extra: { clock?: () => number; onReset?: () => void; maxBodyBytes?: number } = {}): MockServer {
  return createMockServer({
    name: 'echo',
    maxBodyBytes: extra.maxBodyBytes ?? 64 * 1024,
    clock: extra.clock,
    onReset: extra.onReset,
    classify: (req) => req.headers['x-type'] ?? null,
    handler: (req) => {
      if (req.path === '/boom') throw new Error('handler exploded');
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ok: true, method: req.method, path: req.path, body: req.text() }),
      };
    },
  });
}

describe('mock kit: createMockServer', () => {
  let mock: MockServer;
  let srv: RunningMockServer;
  let now = Date.now();

  beforeEach(async () => {
    now = Date.now();
    mock = echoMock({ clock: () => now });
    srv = await mock.start({ port: 0 });
  });
  afterEach(async () => {
    await srv.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) => fetch(srv.url + path, { method: 'POST', body, headers });
  const adminPost = (path: string, body: unknown) =>
    fetch(`${srv.url}/__admin${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('listens on 127.0.0.1 with the chosen free port', () => {
    expect(srv.host).toBe('127.0.0.1');
    expect(srv.port).toBeGreaterThan(0);
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}`);
  });

  describe('recording', () => {
    it('records requests in order with redacted authorization and the response status; admin calls are not recorded', async () => {
      await post('/a?x=1', 'first', { authorization: 'Basic c2VjcmV0OnNlY3JldA==', 'x-type': 'TypeA' });
      await fetch(`${srv.url}/__admin/requests`);
      await fetch(`${srv.url}/b`);
      const res = await fetch(`${srv.url}/__admin/requests`);
      expect(res.status).toBe(200);
      const { requests, lastSeq } = (await res.json()) as { requests: Array<Record<string, unknown>>; lastSeq: number };
      expect(requests.map((r) => r.url)).toEqual(['/a?x=1', '/b']);
      expect(requests[0]).toMatchObject({
        seq: 1,
        method: 'POST',
        path: '/a',
        body: 'first',
        bodyBytes: 5,
        bodyTruncated: false,
        type: 'TypeA',
        status: 200,
        fault: null,
        done: true,
      });
      expect((requests[0].headers as Record<string, string>).authorization).toBe('Basic');
      expect(JSON.stringify(requests)).not.toContain('c2VjcmV0');
      expect(typeof requests[0].time).toBe('string');
      expect(lastSeq).toBe(2);
    });

    it('filters with ?since= and the programmatic API gives the same entries', async () => {
      for (const p of ['/1', '/2', '/3']) await fetch(srv.url + p);
      const res = await fetch(`${srv.url}/__admin/requests?since=1`);
      const { requests } = (await res.json()) as { requests: Array<{ url: string; seq: number }> };
      expect(requests.map((r) => r.url)).toEqual(['/2', '/3']);
      expect(mock.admin.requests({ since: 2 }).map((r) => r.url)).toEqual(['/3']);
      expect((await fetch(`${srv.url}/__admin/requests?since=abc`)).status).toBe(400);
    });

    it('waitForRequest resolves when a matching request completes', async () => {
      const waiting = mock.admin.waitForRequest((r) => r.path === '/later', { timeoutMs: 2000 });
      await fetch(`${srv.url}/sooner`);
      await fetch(`${srv.url}/later`);
      await expect(waiting).resolves.toMatchObject({ path: '/later', status: 200 });
      await expect(mock.admin.waitForRequest((r) => r.path === '/never', { timeoutMs: 50 })).rejects.toThrow(/no matching request/);
    });
  });

  describe('faults', () => {
    it('http-error with a count answers the status that many times, then normally', async () => {
      const r = await adminPost('/scenario', { fault: 'http-error', status: 500, count: 3 });
      expect(r.status).toBe(201);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${srv.url}/x`)).status);
      expect(statuses).toEqual([500, 500, 500, 200]);
      const recorded = mock.admin.requests();
      expect(recorded.slice(0, 3).every((e) => e.fault === 'http-error' && e.status === 500)).toBe(true);
      expect(recorded[3].fault).toBeNull();
      expect(mock.admin.faults()).toEqual([]);
    });

    it('http-error with a duration stops applying when it expires', async () => {
      mock.admin.fault({ fault: 'http-error', status: 503, durationMs: 120_000 });
      expect((await fetch(`${srv.url}/x`)).status).toBe(503);
      now += 60_000;
      expect((await fetch(`${srv.url}/x`)).status).toBe(503);
      const [active] = mock.admin.faults();
      expect(active).toMatchObject({ fault: 'http-error', status: 503, remaining: null, hits: 2 });
      expect(active.expiresAt).toMatch(/^\d{4}-/);
      now += 60_001;
      expect((await fetch(`${srv.url}/x`)).status).toBe(200);
      expect(mock.admin.faults()).toEqual([]);
    });

    it('rate-limit answers 429 with Retry-After', async () => {
      mock.admin.fault({ fault: 'rate-limit', retryAfterSeconds: 2, count: 1 });
      const first = await fetch(`${srv.url}/x`);
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('2');
      expect((await fetch(`${srv.url}/x`)).status).toBe(200);
    });

    it('latency delays the answer', async () => {
      mock.admin.fault({ fault: 'latency', ms: 300, count: 1 });
      const t0 = Date.now();
      const res = await fetch(`${srv.url}/slow`);
      expect(res.status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(mock.admin.requests()[0].fault).toBe('latency');
      const t1 = Date.now();
      await fetch(`${srv.url}/fast`);
      expect(Date.now() - t1).toBeLessThan(250);
    });

    it('timeout never answers: the client aborts on its own timer; the next request is served', async () => {
      mock.admin.fault({ fault: 'timeout', count: 1 });
      const t0 = Date.now();
      const err = await fetch(`${srv.url}/hang`, { signal: AbortSignal.timeout(300) }).then(
        () => null,
        (e: { name?: string }) => e,
      );
      expect(err?.name).toBe('TimeoutError');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      const [entry] = mock.admin.requests();
      expect(entry).toMatchObject({ path: '/hang', status: null, fault: 'timeout', done: true });
      expect((await fetch(`${srv.url}/after`)).status).toBe(200);
    });

    it('timeout keeps the request open while the fault is active; reset drops it', async () => {
      mock.admin.fault({ fault: 'timeout' });
      const outcome = new Promise<string>((resolve) => {
        const req = http.get(`${srv.url}/held`, () => resolve('answered'));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.message}`));
      });
      await mock.admin.waitForRequest((r) => r.path === '/held');
      const early = await Promise.race([outcome, new Promise((r) => setTimeout(() => r('still waiting'), 200))]);
      expect(early).toBe('still waiting');
      mock.admin.reset();
      expect(await outcome).toMatch(/^error:/);
    });

    it('reset destroys the connection: the client sees ECONNRESET', async () => {
      mock.admin.fault({ fault: 'reset', count: 1 });
      const code = await new Promise<string | undefined>((resolve) => {
        const req = http.request(`${srv.url}/x`, { method: 'POST' }, () => resolve('answered'));
        req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
        req.end('payload');
      });
      expect(code).toBe('ECONNRESET');
      expect(mock.admin.requests()[0]).toMatchObject({ fault: 'reset', status: null, body: 'payload' });
      expect((await fetch(`${srv.url}/x`)).status).toBe(200);
    });

    it('malformed answers 200 with the real body cut short', async () => {
      mock.admin.fault({ fault: 'malformed', count: 1 });
      const res = await fetch(`${srv.url}/x`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(() => JSON.parse(text)).toThrow();
      expect(`{"ok":true,"method":"GET","path":"/x","body":""}`.startsWith(text)).toBe(true);
    });

    it('match restricts a fault to some requests (by type, by body substring)', async () => {
      mock.admin.fault([
        { fault: 'http-error', status: 502, match: { type: 'Write' } },
        { fault: 'http-error', status: 418, match: 'poison' },
      ]);
      expect((await post('/x', 'hello', { 'x-type': 'Read' })).status).toBe(200);
      expect((await post('/x', 'hello', { 'x-type': 'Write' })).status).toBe(502);
      expect((await post('/x', 'a poison pill', { 'x-type': 'Read' })).status).toBe(418);
      expect((await post('/x', 'fine')).status).toBe(200);
    });

    it('faults stack in order: three 500s, then one 429, then normal; latency adds to the others', async () => {
      mock.admin.fault([
        { fault: 'latency', ms: 100, count: 2 },
        { fault: 'http-error', status: 500, count: 3 },
        { fault: 'rate-limit', retryAfterSeconds: 5, count: 1 },
      ]);
      const t0 = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await fetch(`${srv.url}/x`)).status);
      expect(statuses).toEqual([500, 500, 500, 429, 200]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    });

    it('GET /__admin/scenario lists active faults; DELETE removes one or all', async () => {
      await adminPost('/scenario', {
        faults: [
          { fault: 'latency', ms: 5 },
          { fault: 'http-error', status: 503, count: 2, message: 'maintenance' },
        ],
      });
      const list = (await (await fetch(`${srv.url}/__admin/scenario`)).json()) as { faults: Array<{ id: string; fault: string; remaining: number | null }> };
      expect(list.faults.map((f) => [f.fault, f.remaining])).toEqual([
        ['latency', null],
        ['http-error', 2],
      ]);
      const del = await fetch(`${srv.url}/__admin/scenario/${list.faults[1].id}`, { method: 'DELETE' });
      expect(del.status).toBe(204);
      expect((await fetch(`${srv.url}/__admin/scenario/f999`, { method: 'DELETE' })).status).toBe(404);
      expect(mock.admin.faults()).toHaveLength(1);
      await fetch(`${srv.url}/__admin/scenario`, { method: 'DELETE' });
      expect(mock.admin.faults()).toHaveLength(0);
    });
  });

  describe('reset and admin input', () => {
    it('POST /__admin/reset clears faults, recorded requests and the mock state', async () => {
      const onReset = jest.fn();
      const m = echoMock({ onReset });
      const s = await m.start();
      try {
        m.admin.fault({ fault: 'http-error', status: 500 });
        await fetch(`${s.url}/x`);
        const res = await fetch(`${s.url}/__admin/reset`, { method: 'POST' });
        expect(res.status).toBe(204);
        expect(m.admin.faults()).toEqual([]);
        expect(m.admin.requests()).toEqual([]);
        expect(onReset).toHaveBeenCalledTimes(1);
        expect((await fetch(`${s.url}/x`)).status).toBe(200);
        expect(m.admin.requests()[0].seq).toBe(2);
      } finally {
        await s.close();
      }
    });

    it('rejects bad admin JSON and invalid faults with 400 and a message', async () => {
      const bad = await adminPost('/scenario', '{"fault": "http-error",');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/not valid JSON/);

      const invalid = await adminPost('/scenario', { fault: 'http-error', status: 99, cuont: 3 });
      expect(invalid.status).toBe(400);
      const body = (await invalid.json()) as { error: string; details: { problems: string[] } };
      expect(body.details.problems).toEqual(expect.arrayContaining([expect.stringMatching(/status/), expect.stringMatching(/cuont/)]));
      expect((await adminPost('/scenario', { fault: 'explode' })).status).toBe(400);
      expect((await adminPost('/scenario', { fault: 'latency' })).status).toBe(400);
      expect((await adminPost('/scenario', [])).status).toBe(400);
      expect(() => mock.admin.fault({ fault: 'rate-limit', retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/);
      expect(mock.admin.faults()).toEqual([]);
    });

    it('refuses __proto__ keys in admin JSON and does not pollute prototypes', async () => {
      const res = await adminPost('/scenario', '{"fault":"latency","ms":1,"__proto__":{"polluted":true}}');
      expect(res.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers 404 for unknown admin endpoints and 405 for wrong methods', async () => {
      expect((await fetch(`${srv.url}/__admin/nope`)).status).toBe(404);
      expect((await fetch(`${srv.url}/__admin/reset`)).status).toBe(405);
    });
  });

  describe('hostile input', () => {
    it('refuses bodies over the cap with 413 and keeps serving', async () => {
      const m = echoMock({ maxBodyBytes: 1024 });
      const s = await m.start();
      try {
        const res = await fetch(`${s.url}/x`, { method: 'POST', body: 'x'.repeat(5000) });
        expect(res.status).toBe(413);
        expect(m.admin.requests()[0]).toMatchObject({ status: 413 });
        const adminRes = await fetch(`${s.url}/__admin/scenario`, { method: 'POST', body: 'x'.repeat(5000) });
        expect(adminRes.status).toBe(413);
        expect((await fetch(`${s.url}/x`)).status).toBe(200);
      } finally {
        await s.close();
      }
    });

    it('survives malformed HTTP and a throwing handler', async () => {
      const raw = await new Promise<string>((resolve) => {
        const sock = net.connect(srv.port, '127.0.0.1', () => sock.write('GARBAGE \x00\x01 nonsense\r\n\r\n'));
        let data = '';
        sock.on('data', (d) => (data += d.toString()));
        sock.on('close', () => resolve(data));
        sock.on('error', () => resolve(data));
      });
      expect(raw).toMatch(/^HTTP\/1\.1 400/);
      const boom = await fetch(`${srv.url}/boom`);
      expect(boom.status).toBe(500);
      expect(await boom.text()).toMatch(/handler exploded/);
      expect((await fetch(`${srv.url}/x`)).status).toBe(200);
    });
  });

  it('the recorder bounds its memory: entry count, body size and total body size', () => {
    const rec = new RequestRecorder({ maxEntries: 3, maxBodyBytes: 4, maxTotalBodyBytes: 10 });
    const add = (body: string) => rec.start({ method: 'POST', url: '/', path: '/', rawHeaders: [], body: Buffer.from(body), type: null, time: new Date() });
    const first = add('abcdefgh');
    expect(first).toMatchObject({ body: 'abcd', bodyBytes: 8, bodyTruncated: true });
    add('1234');
    add('xy');
    expect(rec.list().map((e) => e.seq)).toEqual([1, 2, 3]);
    add('zz');
    expect(rec.list().map((e) => e.seq)).toEqual([2, 3, 4]);
    add('5678');
    add('9abc');
    expect(rec.list().map((e) => e.seq)).toEqual([4, 5, 6]);
    add('####');
    expect(rec.list().map((e) => e.seq)).toEqual([6, 7]);
  });

  it('close() stops listening and can be called twice', async () => {
    const m = echoMock();
    const s = await m.start();
    await s.close();
    await m.close();
    await expect(fetch(`${s.url}/x`)).rejects.toThrow();
  });
});
