import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, exampleEvent, TransientError } from '../../contracts';
import { AdminAdapterList, AdminBreakerChange } from '../../contracts/model/admin-operations.schema';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { schemaErrors } from '../helpers/admin-schema.helper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * The adapters page and breakers held by hand, on the real broker and database, with TWO hub
 * instances on one vhost and schema: a manual opening made through one reaches the other (both
 * stop consuming), messages wait in the work queue (nothing retried or dead-lettered), closing
 * resumes both; every action is audited with its reason and before/after.
 */

const office = { down: false, handled: new Map<string, number>() };
const fake = defineAdapter({
  type: 'edms.fake-ops',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(event: CloudEvent) {
      if (office.down) throw new TransientError('back office answered 503');
      office.handled.set(event.id, (office.handled.get(event.id) ?? 0) + 1);
      return { results: [] };
    },
    async probe() {
      return office.down ? { ok: false, detail: 'back office answered 503' } : { ok: true };
    },
  }),
});

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo }
  other: { name: Other }
adapters:
  edms-live: { type: edms.fake-ops, config: {}, runner: { breakerFailures: 2, breakerOpenMs: 60000, ratePerSecond: 50, concurrency: 2 } }
  edms-off: { type: edms.fake-ops, enabled: false, config: {} }
routes:
  - { name: demo-appeals, tenants: [demo], types: [appeal.submitted], to: [edms-live, edms-off] }
