import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, exampleEvent, type ResultEvent } from '../../contracts';
import { AdminDashboard } from '../../contracts/model/admin-operations.schema';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { schemaErrors } from '../helpers/admin-schema.helper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * The SLA and KPI dashboard on a simulated clock (Wednesday 11 March 2026, 11:00 in Kyiv): appeals
 * of tenant demo in each state — overdue, due today, at risk, paused, not yet at risk — for two
 * executors, and one overdue appeal of tenant other that demo never sees. The terms are computed
 * by the real deadline scheduler from the journaled events.
 */

const pending: ResultEvent[] = [];
const backOffice = defineAdapter({
  type: 'edms.fake-dash',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(_event: CloudEvent) {
      return { results: [] };
    },
    async probe() {
      return { ok: true };
    },
    async poll(cursor: string | undefined) {
      return { results: pending.slice(Number(cursor ?? 0)), cursor: String(pending.length) };
    },
  }),
});

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Демо громада, locale: uk, deadlines: { country: UA } }
  other: { name: Інша громада, locale: uk, deadlines: { country: UA } }
adapters:
  edms-dash: { type: edms.fake-dash, config: {}, runner: { pollIntervalMs: 200 } }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-dash] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
deadlines: { intervalMs: 300 }
`;

const clock = { offsetMs: Date.parse('2026-03-11T09:00:00Z') - Date.now(), now: () => new Date(Date.now() + clock.offsetMs) };

describe('admin: SLA and KPI dashboard', () => {
  let hub: TestHub;
  let probe: AmqpProbe;
  const tag = randomUUID().slice(0, 6);
  const refs = { overdue: `EP-D-${tag}-A`, today: `EP-D-${tag}-B`, risk: `EP-D-${tag}-C`, paused: `EP-D-${tag}-D`, fine: `EP-D-${tag}-E`, other: `EP-D-${tag}-F` };

  beforeAll(async () => {
    hub = await startTestHub({ yaml: YAML, adapters: [backOffice], clock });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
    const submit = async (tenant: string, caseRef: string, submittedAt: string, addressee: string) => {
      const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant, subject: undefined }) as any;
      ev.data.caseRef = caseRef;
      ev.data.kind = 'appeal';
      ev.data.submittedAt = submittedAt;
      ev.data.addressee = { ...ev.data.addressee, id: addressee };
      delete ev.data.files;
      await probe.publishEvent(ev);
    };
    await submit('demo', refs.overdue, '2026-01-20T08:00:00Z', 'dept-roads');
    await submit('demo', refs.today, '2026-02-11T08:00:00Z', 'dept-roads');
    await submit('demo', refs.risk, '2026-02-13T08:00:00Z', 'dept-water');
    await submit('demo', refs.paused, '2026-02-20T08:00:00Z', 'dept-water');
    await submit('demo', refs.fine, '2026-03-02T08:00:00Z', 'dept-water');
    await submit('other', refs.other, '2026-01-20T08:00:00Z', 'dept-roads');
    const author = { kind: 'employee' as const, name: 'Коваленко Олена Петрівна', role: 'manager' as const };
    const at = '2026-03-01T10:00:00+02:00';
    pending.push({
      type: 'appeal.deadline-changed',
      tenant: 'demo',
      caseRef: refs.paused,
      occurredAt: at,
      key: `${refs.paused}/term/1`,
      data: { caseRef: refs.paused, action: 'paused', changedAt: at, reason: 'Запитано уточнення у заявника', author, system: 'edms.fake', externalId: `EXT-${refs.paused}` },
    });
    await eventually(
      'every term computed, the pause included',
      async () => {
        const rows = await sql<{ case_ref: string; paused: boolean }>(hub.space.schema, "SELECT case_ref, paused FROM case_deadline WHERE profile <> '' AND case_ref LIKE $1", [`EP-D-${tag}-%`]);
        return rows.length === 6 && rows.some((r) => r.case_ref === refs.paused && r.paused);
      },
      30000,
    );
  });
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });

  it('counts due today, at risk, overdue and paused, overall and per executor', async () => {
    const token = await adminToken(hub, ['demo:viewer']);
    const r = await adminCall<any>(hub, token, 'GET', '/v1/admin/demo/dashboard?from=2026-02-01&to=2026-02-28');
    expect(r.status).toBe(200);
    expect(schemaErrors(AdminDashboard, r.body)).toEqual([]);
    expect(r.body).toMatchObject({ tenant: 'demo', deadlines: true, today: '2026-03-11', timeZone: 'Europe/Kyiv', from: '2026-02-01', to: '2026-02-28' });
    expect(r.body.totals).toEqual({ dueToday: 1, atRisk: 2, overdue: 1, paused: 1, open: 5 });
    expect(r.body.byAddressee).toEqual([
      { addressee: 'dept-roads', dueToday: 1, atRisk: 1, overdue: 1, paused: 0, open: 2 },
      { addressee: 'dept-water', dueToday: 0, atRisk: 1, overdue: 0, paused: 1, open: 3 },
    ]);
    // February's KPIs: the overdue appeal was due on 20 February and is still open: one late of one.
    expect(r.body.kpis.late).toEqual({ numerator: 1, denominator: 1, share: 1 });
    expect(r.body.dueByDay).toEqual([{ day: '2026-02-20', onTime: 0, late: 0, openLate: 1, open: 0 }]);
  });

  it('keeps tenants apart', async () => {
    const otherViewer = await adminToken(hub, ['other:viewer']);
    expect((await adminCall(hub, otherViewer, 'GET', '/v1/admin/demo/dashboard')).status).toBe(403);
    const own = await adminCall<any>(hub, otherViewer, 'GET', '/v1/admin/other/dashboard');
    expect(own.body.totals).toEqual({ dueToday: 0, atRisk: 0, overdue: 1, paused: 0, open: 1 });
    const page = await fetch(`${hub.url}/console/dashboard?tenant=demo`, { headers: { authorization: `Bearer ${otherViewer}` } });
    expect(page.status).toBe(403);
    expect((await adminCall(hub, otherViewer, 'GET', '/v1/admin/other/dashboard?from=2026-03-10&to=2026-03-01')).status).toBe(400);
  });

  it('renders the page with linked counts and server-drawn SVG charts, no style attributes', async () => {
    const token = await adminToken(hub, ['demo:viewer', 'other:viewer']);
    const res = await fetch(`${hub.url}/console/dashboard?tenant=demo&from=2026-02-01&to=2026-02-28&lang=uk`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    // Mustache writes / and = in attributes as entities; a browser reads them back.
    const decoded = html
      .replace(/&#x2F;/g, '/')
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(decoded).toContain('<a href="/console/cases?tenant=demo&overdue=1" data-count="overdue">1</a>');
    expect(decoded).toContain('<a href="/console/cases?tenant=demo&dueFrom=2026-03-11&dueTo=2026-03-11" data-count="dueToday">1</a>');
    expect(decoded).toContain('<a href="/console/cases?tenant=demo&paused=1&addressee=dept-water">1</a>');
    expect(html).toContain('data-addressee="dept-water"');
    expect(html).toContain('<figure class="chart" id="chart-states">');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toContain('data-key="overdue:Усього" data-value="1"');
    expect(html).toContain('data-key="late"');
    expect(html).toContain('Прострочено');
    expect(html).not.toMatch(/style=/);
    expect(html).not.toContain(refs.other);
    // Each count's link opens the case search with exactly those cases.
    const linked = async (href: string) => {
      const q = new URL(href, hub.url).searchParams;
      q.delete('tenant');
      const r = await adminCall<{ cases: { caseRef: string }[] }>(hub, token, 'GET', `/v1/admin/demo/cases?${q.toString()}`);
      expect(r.status).toBe(200);
      return r.body.cases.map((c) => c.caseRef).sort();
    };
    expect(await linked('/console/cases?tenant=demo&overdue=1')).toEqual([refs.overdue]);
    expect(await linked('/console/cases?tenant=demo&dueFrom=2026-03-11&dueTo=2026-03-11')).toEqual([refs.today]);
    expect(await linked('/console/cases?tenant=demo&paused=1&addressee=dept-water')).toEqual([refs.paused]);
  });
});
