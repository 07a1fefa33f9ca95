import { createHash, randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { AdapterDefinition, CloudEvent, defineAdapter, exampleEvent, PermanentError, SECRET_KEYWORD, TransientError } from '../../contracts';
import { createMockServer } from '../../mocks/_kit';
import { AdapterContractSpec, configProblems, connectionsDuring, isLoopbackHost, KitMock, runAdapterContractKit, secretValues, specProblems } from './adapter-contract.kit';

/*
 * The kit's own test: a minimal JSON "registry" service (built with the mock kit) and a sample
 * adapter for it run the whole kit, and the kit's checks are shown to catch broken adapters.
 */

/** A tiny external system: POST /documents creates (idempotent on a client id), GET /documents/:id reads. */
async function startRegistry(): Promise<KitMock & { documents: Map<string, { id: string; creates: number }> }> {
  const documents = new Map<string, { id: string; creates: number }>();
  const server = createMockServer({
    name: 'registry',
    onReset: () => documents.clear(),
    classify: (req) => `${req.method} ${req.path.split('/')[1] ?? ''}`,
    handler: (req) => {
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: JSON.stringify({ error: 'unauthorized' }) };
      if (req.method === 'GET' && req.path === '/health') return { status: 200, body: '{"ok":true}' };
      const m = /^\/documents\/([\w-]+)$/.exec(req.path);
      if (req.method === 'GET' && m) {
        const d = documents.get(m[1]);
        return d ? { status: 200, body: JSON.stringify({ id: d.id, number: `R-${d.id.slice(0, 4)}` }) } : { status: 404, body: '{}' };
      }
      if (req.method === 'POST' && req.path === '/documents') {
        const { id } = JSON.parse(req.text()) as { id: string };
        const d = documents.get(id) ?? { id, creates: 0 };
        d.creates++;
        documents.set(id, d);
        return { status: 201, body: JSON.stringify({ id, number: `R-${id.slice(0, 4)}` }) };
      }
      return { status: 404, body: '{}' };
    },
  });
  const running = await server.start();
  return { url: running.url, admin: server.admin, close: () => server.close(), documents };
}

const TOKEN = 'kit-token-0123456789';
const idFor = (event: CloudEvent) => createHash('sha256').update(`${event.source}\n${event.id}`).digest('hex').slice(0, 32);

const registryAdapter = defineAdapter({
  type: 'edms.kit-sample',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'kit-sample',
  configSchema: Type.Object({ baseUrl: Type.String({ format: 'uri' }), token: Type.String({ minLength: 8, [SECRET_KEYWORD]: true }) }, { additionalProperties: false }),
  create: (config) => {
    const call = async (method: string, path: string, signal: AbortSignal, body?: unknown) => {
      let res: Response;
      try {
        res = await fetch(`${config.baseUrl}${path}`, {
          method,
          signal,
          headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
          body: body ? JSON.stringify(body) : undefined,
        });
      } catch (e) {
        throw new TransientError(`registry unreachable: ${(e as Error).name}`);
      }
      if (res.status === 401 || res.status === 403) throw new PermanentError('registry refused the credentials');
      if (res.status === 429 || res.status >= 500) throw new TransientError(`registry answered ${res.status}`, Number(res.headers.get('retry-after') ?? 0) * 1000 || undefined);
      const text = await res.text();
      try {
        return { status: res.status, json: JSON.parse(text) as { id: string; number: string } };
      } catch {
        throw new TransientError('registry answered garbage');
      }
    };
    return {
      async handle(event, signal) {
        const id = idFor(event);
        // Look up first: a retry after an unknown outcome must not create a second document.
        let doc = await call('GET', `/documents/${id}`, signal);
        if (doc.status === 404) doc = await call('POST', '/documents', signal, { id });
        const data = event.data as { caseRef: string };
        return {
          results: [
            {
              type: 'appeal.registered',
              tenant: event.tenant,
              caseRef: data.caseRef,
              occurredAt: '2026-01-10T10:00:00Z',
              data: { caseRef: data.caseRef, system: 'edms.kit-sample', externalId: doc.json.id, registrationNumber: doc.json.number, registeredAt: '2026-01-10T10:00:00Z' },
            },
          ],
          summary: { request: { id }, response: { status: doc.status } },
        };
      },
      async probe() {
        try {
          const res = await fetch(`${config.baseUrl}/health`, { headers: { authorization: `Bearer ${config.token}` }, signal: AbortSignal.timeout(2000) });
          return res.ok ? { ok: true } : { ok: false, detail: `registry answered ${res.status}` };
        } catch (e) {
          return { ok: false, detail: `registry unreachable: ${(e as Error).name}` };
        }
      },
    };
  },
});

