import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, exampleEvent, NotificationDispatch, type ResultEvent } from '../../contracts';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub, TestSpace } from '../helpers/test-hub.helper';

/*
 * Statutory deadlines end to end, on a simulated clock: an appeal submitted on cabinet.in,
 * registered by a scripted back office, its term extended by the head (a back-office result) and
 * answered; the hub raises warnings, overdue and the extension once each, across a restart of the
 * hub, and the extension reaches the applicant as an SMS. The portal reads the term and its
 * explanation over HTTP.
 */

const pending: ResultEvent[] = [];
const registrations = { n: 0 };
const backOffice = defineAdapter({
  type: 'edms.fake-deadlines',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(event: CloudEvent) {
      const caseRef = (event.data as { caseRef: string }).caseRef;
      const at = '2026-01-12T10:00:00+02:00';
      registrations.n++;
      return {
        results: [
          {
            type: 'appeal.registered' as const,
            tenant: event.tenant,
            caseRef,
            occurredAt: at,
            data: { caseRef, system: 'edms.fake', externalId: `EXT-${caseRef}`, registrationNumber: `ВХ-${registrations.n}`, registeredAt: at },
          },
        ],
      };
    },
    async probe() {
      return { ok: true };
    },
    async poll(cursor: string | undefined) {
      return { results: pending.slice(Number(cursor ?? 0)), cursor: String(pending.length) };
    },
  }),
});

const sent: NotificationDispatch[] = [];
const sms = defineAdapter({
  type: 'sms.fake-deadlines',
  capabilities: ['notify.sms'],
  consumes: ['notification.dispatch'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(event: CloudEvent) {
      const d = event.data as NotificationDispatch;
      sent.push(d);
      return { results: [], deliveries: [{ dispatchId: d.dispatchId, providerMessageId: `sms-${sent.length}`, status: 'sent' as const, occurredAt: new Date().toISOString() }] };
    },
    async probe() {
      return { ok: true };
    },
  }),
});

const TOKEN = 'e2e-deadlines-portal-token';
process.env.E2E_DEADLINES_TOKEN = TOKEN;

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo:
    name: Демо громада
    locale: uk
    deadlines: { country: UA, warnAt: [0.5] }
publishers:
  demo-portal: { tenants: [demo], types: [appeal.*], httpTokens: [{ env: E2E_DEADLINES_TOKEN }] }
adapters:
  edms-fake: { type: edms.fake-deadlines, config: {}, runner: { pollIntervalMs: 200 } }
  sms-fake: { type: sms.fake-deadlines, config: {} }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-fake] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
deadlines: { intervalMs: 300 }
notifications:
  channels: { sms: sms-fake }
  order: [sms]
  defaultRules: true