retry: { delaysMs: [300, 600, 1200], jitter: 0.1 }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`;

type Adapter = {
  id: string;
  enabled: boolean;
  running: boolean;
  breaker: { state: string; forcedOpen: boolean; manual: null | { actor: string; reason: string } };
  rateLimit: { ratePerSecond: number | null; concurrency: number };
  queues: { name: string; lane: string; messages: number | null; consumers: number | null }[];
  lastError: null | { outcome: string; error: string; journalId?: string };
  probe: null | { ok: boolean; detail?: string };
};

describe('admin: adapters, queue depths and breakers held by hand (two hub instances)', () => {
  let hub: TestHub;
  let second: TestHub;
  let probe: AmqpProbe;
  let viewer: string;
  let operator: string;
  let admin: string;
  beforeAll(async () => {
    hub = await startTestHub({ yaml: YAML, adapters: [fake] });
    second = await startTestHub({ yaml: YAML, adapters: [fake], space: hub.space });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
    [viewer, operator, admin] = await Promise.all([adminToken(hub, ['*:viewer']), adminToken(hub, ['*:operator']), adminToken(hub, ['*:admin'])]);
  });
  afterAll(async () => {
    await probe?.close();
    await second?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });

  const list = async (token = viewer, via: TestHub = hub) => {
    const r = await adminCall<{ adapters: Adapter[] }>(via, token, 'GET', '/v1/admin/adapters');
    expect(r.status).toBe(200);
    expect(schemaErrors(AdminAdapterList, r.body)).toEqual([]);
    return r.body.adapters;
  };
  const one = async (id: string, via: TestHub = hub) => (await list(viewer, via)).find((a) => a.id === id) as Adapter;
  const queue = (a: Adapter, lane: string) => a.queues.find((q) => q.lane === lane) as Adapter['queues'][number];
  const appeal = () => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
    ev.data.caseRef = `EP-OPS-${randomUUID().slice(0, 8)}`;
    delete ev.data.files;
    return ev;
  };
  const handledCount = () => [...office.handled.values()].reduce((a, b) => a + b, 0);

  it('shows the depth of a disabled instance’s queue, its consumers, the rate limit and probes', async () => {
    const sent = [appeal(), appeal(), appeal()];
    for (const ev of sent) await probe.publishEvent(ev);
    await eventually('the live instance handled them', () => sent.every((e) => office.handled.get(e.id) === 1));
    const off = await eventually('three waiting for the disabled instance', async () => {
      const a = await one('edms-off');
      return queue(a, 'normal').messages === 3 ? a : undefined;
    });
    expect(off).toMatchObject({ enabled: false, running: false, breaker: { state: 'disabled', forcedOpen: false }, probe: null });
    expect(queue(off, 'normal')).toMatchObject({ name: 'hub.work.edms-off', consumers: 0 });
    expect(queue(off, 'dlq')).toMatchObject({ name: 'hub.work.edms-off.dlq', messages: 0 });
    const live = await one('edms-live');
    expect(live).toMatchObject({ enabled: true, running: true, breaker: { state: 'closed', forcedOpen: false }, rateLimit: { ratePerSecond: 50, concurrency: 2 }, probe: { ok: true } });
    // Both hub instances consume the live queue.
    expect(queue(live, 'normal')).toMatchObject({ messages: 0, consumers: 2 });
  });

  it('shows the last failure and the failing probe; closing by hand lets the retry through', async () => {
    office.down = true;
    const ev = appeal();
    await probe.publishEvent(ev);
    const live = await eventually('the failure shown', async () => {
      const a = await one('edms-live');
      return a.lastError ? a : undefined;
    });
    expect(live.lastError).toMatchObject({ outcome: 'transient', error: expect.stringContaining('back office answered 503') });
    expect(typeof live.lastError?.journalId).toBe('string');
    expect(live.probe).toEqual({ ok: false, detail: 'back office answered 503' });
    office.down = false;
    // Closing by hand resets the automatic breakers too; the retried message then goes through.
    expect((await adminCall(hub, operator, 'POST', '/v1/admin/adapters/edms-live/breaker/close', { reason: 'back office is back' })).status).toBe(200);
    await eventually('the retried appeal handled', () => office.handled.get(ev.id) === 1, 30000);
  });

  it('refuses breaker actions to viewers and to a tenant’s operator (hub-wide), and without a reason', async () => {
    expect((await adminCall(hub, viewer, 'POST', '/v1/admin/adapters/edms-live/breaker/open', { reason: 'I am only a viewer' })).status).toBe(403);
    const tenantOperator = await adminToken(hub, ['demo:operator']);
    expect((await adminCall(hub, tenantOperator, 'POST', '/v1/admin/adapters/edms-live/breaker/open', { reason: 'not hub-wide' })).status).toBe(403);
    expect((await adminCall(hub, operator, 'POST', '/v1/admin/adapters/edms-live/breaker/open', {})).status).toBe(400);
    expect((await adminCall(hub, operator, 'POST', '/v1/admin/adapters/nope/breaker/open', { reason: 'no such adapter' })).status).toBe(404);
    expect((await one('edms-live')).breaker.forcedOpen).toBe(false);
  });

  it('a tenant’s viewer sees only the instances its routes use', async () => {
    const otherViewer = await adminToken(hub, ['other:viewer']);
    expect(await list(otherViewer)).toEqual([]);
    const demoViewer = await adminToken(hub, ['demo:viewer']);
    const seen = await list(demoViewer);
    expect(seen.map((a) => a.id).sort()).toEqual(['edms-live', 'edms-off']);
    expect(seen.every((a) => a.lastError === null || a.lastError.journalId === undefined)).toBe(true);
  });

  it('opened by hand, both instances stop: messages wait in the queue, none dead-lettered; closed, they go through; both audited', async () => {
    const before = handledCount();
    const opened = await adminCall<any>(hub, operator, 'POST', '/v1/admin/adapters/edms-live/breaker/open', { reason: 'the 1C base is being migrated tonight' });
    expect(opened.status).toBe(200);
    expect(schemaErrors(AdminBreakerChange, opened.body)).toEqual([]);
    expect(opened.body).toMatchObject({ adapter: 'edms-live', before: { forcedOpen: false }, after: { forcedOpen: true } });
    expect((await adminCall(hub, operator, 'POST', '/v1/admin/adapters/edms-live/breaker/open', { reason: 'twice' })).status).toBe(409);
    // Every instance applies it: nobody consumes the work queue any more (checked through the other instance too).
    await eventually('both instances paused', async () => {
      const a = await one('edms-live', second);
      return queue(a, 'normal').consumers === 0 && a.breaker.state === 'open' && a.breaker.forcedOpen;
    });
    const sent = [appeal(), appeal(), appeal(), appeal()];
    for (const ev of sent) await probe.publishEvent(ev);
    await eventually('four waiting in the work queue', async () => queue(await one('edms-live'), 'normal').messages === 4);
    await new Promise((r) => setTimeout(r, 2500));
    const held = await one('edms-live');
    expect(queue(held, 'normal').messages).toBe(4);
    expect(queue(held, 'dlq').messages).toBe(0);
    expect(handledCount()).toBe(before);
    const [attempts] = await sql<{ n: number }>(
      hub.space.schema,
      "SELECT count(*)::int AS n FROM delivery_attempt WHERE consumer = 'adapter:edms-live' AND journal_id IN (SELECT id FROM journal WHERE event_id = ANY($1))",
      [sent.map((e) => e.id)],
    );
    expect(attempts.n).toBe(0);
    expect(held.breaker.manual).toMatchObject({ reason: 'the 1C base is being migrated tonight', actor: expect.stringContaining('token:') });

    const closed = await adminCall<any>(second, operator, 'POST', '/v1/admin/adapters/edms-live/breaker/close', { reason: 'migration finished' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ before: { forcedOpen: true }, after: { forcedOpen: false } });
    await eventually('all four handled once', () => sent.every((e) => office.handled.get(e.id) === 1), 20000);
    const after = await eventually('the queue drained and consumed again', async () => {
      const a = await one('edms-live');
      return queue(a, 'normal').messages === 0 && queue(a, 'normal').consumers === 2 ? a : undefined;
    });
    expect(queue(after, 'dlq').messages).toBe(0);
    expect(after.breaker).toMatchObject({ state: 'closed', forcedOpen: false });

    const audit = await adminCall<{ lines: any[] }>(hub, admin, 'GET', '/v1/admin/audit?target=edms-live');
    expect(audit.status).toBe(200);
    const open = audit.body.lines.find((l) => l.action === 'adapter.breaker.open');
    const close = audit.body.lines.find((l) => l.action === 'adapter.breaker.close' && l.reason === 'migration finished');
    expect(open).toMatchObject({
      tenant: '*',
      target: 'edms-live',
      reason: 'the 1C base is being migrated tonight',
      actor: expect.stringContaining('token:'),
      before: { forcedOpen: false },
      after: { forcedOpen: true },
    });
    expect(close).toMatchObject({ before: { forcedOpen: true }, after: { forcedOpen: false } });
  });

  it('renders the console page with the breaker form only for those who may use it', async () => {
    const page = async (token: string) => (await fetch(`${hub.url}/console/adapters?probe=0&lang=uk`, { headers: { authorization: `Bearer ${token}` } })).text();
    const asOperator = await page(operator);
    expect(asOperator).toContain('data-adapter="edms-live"');
    expect(asOperator).toContain('data-queue="hub.work.edms-off"');
    expect(asOperator).toContain('id="breaker-open-edms-live"');
    expect(asOperator).toContain('Адаптери');
    expect(asOperator).not.toMatch(/style=/);
    expect(await page(viewer)).not.toContain('id="breaker-open-edms-live"');
  });
});
