import { createHash, randomUUID } from 'node:crypto';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { exampleEvent, type CaseKind, type HistoryStep, type ResultEvent } from '../../contracts';
import { databaseUrl, dropSchema, sql, uniqueName } from '../../test/helpers/infra.helper';
import { parseHubConfig } from '../config/hub-config.loader';
import { IngressPipeline } from '../ingress/ingress.pipeline';
import { MetricsService } from '../metrics/metrics.service';
import { EventEmitter } from '../outbox/event.emitter';
import { createDataSource, migrate } from '../persistence/database.setup';
import { JournalRepository } from '../persistence/journal.repository';
import { rejectionEventId } from '../persistence/stable.uuid';
import { TransactionRunner } from '../persistence/transaction.runner';
import { Router } from '../routing/event.router';
import { TemplateCatalog } from '../templates/template.catalog';
import { CaseRepository } from './case.repository';
import { CaseStateService } from './case-state.service';
import { caseEntryTypes } from './case-view.mapper';
import { CaseViewService } from './case-view.service';

/**
 * Medium tier: the case view and history read back, against the real PostgreSQL, what the real
 * write paths journaled: the ingress batch statement for what portals send (accepted and refused)
 * and CaseStateService for back-office results (applied and ignored).
 */
describe('CaseViewService against PostgreSQL', () => {
  const schema = uniqueName('caseview');
  const config = parseHubConfig(
    `
hub: { source: urn:cabinet-hub:test }
tenants:
  demo: { name: Demo }
  other: { name: Other }
publishers:
  demo-portal: { tenants: [demo] }
  other-portal: { tenants: [other] }
`,
    'test',
    {},
  );
  const demoPortal = { kind: 'known' as const, name: 'demo-portal', tenants: ['demo'], types: ['*'] };
  const otherPortal = { kind: 'known' as const, name: 'other-portal', tenants: ['other'], types: ['*'] };
  let db: DataSource;
  let journal: JournalRepository;
  let pipeline: IngressPipeline;
  let state: CaseStateService;
  let transactions: TransactionRunner;
  let views: CaseViewService;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId: schema }, 2);
    await db.initialize();
    journal = new JournalRepository(db);
    const cases = new CaseRepository();
    // Writing needs no broker: emit() journals and fills the outbox; nothing here publishes.
    const emitter = new EventEmitter(config, undefined as never, undefined as never, journal);
    pipeline = new IngressPipeline(journal, undefined as never, emitter, new Router(config), new MetricsService(), new TemplateCatalog({}), config, pino({ level: 'silent' }));
    state = new CaseStateService(cases, emitter, journal);
    transactions = new TransactionRunner(db);
    views = new CaseViewService(cases, journal, transactions);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  /** What a portal sends, through the ingress batch statement; the subject is left out as portals may. */
  async function send(ev: Record<string, any>, publisher = demoPortal): Promise<string> {
    const body = Buffer.from(JSON.stringify(ev));
    const stored = await pipeline.store([{ body, contentType: 'application/cloudevents+json', via: 'http', arrivedAt: process.hrtime.bigint(), publisher }]);
    const v = stored.verdicts[0];
    if (v.outcome === 'duplicate') throw new Error('duplicate');
    return v.journalId;
  }

  function submission(tenant: string, caseRef: string, kind: CaseKind = 'application') {
    const ev = exampleEvent(`${kind}.submitted`, { id: randomUUID(), tenant, subject: undefined }) as any;
    ev.data.caseRef = caseRef;
    return ev;
  }

  function portalDocument(tenant: string, caseRef: string, name: string) {
    const ev = exampleEvent('application.document-added', { id: randomUUID(), tenant, subject: caseRef, source: 'https://portal.example' }) as any;
    ev.data = { ...ev.data, caseRef, author: { kind: 'applicant', name: 'ООО «Северный луч»' }, document: { ...ev.data.document, id: name, name, signatures: undefined } };
    delete ev.data.system;
    delete ev.data.externalId;
    delete ev.data.document.signatures;
    return ev;
  }

  /** A back-office result, applied (or ignored) by CaseStateService in its own transaction. */
  async function result(r: ResultEvent): Promise<'applied' | 'ignored' | 'duplicate'> {
    return (await transactions.run((tx) => state.apply(tx, r, { instance: 'edms-test' }))).outcome;
  }
  const registered = (tenant: string, caseRef: string, at: string, n: string): ResultEvent => ({
    type: 'application.registered',
    tenant,
    caseRef,
    occurredAt: at,
    data: { caseRef, system: 'edms.test', externalId: `EXT-${n}`, registrationNumber: `№ ${n}`, registeredAt: at },
  });
  const status = (tenant: string, caseRef: string, at: string, s: string): ResultEvent => ({
    type: 'application.status-changed',
    tenant,
    caseRef,
    occurredAt: at,
    data: { caseRef, status: s, changedAt: at, author: { kind: 'employee', name: 'Іваненко Марія', role: 'executor' }, system: 'edms.test', externalId: 'EXT-1' } as any,
  });
  const officeDocument = (tenant: string, caseRef: string, at: string): ResultEvent => {
    const bytes = Buffer.from('technical conditions, signed');
    return {
      type: 'application.document-added',
      tenant,
      caseRef,
      occurredAt: at,
      data: {
        caseRef,
        document: { id: 'tc-1', name: 'ТУ.pdf', mediaType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentBase64: bytes.toString('base64') },
        kind: 'technical-conditions',
        author: { kind: 'employee', name: 'Іваненко Марія' },
        addedAt: at,
        system: 'edms.test',
        externalId: 'EXT-1',
      },
    };
  };

  async function wholeHistory(tenant: string, caseRef: string, kinds: CaseKind[], limit: number): Promise<{ steps: HistoryStep[]; pages: number }> {
    const steps: HistoryStep[] = [];
    let after: { at: string; id: string } | undefined;
    for (let pages = 1; ; pages++) {
      const found = await views.history(tenant, caseRef, kinds, { after, limit });
      if (found.found !== 'one') throw new Error(found.found);
      steps.push(...found.value.steps);
      expect(found.value.steps.length).toBeLessThanOrEqual(limit);
      if (!found.value.hasMore) return { steps, pages };
      after = found.value.next;
    }
  }

  const ref = `TP-${randomUUID().slice(0, 8)}`;
  const journalIds: Record<string, string> = {};

  beforeAll(async () => {
    // The same caseRef in two tenants: neither history may show the other's steps.
    journalIds.submitted = await send(submission('demo', ref));
    await send(submission('other', ref), otherPortal);
    expect(await result(registered('demo', ref, '2026-12-01T10:00:00+02:00', '1'))).toBe('applied');
    expect(await result(registered('other', ref, '2026-12-01T10:00:00+02:00', '99'))).toBe('applied');
    expect(await result(status('demo', ref, '2026-12-02T10:00:00+02:00', 'under-review'))).toBe('applied');
    // A second registration after the case moved on: journaled as ignored, never a step.
    expect(await result(registered('demo', ref, '2026-12-03T10:00:00+02:00', '2'))).toBe('ignored');
    journalIds.portalDocument = await send(portalDocument('demo', ref, 'plan.pdf'));
    // A document the portal got wrong: rejected, and the rejection is a step of the case.
    const bad = portalDocument('demo', ref, 'bad.pdf');
    bad.data.document.sha256 = 'not-a-digest';
    journalIds.rejected = await send(bad);
    // The other tenant's portal sending about demo's case: refused, but no step of demo's case.
    journalIds.foreign = await send(portalDocument('demo', ref, 'foreign.pdf'), otherPortal);
    expect(await result(officeDocument('demo', ref, '2026-12-04T10:00:00+02:00'))).toBe('applied');
    expect(await result(status('demo', ref, '2026-12-05T10:00:00+02:00', 'fulfilled'))).toBe('applied');
    // Notifications about the case are journaled under it too, and are no steps of it.
    await transactions.run((tx) =>
      new EventEmitter(config, undefined as never, undefined as never, journal).emit(tx, {
        type: 'notification.status-changed',
        tenant: 'demo',
        subject: ref,
        data: exampleEvent('notification.status-changed').data as any,
      }),
    );
  });

  it('reads the whole history of a case in journal order, with authors, and no ignored result', async () => {
    const { steps } = await wholeHistory('demo', ref, ['application'], 50);
    expect(steps.map((s) => [s.step, s.status ?? s.documentKind ?? '', s.author.kind, s.origin])).toEqual([
      ['submitted', 'submitted', 'applicant', 'portal'],
      ['registered', 'registered', 'system', 'back-office'],
      ['status-changed', 'under-review', 'employee', 'back-office'],
      ['document-added', 'technical-conditions', 'applicant', 'portal'],
      ['rejected', '', 'system', 'hub'],
      ['document-added', 'technical-conditions', 'employee', 'back-office'],
      ['status-changed', 'fulfilled', 'employee', 'back-office'],
    ]);
    expect(steps[0]).toMatchObject({ journalId: journalIds.submitted, type: 'application.submitted' });
    expect(steps[1]).toMatchObject({ registrationNumber: '№ 1', occurredAt: '2026-12-01T10:00:00+02:00', system: 'edms.test', externalId: 'EXT-1' });
    expect(steps[4]).toMatchObject({
      journalId: journalIds.rejected,
      type: 'message.rejected',
      eventId: rejectionEventId(journalIds.rejected),
      rejection: { rejectedType: 'application.document-added', errors: [expect.objectContaining({ pointer: '/data/document/sha256' })] },
    });
    expect(steps[5].files).toEqual([expect.objectContaining({ name: 'ТУ.pdf', inline: true })]);
    expect(JSON.stringify(steps)).not.toMatch(/contentBase64|№ 2|foreign\.pdf|\+7816/);
    // Journal times are exact to the microsecond and strictly ordered.
    const times = steps.map((s) => s.journaledAt);
    expect(times.every((t) => /\.[0-9]{6}Z$/.test(t))).toBe(true);
    expect([...times].sort()).toEqual(times);
  });

  it('pages through with a cursor: every step once, in order, whatever the page size', async () => {
    const { steps: all } = await wholeHistory('demo', ref, ['application'], 200);
    for (const limit of [1, 2, 3]) {
      const { steps, pages } = await wholeHistory('demo', ref, ['application'], limit);
      expect(steps.map((s) => s.journalId)).toEqual(all.map((s) => s.journalId));
      // One more entry is read than asked for, so `hasMore` is exact: no empty last page.
      expect(pages).toBe(Math.ceil(all.length / limit));
    }
  });

  it('keeps a cursor meaning "after this step" when steps are added, and returns the new ones after it', async () => {
    const caseRef = `TP-${randomUUID().slice(0, 8)}`;
    await send(submission('demo', caseRef));
    await result(registered('demo', caseRef, '2026-12-01T10:00:00+02:00', '5'));
    const first = await views.history('demo', caseRef, ['application'], { limit: 1 });
    if (first.found !== 'one') throw new Error(first.found);
    expect(first.value).toMatchObject({ hasMore: true, steps: [{ step: 'submitted' }] });
    const cursor = first.value.next;

    await result(status('demo', caseRef, '2026-12-02T10:00:00+02:00', 'under-review'));
    const rest = await views.history('demo', caseRef, ['application'], { after: cursor, limit: 50 });
    if (rest.found !== 'one') throw new Error(rest.found);
    expect(rest.value.steps.map((s) => s.step)).toEqual(['registered', 'status-changed']);
    expect(rest.value.hasMore).toBe(false);
    // At the end, the position stays: asking again later returns only what came since.
    const later = await views.history('demo', caseRef, ['application'], { after: rest.value.next, limit: 50 });
    expect(later).toMatchObject({ found: 'one', value: { steps: [], hasMore: false, next: rest.value.next } });
  });

  it('builds the current state: status, registrations, milestones, last change and version', async () => {
    const found = await views.view('demo', ref, ['appeal', 'application']);
    if (found.found !== 'one') throw new Error(found.found);
    const v = found.value;
    expect(v).toMatchObject({ tenant: 'demo', caseRef: ref, kind: 'application', status: 'fulfilled', statusSince: '2026-12-05T08:00:00.000Z', version: 5 });
    expect(v.registrations).toEqual([{ system: 'edms.test', externalId: 'EXT-1', registrationNumber: '№ 1', registeredAt: '2026-12-01T10:00:00+02:00' }]);
    expect(v.milestones).toEqual({
      submittedAt: (exampleEvent('application.submitted').data as any).submittedAt,
      registered: { at: '2026-12-01T10:00:00+02:00', registrationNumber: '№ 1', system: 'edms.test' },
      statuses: [
        { status: 'submitted', at: expect.any(String), eventId: expect.any(String) },
        { status: 'registered', at: '2026-12-01T10:00:00+02:00', eventId: expect.any(String) },
        { status: 'under-review', at: '2026-12-02T10:00:00+02:00', eventId: expect.any(String) },
        { status: 'fulfilled', at: '2026-12-05T10:00:00+02:00', eventId: expect.any(String) },
      ],
      closed: { status: 'fulfilled', at: '2026-12-05T10:00:00+02:00' },
    });
    expect(v.lastChange).toMatchObject({ type: 'application.status-changed', occurredAt: '2026-12-05T10:00:00+02:00' });
    const other = await views.view('other', ref, ['application']);
    expect(other).toMatchObject({ found: 'one', value: { tenant: 'other', status: 'registered', registrations: [{ registrationNumber: '№ 99' }] } });
  });

  it('finds nothing for an unknown case, another kind, or another tenant, and says when both kinds share a caseRef', async () => {
    expect(await views.view('demo', 'TP-none', ['appeal', 'application'])).toEqual({ found: 'none' });
    expect(await views.view('demo', ref, ['appeal'])).toEqual({ found: 'none' });
    expect(await views.history('nope', ref, ['application'], { limit: 5 })).toEqual({ found: 'none' });
    const both = `DUP-${randomUUID().slice(0, 8)}`;
    await send(submission('demo', both, 'appeal'));
    await send(submission('demo', both, 'application'));
    expect(await views.view('demo', both, ['appeal', 'application'])).toEqual({ found: 'ambiguous', kinds: ['appeal', 'application'] });
    const appeal = await views.history('demo', both, ['appeal'], { limit: 5 });
    expect(appeal).toMatchObject({ found: 'one', value: { kind: 'appeal', steps: [{ type: 'appeal.submitted' }] } });
  });

  it('journals the subject of a submission sent without one, and a rejection only under a case of its own tenant', async () => {
    const rows = await sql<{ id: string; subject: string | null; status: string }>(schema, 'SELECT id::text, subject, status FROM journal WHERE id = ANY($1::uuid[])', [
      [journalIds.submitted, journalIds.rejected, journalIds.foreign],
    ]);
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId[journalIds.submitted]).toMatchObject({ subject: ref, status: 'accepted' });
    expect(byId[journalIds.rejected]).toMatchObject({ subject: ref, status: 'rejected' });
    expect(byId[journalIds.foreign]).toMatchObject({ subject: null, status: 'rejected' });
    const [answer] = await sql<{ payload: Buffer }>(schema, 'SELECT payload FROM outbox WHERE journal_id = $1', [journalIds.rejected]);
    expect(JSON.parse(answer.payload.toString()).id).toBe(rejectionEventId(journalIds.rejected));
  });

  it('ends a page early when its bodies pass the byte budget, the first step always whole', async () => {
    const filter = { tenant: 'demo', subject: ref, ...caseEntryTypes('application') };
    const page = await transactions.snapshot((tx) => journal.casePage(tx, filter, { limit: 50, bodyBudget: 1 }));
    expect(page[0].body).toBeDefined();
    // The rejection needs no body and costs nothing; the entry after the first with one has none.
    expect(page.slice(1).filter((e) => e.status !== 'rejected' && e.body)).toEqual([]);
  });

  it('reads a page as one ordered range of journal_case_idx, with no sort', async () => {
    const filter = caseEntryTypes('application');
    const plan = await transactions.snapshot(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const r = await tx.query(
        `EXPLAIN SELECT id FROM journal WHERE tenant = $1 AND subject = $2
            AND ((direction = 'in' AND status = 'accepted' AND type = ANY($3::text[])) OR (direction = 'out' AND status = 'emitted' AND type = ANY($4::text[])) OR (direction = 'in' AND status = 'rejected' AND type = ANY($5::text[])))
            AND (received_at, id) > ($6::timestamptz, $7::uuid) ORDER BY received_at, id LIMIT 51`,
        ['demo', ref, filter.accepted, filter.emitted, filter.rejected, '2026-01-01T00:00:00.000000Z', randomUUID()],
      );
      return r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/Index Scan using journal_case_idx/);
    expect(plan).toMatch(/Index Cond: .*received_at, id\) > /);
    expect(plan).not.toMatch(/Sort/);
  });
});