`;

/** The hub's clock: real time moved by `offsetMs`, so the test can jump weeks ahead. */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
const DAY = 86_400_000;

describe('statutory deadlines end to end', () => {
  let space: TestSpace;
  let hub: TestHub;
  let probe: AmqpProbe;
  let out: Received[];
  const adapters = [backOffice, sms];

  beforeAll(async () => {
    // The story starts on Monday 12 January 2026, an hour after the applicant wrote.
    clock.offsetMs = Date.parse('2026-01-12T08:00:00Z') - Date.now();
    space = await createTestSpace();
    hub = await startTestHub({ yaml: YAML, adapters, space, clock });
    probe = await AmqpProbe.connect(space.amqpUrl);
    out = await probe.listen('cabinet.out', 'demo.deadline.*');
  });
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await space?.cleanup();
  });

  const caseRef = `EP-DL-${randomUUID().slice(0, 8)}`;
  const deadline = async () => {
    const res = await fetch(`${hub.url}/v1/cases/demo/${encodeURIComponent(caseRef)}/deadline`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return { status: res.status, body: (await res.json()) as any };
  };
  const of = (type: string) => out.filter((m) => m.json().type === type && m.json().data.caseRef === caseRef);
  const author = { kind: 'employee' as const, name: 'Коваленко Олена Петрівна', role: 'manager' as const };

  it('gives the term of a new appeal with every day explained', async () => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
    ev.data.caseRef = caseRef;
    ev.data.kind = 'appeal';
    ev.data.submittedAt = '2026-01-12T07:00:00Z';
    ev.data.applicant.contacts = { phone: '+380671234567', email: undefined };
    delete ev.data.files;
    await probe.publishEvent(ev);
    const d = await eventually('the term', async () => {
      const r = await deadline();
      return r.status === 200 && r.body.dueDate ? r.body : undefined;
    });
    // One calendar month from receipt (12 Jan 2026, Monday): 12 Feb 2026, a Thursday.
    expect(d).toMatchObject({ caseRef, profile: 'ua.appeals.art20', dueDate: '2026-02-12', extended: false, extensions: 0, overdue: false });
    // The day of receipt is listed, not counted: the term runs from the next day.
    expect(d.days[0]).toMatchObject({ date: '2026-01-12', counted: false });
    expect(d.days[1]).toMatchObject({ date: '2026-01-13', counted: true });
    expect(d.days[d.days.length - 1].date).toBe('2026-02-12');
    expect(d.days.every((x: { reason: string }) => typeof x.reason === 'string' && x.reason.length > 0)).toBe(true);
  });

  it('warns at half the term and once only, across a restart of the hub', async () => {
    clock.offsetMs = Date.parse('2026-01-28T12:00:00Z') - Date.now();
    await eventually('the half-term warning', () => of('deadline.warning').length === 1);
    await hub.close();
    hub = await startTestHub({ yaml: YAML, adapters, space, clock });
    // A few scheduler rounds after the restart: still one warning.
    await new Promise((r) => setTimeout(r, 1500));
    expect(of('deadline.warning')).toHaveLength(1);
    expect(of('deadline.warning')[0].json().data).toMatchObject({ threshold: 'share', share: 0.5, dueDate: '2026-02-12' });
  });

  it('an extension moves the due date, is announced once, and reaches the applicant as an SMS', async () => {
    pending.push({
      type: 'appeal.deadline-changed',
      tenant: 'demo',
      caseRef,
      occurredAt: '2026-01-28T13:00:00+02:00',
      key: `${caseRef}/term/1`,
      data: {
        caseRef,
        action: 'extended',
        until: '2026-02-26',
        changedAt: '2026-01-28T13:00:00+02:00',
        reason: 'Потрібне додаткове обстеження',
        author,
        system: 'edms.fake',
        externalId: `EXT-${caseRef}`,
      },
    });
    const ext = await eventually('deadline.extended', () => of('deadline.extended')[0]);
    expect(ext.json().data).toMatchObject({ caseRef, dueDate: '2026-02-26', previousDueDate: '2026-02-12', extensions: 1, reason: 'Потрібне додаткове обстеження' });
    const notice = await eventually('the SMS', () => sent.find((d) => d.text.includes(caseRef) && d.text.includes('26.02.2026')));
    expect(notice.text).toContain('продовжено до 26.02.2026');
    expect((await deadline()).body).toMatchObject({ dueDate: '2026-02-26', originalDueDate: '2026-02-12', extended: true, extensions: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(of('deadline.extended')).toHaveLength(1);
    expect(sent.filter((d) => d.text.includes(caseRef) && d.text.includes('продовжено'))).toHaveLength(1);
  });

  let pausedDue = '';
  it('a pause while the applicant is asked for more moves the due date by the days it covered', async () => {
    const change = (action: 'paused' | 'resumed', at: string, n: number): ResultEvent => ({
      type: 'appeal.deadline-changed',
      tenant: 'demo',
      caseRef,
      occurredAt: at,
      key: `${caseRef}/term/${n}`,
      data: { caseRef, action, changedAt: at, reason: action === 'paused' ? 'Запитано уточнення адреси у заявника' : 'Заявник відповів', author, system: 'edms.fake', externalId: `EXT-${caseRef}` },
    });
    pending.push(change('paused', '2026-02-01T10:00:00+02:00', 2), change('resumed', '2026-02-05T10:00:00+02:00', 3));
    // Both reach the journal first; the clock then moves past them (it ignores what it has not reached).
    await eventually('the term changes journaled', async () => {
      const [r] = await sql<{ n: number }>(space.schema, "SELECT count(*)::int AS n FROM journal WHERE subject = $1 AND type = 'appeal.deadline-changed' AND status = 'emitted'", [caseRef]);
      return r.n === 3;
    });
    clock.offsetMs = Date.parse('2026-02-05T12:00:00Z') - Date.now();
    const d = await eventually('the paused term', async () => {
      const r = (await deadline()).body;
      return r.pausedDays > 0 ? r : undefined;
    });
    // 2, 3 and 4 February lie wholly inside the pause: three days credited, 26 Feb → 1 Mar (a Sunday) → Monday 2 Mar.
    expect(d).toMatchObject({ pausedDays: 3, paused: false, extensions: 1 });
    expect(d.dueDate > '2026-02-26').toBe(true);
    pausedDue = d.dueDate;
    expect(d.days.filter((x: { date: string; counted: boolean }) => ['2026-02-02', '2026-02-03', '2026-02-04'].includes(x.date) && !x.counted)).toHaveLength(3);
    // A pause is no extension: nothing more is announced.
    await new Promise((r) => setTimeout(r, 1000));
    expect(of('deadline.extended')).toHaveLength(1);
  });

  it('raises overdue past the due date, once, and an answer stops the clock', async () => {
    const after = new Date(Date.parse(`${pausedDue}T12:00:00Z`) + DAY);
    clock.offsetMs = after.getTime() - Date.now();
    await eventually('deadline.overdue', () => of('deadline.overdue')[0]);
    expect(of('deadline.overdue')[0].json().data).toMatchObject({ dueDate: pausedDue });
    // Later that day the back office answers (the clock drops events it has not reached yet).
    const answeredAt = new Date(after.getTime() + 3600_000);
    clock.offsetMs = answeredAt.getTime() + 60_000 - Date.now();
    pending.push({
      type: 'appeal.answered',
      tenant: 'demo',
      caseRef,
      occurredAt: answeredAt.toISOString(),
      key: `${caseRef}/answer`,
      data: { caseRef, text: 'Контейнери встановлено.', answeredAt: answeredAt.toISOString(), author, system: 'edms.fake', externalId: `EXT-${caseRef}` },
    });
    await eventually('the answer in the term', async () => ((await deadline()).body.answeredAt ? true : undefined));
    expect((await deadline()).body).toMatchObject({ overdue: true, answeredAt: answeredAt.toISOString() });
    clock.offsetMs += 30 * DAY;
    await new Promise((r) => setTimeout(r, 1000));
    const alerts = await sql<{ type: string; n: number }>(space.schema, "SELECT type, count(*)::int AS n FROM journal WHERE subject = $1 AND type LIKE 'deadline.%' GROUP BY type ORDER BY type", [
      caseRef,
    ]);
    expect(alerts).toEqual([
      { type: 'deadline.extended', n: 1 },
      // Nobody took the case into work within a day of its registration (the municipal rule).
      { type: 'deadline.not-taken', n: 1 },
      { type: 'deadline.overdue', n: 1 },
      { type: 'deadline.warning', n: 1 },
    ]);
  });

  it('links a second appeal of the same applicant about the same problem to the first, once', async () => {
    const repeats = await probe.listen('cabinet.out', 'demo.appeal.repeat-linked');
    const second = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
    const ref2 = `${caseRef}-R`;
    second.data.caseRef = ref2;
    second.data.kind = 'appeal';
    second.data.submittedAt = clock.now().toISOString();
    // The same place written differently, a point a few metres away: the same problem.
    second.data.location = { address: 'Вул. Липова 10', point: { lat: 50.44812, lon: 30.52225 } };
    delete second.data.files;
    // Another problem of the same applicant: no link.
    const other = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
    other.data = { ...second.data, caseRef: `${caseRef}-O`, topic: { code: 'ZHKG-09', title: 'Освітлення' } };
    await probe.publishEvent(second);
    await probe.publishEvent(other);
    const link = await eventually('appeal.repeat-linked', () => repeats.find((m) => m.json().data.caseRef === ref2));
    expect(link.json().data).toMatchObject({ caseRef: ref2, earlier: [{ caseRef, matchedOn: ['topic', 'nearby'] }], windowDays: 90 });
    await eventually('the other appeal has its term', async () => {
      const r = await fetch(`${hub.url}/v1/cases/demo/${encodeURIComponent(`${caseRef}-O`)}/deadline`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return r.status === 200;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(repeats.map((m) => m.json().data.caseRef)).toEqual([ref2]);
  });

  it('counts the KPIs of the month over HTTP, as JSON and CSV, and records an exclusion with its reason', async () => {
    const get = (q: string) => fetch(`${hub.url}/v1/kpi/demo?${q}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    // The first appeal: due 2 Mar (extended, then paused), answered a day late; repeated by the second.
    const feb = (await (await get('from=2026-03-01&to=2026-03-31')).json()) as any;
    expect(feb.groups[0].kpis).toMatchObject({ late: { numerator: 1, denominator: 1, share: 1 }, repeat: { numerator: 1, denominator: 1 }, solvedByT3: { numerator: 0, denominator: 1 } });
    const csv = await (await get('from=2026-03-01&to=2026-03-31&format=csv')).text();
    expect(csv.split('\r\n')).toContain('demo,2026-03-01,2026-03-31,,late,1,1,1');
    const post = (body: unknown) =>
      fetch(`${hub.url}/v1/kpi/demo/exclusions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ caseRef, kpi: 'late', reason: 'x' })).status).toBe(400);
    expect((await post({ caseRef: 'EP-NOPE', kpi: 'late', reason: 'the applicant asked to wait' })).status).toBe(404);
    expect((await post({ caseRef, kpi: 'late', reason: 'the applicant asked to wait for the court' })).status).toBe(201);
    expect((await post({ caseRef, kpi: 'late', reason: 'again' })).status).toBe(200);
    const after = (await (await get('from=2026-03-01&to=2026-03-31')).json()) as any;
    expect(after.groups[0].kpis.late).toEqual({ numerator: 0, denominator: 0, share: null });
    expect((await get('from=2026-03-31&to=2026-03-01')).status).toBe(400);
    expect((await fetch(`${hub.url}/v1/kpi/demo?from=2026-03-01&to=2026-03-31`)).status).toBe(401);
  });

  it('answers 404 for a case it does not have, 401 without a token', async () => {
    expect((await fetch(`${hub.url}/v1/cases/demo/EP-NOPE/deadline`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
    expect((await fetch(`${hub.url}/v1/cases/demo/${caseRef}/deadline`)).status).toBe(401);
  });
});
