import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CaseHistory, CaseView, createAjv, defineAdapter, exampleEvent, type CloudEvent, type HistoryStep, type ResultEvent } from '../../contracts';
import { eventually } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/**
 * A portal reading its case over HTTP while the case moves: an application submitted on
 * POST /v1/events with a publisher token, registered and moved on by a scripted back office (an
 * adapter whose poll returns what the test queues, as in adapter-runner.e2e.ts), documents added
 * from both sides, one refused, one stale result; then GET /v1/cases/… and …/history as the
 * portal, and as strangers.
 */
const pending: ResultEvent[] = [];
const backOffice = defineAdapter({
  type: 'edms.fake-applications',
  capabilities: ['edms.application.register', 'edms.application.track'],
  consumes: ['application.submitted'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(event: CloudEvent) {
      const caseRef = (event.data as { caseRef: string }).caseRef;
      const at = '2026-12-01T09:00:00+02:00';
      return {
        results: [
          {
            type: 'application.registered',
            tenant: event.tenant,
            caseRef,
            occurredAt: at,
            data: { caseRef, system: 'edms.fake', externalId: 'EXT-1', registrationNumber: '457/ТП', registeredAt: at },
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

const TOKENS = { demo: 'e2e-demo-portal-token', appeals: 'e2e-demo-appeals-token', other: 'e2e-other-tenant-token' };
process.env.E2E_CASES_DEMO_TOKEN = TOKENS.demo;
process.env.E2E_CASES_APPEALS_TOKEN = TOKENS.appeals;
process.env.E2E_CASES_OTHER_TOKEN = TOKENS.other;

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo }
  other: { name: Other, ingressTokens: [{ env: E2E_CASES_OTHER_TOKEN }] }
publishers:
  demo-portal: { tenants: [demo], types: [application.*], httpTokens: [{ env: E2E_CASES_DEMO_TOKEN }] }
  demo-appeals: { tenants: [demo], types: [appeal.submitted], httpTokens: [{ env: E2E_CASES_APPEALS_TOKEN }] }
adapters:
  edms-fake: { type: edms.fake-applications, config: {}, runner: { pollIntervalMs: 200 } }
routes:
  - { tenants: ['*'], types: [application.submitted], to: [edms-fake] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`;

describe('case state and history over HTTP', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ yaml: YAML, adapters: [backOffice] });
  });
  afterAll(async () => {
    await hub?.close();
    await hub?.space.cleanup();
  });

  const get = async (path: string, token?: string) => {
    const res = await fetch(`${hub.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };
  const post = async (ev: unknown, token = TOKENS.demo) => {
    const res = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${token}` }, body: JSON.stringify(ev) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const history = async (caseRef: string, query = '') => (await get(`/v1/cases/demo/${encodeURIComponent(caseRef)}/history${query}`, TOKENS.demo)).body as CaseHistory;
  const stepsUntil = (caseRef: string, what: string, done: (steps: HistoryStep[]) => boolean) =>
    eventually(what, async () => {
      const h = await history(caseRef, '?limit=200');
      return h.steps && done(h.steps) ? h.steps : undefined;
    });

  const caseRef = `TP-${randomUUID().slice(0, 8)}/2026`;
  const author = { kind: 'employee' as const, name: 'Іваненко Марія Петрівна', role: 'executor' as const };
  const status = (s: string, at: string): ResultEvent => ({
    type: 'application.status-changed',
    tenant: 'demo',
    caseRef,
    occurredAt: at,
    data: { caseRef, status: s, changedAt: at, author, comment: `Статус: ${s}`, system: 'edms.fake', externalId: 'EXT-1' } as any,
  });
  const document = (over: Record<string, unknown>) => {
    const ev = exampleEvent('application.document-added', { id: randomUUID(), tenant: 'demo', subject: undefined, source: 'https://portal.demo.example' }) as any;
    delete ev.data.system;
    delete ev.data.externalId;
    ev.data = { ...ev.data, caseRef, kind: 'supplementary', author: { kind: 'applicant', name: 'ТОВ «Світанок»' }, addedAt: '2026-12-03T12:00:00+02:00', ...over };
    return ev;
  };

  it('carries the case from submission to result, and the portal reads every step in order with its author', async () => {
    const submitted = exampleEvent('application.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
    submitted.data.caseRef = caseRef;
    submitted.data.applicant.name.full = 'ТОВ «Світанок»';
    // The example's file is a link to a host this tenant does not allow: the hub would refuse the application.
    delete submitted.data.files;
    expect(await post(submitted)).toEqual({ status: 202, body: { id: submitted.id } });
    await stepsUntil(caseRef, 'registration', (s) => s.some((x) => x.step === 'registered'));

    pending.push(status('under-review', '2026-12-02T10:00:00+02:00'));
    // The back office reports the registration again after the case moved on: journaled as ignored, no step.
    pending.push(registeredAgain());
    pending.push({
      type: 'application.document-added',
      tenant: 'demo',
      caseRef,
      occurredAt: '2026-12-02T12:00:00+02:00',
      data: {
        caseRef,
        document: { id: 'tu-1', name: 'ТУ 1-ТП.pdf', mediaType: 'application/pdf', size: 1234, sha256: 'a'.repeat(64), url: 'https://docflow.demo.example/files/tu-1' },
        kind: 'technical-conditions',
        title: 'Технічні умови № 1-ТП',
        author,
        addedAt: '2026-12-02T12:00:00+02:00',
        system: 'edms.fake',
        externalId: 'EXT-1',
      },
    });
    await stepsUntil(caseRef, 'technical conditions', (s) => s.some((x) => x.documentKind === 'technical-conditions'));

    const ownDocument = document({});
    expect((await post(ownDocument)).status).toBe(202);
    // 202 means published; the step appears once the hub journals it from the broker, while a refusal
    // is journaled at once: wait, so the order below is the order things were done.
    await stepsUntil(caseRef, "the portal's document", (s) => s.some((x) => x.origin === 'portal' && x.step === 'document-added'));
    const broken = document({});
    broken.data.document.sha256 = 'not-a-digest';
    const refused = await post(broken);
    expect(refused.status).toBe(400);
    await stepsUntil(caseRef, "the portal's document and the refusal", (s) => s.some((x) => x.origin === 'portal' && x.step === 'document-added') && s.some((x) => x.step === 'rejected'));
    pending.push(status('fulfilled', '2026-12-05T10:00:00+02:00'));
    const steps = await stepsUntil(caseRef, 'fulfilled', (s) => s.some((x) => x.status === 'fulfilled'));

    expect(steps.map((s) => [s.step, s.type, s.status ?? s.documentKind ?? '', s.origin, s.author.kind, s.author.name])).toEqual([
      ['submitted', 'application.submitted', 'submitted', 'portal', 'applicant', 'ТОВ «Світанок»'],
      ['registered', 'application.registered', 'registered', 'back-office', 'system', 'edms.fake'],
      ['status-changed', 'application.status-changed', 'under-review', 'back-office', 'employee', author.name],
      ['document-added', 'application.document-added', 'technical-conditions', 'back-office', 'employee', author.name],
      ['document-added', 'application.document-added', 'supplementary', 'portal', 'applicant', 'ТОВ «Світанок»'],
      ['rejected', 'message.rejected', '', 'hub', 'system', 'cabinet-hub'],
      ['status-changed', 'application.status-changed', 'fulfilled', 'back-office', 'employee', author.name],
    ]);
    expect(steps[0]).toMatchObject({ eventId: submitted.id, occurredAt: submitted.data.submittedAt });
    expect(steps[1]).toMatchObject({ registrationNumber: '457/ТП', occurredAt: '2026-12-01T09:00:00+02:00', system: 'edms.fake', externalId: 'EXT-1' });
    expect(steps[3].files).toEqual([{ id: 'tu-1', name: 'ТУ 1-ТП.pdf', mediaType: 'application/pdf', size: 1234, sha256: 'a'.repeat(64), url: 'https://docflow.demo.example/files/tu-1' }]);
    expect(steps[4]).toMatchObject({ eventId: ownDocument.id, occurredAt: '2026-12-03T12:00:00+02:00' });
    expect(steps[5]).toMatchObject({ journalId: refused.body.journalId, rejection: { rejectedEventId: broken.id, rejectedType: 'application.document-added', errors: refused.body.errors } });
    const times = steps.map((s) => s.journaledAt);
    expect([...times].sort()).toEqual(times);
    const text = JSON.stringify(steps);
    for (const absent of [submitted.data.applicant.contacts.phone, submitted.data.applicant.contacts.email, submitted.data.objectAddress, 'contentBase64', '999/ТП'])
      expect(text).not.toContain(absent);

    const view = await get(`/v1/cases/demo/${encodeURIComponent(caseRef)}`, TOKENS.demo);
    expect(view.status).toBe(200);
    expect(view.headers.get('cache-control')).toBe('no-store');
    expect(createAjv().compile(CaseView)(view.body)).toBe(true);
    expect(view.body).toMatchObject({
      tenant: 'demo',
      caseRef,
      kind: 'application',
      status: 'fulfilled',
      statusSince: '2026-12-05T08:00:00.000Z',
      registrations: [{ system: 'edms.fake', externalId: 'EXT-1', registrationNumber: '457/ТП', registeredAt: '2026-12-01T09:00:00+02:00' }],
      milestones: {
        submittedAt: submitted.data.submittedAt,
        registered: { at: '2026-12-01T09:00:00+02:00', registrationNumber: '457/ТП', system: 'edms.fake' },
        closed: { status: 'fulfilled', at: '2026-12-05T10:00:00+02:00' },
      },
      lastChange: { type: 'application.status-changed', occurredAt: '2026-12-05T10:00:00+02:00' },
      // Opened, registered, under review, technical conditions, fulfilled: the ignored result changed nothing.
      version: 5,
    });
    expect(view.body.milestones.statuses.map((s: { status: string }) => s.status)).toEqual(['submitted', 'registered', 'under-review', 'fulfilled']);
  });

  it('pages the same steps with an opaque cursor', async () => {
    const all = (await history(caseRef, '?limit=200')).steps;
    const seen: HistoryStep[] = [];
    let query = '?limit=3';
    for (;;) {
      const page = await history(caseRef, query);
      expect(createAjv().compile(CaseHistory)(page)).toBe(true);
      seen.push(...page.steps);
      if (!page.hasMore) break;
      query = `?limit=3&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual(all);
  });

  it('answers strangers without telling them anything about the case', async () => {
    const path = `/v1/cases/demo/${encodeURIComponent(caseRef)}`;
    const none = await get(path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get(`${path}/history`, 'not-a-token')).status).toBe(401);
    // Another tenant's token: the same 403 for this case and for one that exists nowhere.
    const forbidden = await get(path, TOKENS.other);
    expect(forbidden).toMatchObject({ status: 403, body: { errors: [{ pointer: '', reason: 'this token may not read cases of this tenant' }] } });
    expect((await get('/v1/cases/demo/NO-SUCH-CASE/history', TOKENS.other)).body).toEqual(forbidden.body);
    expect(await get('/v1/cases/demo/NO-SUCH-CASE', TOKENS.demo)).toMatchObject({ status: 404, body: { errors: [{ reason: expect.any(String) }] } });
    expect((await get('/v1/cases/other/NO-SUCH-CASE', TOKENS.other)).status).toBe(404);
    // A publisher of appeals only reads no application: none among its kinds, and 403 when it asks for one.
    expect((await get(path, TOKENS.appeals)).status).toBe(404);
    expect((await get(`${path}?kind=application`, TOKENS.appeals)).status).toBe(403);
  });

  it('refuses parameters it does not understand', async () => {
    const path = `/v1/cases/demo/${encodeURIComponent(caseRef)}/history`;
    for (const query of ['?limit=0', '?limit=201', '?limit=ten', '?cursor=forged', '?kind=complaint', '?page=2', '?limit=1&limit=2']) {
      expect([query, (await get(`${path}${query}`, TOKENS.demo)).status]).toEqual([query, 400]);
    }
    expect((await get(`${path}?kind=application&limit=200`, TOKENS.demo)).status).toBe(200);
  });

  it('serves its OpenAPI document, the committed one', async () => {
    const doc = await get('/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body).toEqual(JSON.parse(readFileSync(join(__dirname, '../../contracts/openapi.json'), 'utf8')));
  });

  /** A second registration of the case, which the case has moved past. */
  function registeredAgain(): ResultEvent {
    return {
      type: 'application.registered',
      tenant: 'demo',
      caseRef,
      occurredAt: '2026-12-02T11:00:00+02:00',
      data: { caseRef, system: 'edms.fake', externalId: 'EXT-2', registrationNumber: '999/ТП', registeredAt: '2026-12-02T11:00:00+02:00' },
    };
  }
});