let registry: Awaited<ReturnType<typeof startRegistry>>;
const appeal = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' });

const spec: AdapterContractSpec<typeof registryAdapter.configSchema> = {
  definition: registryAdapter,
  startMock: async () => (registry = await startRegistry()),
  validConfig: (mock) => ({ baseUrl: mock.url, token: TOKEN }),
  unauthorizedConfig: (mock) => ({ baseUrl: mock.url, token: 'wrong-token-987654' }),
  invalidConfigs: [
    { config: { baseUrl: 'not a url', token: TOKEN }, path: '/baseUrl' },
    { config: { baseUrl: 'http://127.0.0.1:1' }, path: '/token' },
  ],
  fixtures: [
    {
      name: 'edms.appeal.register',
      input: appeal,
      expectRequests: (recorded) => expect(recorded.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /documents/${idFor(appeal)}`, 'POST /documents']),
      expectOutcome: (outcome) =>
        expect(outcome.results).toEqual([
          expect.objectContaining({ type: 'appeal.registered', caseRef: (appeal.data as { caseRef: string }).caseRef, data: expect.objectContaining({ externalId: idFor(appeal) }) }),
        ]),
      sideEffects: () => registry.documents.get(idFor(appeal))?.creates ?? 0,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 503, count: 1 },
    { fault: 'rate-limit', retryAfterSeconds: 1, count: 1 },
    { fault: 'reset', count: 1 },
    { fault: 'malformed', count: 1 },
    { fault: 'timeout', count: 1 },
  ],
  bypass: {
    webhooks: 'the sample registry takes no provider callbacks; channel adapters run this family',
    polling: 'the sample registry pushes nothing and has nothing to poll; a real EDMS adapter without callbacks must run this family',
  },
};

runAdapterContractKit(spec);

describe('the kit catches broken adapters', () => {
  it('spec: an adapter that accepts unknown settings or consumes an unknown type', () => {
    const broken = { ...registryAdapter, type: 'Registry', consumes: ['appeal.exploded'], configSchema: Type.Object({ baseUrl: Type.String() }) } as unknown as AdapterDefinition;
    expect(specProblems(broken)).toEqual([
      'type "Registry" is not <channel>.<vendor>',
      'consumes unknown event type appeal.exploded',
      'configSchema accepts unknown settings (additionalProperties must be false)',
    ]);
  });

  it('config: a schema that does not name the bad field', () => {
    const loose = { ...spec, definition: { ...registryAdapter, configSchema: Type.Object({ baseUrl: Type.String(), token: Type.Optional(Type.String()) }, { additionalProperties: false }) } };
    expect(configProblems(loose as never, { baseUrl: 'x', token: TOKEN })).toEqual([
      'invalid config accepted (expected an error at /baseUrl)',
      'invalid config accepted (expected an error at /token)',
    ]);
  });

  it('hygiene: secrets are found by the schema marks, connections are seen, and only loopback passes', async () => {
    expect(secretValues(registryAdapter.configSchema, { baseUrl: 'http://127.0.0.1', token: TOKEN })).toEqual([TOKEN]);
    const mock = await startRegistry();
    try {
      const { hosts } = await connectionsDuring(async () => {
        await fetch(`${mock.url}/health`).catch(() => undefined);
      });
      expect(hosts).toEqual(['127.0.0.1']);
    } finally {
      await mock.close();
    }
    // Judged on names only: the kit never connects anywhere but loopback.
    expect(['127.0.0.1', '127.3.2.1', '::1', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.5', '192.168.1.10', 'docflow.kyiv.example', '8.8.8.8'].some(isLoopbackHost)).toBe(false);
  });

  it('idempotency: an adapter that creates without looking up creates twice', async () => {
    const mock = await startRegistry();
    try {
      const id = idFor(appeal);
      for (let i = 0; i < 2; i++) await fetch(`${mock.url}/documents`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ id }) });
      expect(mock.documents.get(id)?.creates).toBe(2);
    } finally {
      await mock.close();
    }
  });
});
