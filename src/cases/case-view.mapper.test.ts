import { createHash } from 'node:crypto';
import { CaseHistory, CaseView, createAjv, exampleCaseHistory, exampleCaseView, exampleEvent, HistoryStep, type EventType } from '../../contracts';
import type { CaseEntry } from '../persistence/journal.repository';
import { caseEntryTypes, caseView, historyStep, milestones, milestoneTypes } from './case-view.mapper';

/** A journal entry as the repository returns it, with the event as its body. */
function entry(journalId: string, at: string, ev: Record<string, any>, over: Partial<CaseEntry> = {}): CaseEntry {
  return { journalId, at, direction: 'out', status: 'emitted', type: ev.type, eventId: ev.id, errors: null, body: Buffer.from(JSON.stringify(ev)), ...over };
}

/** The entries behind contracts/examples/case-view.examples.ts. */
function exampleEntries(): CaseEntry[] {
  const ex = (t: EventType) => exampleEvent(t);
  return [
    entry('018e0a1c-6f41-7a21-9c3e-5b7d2f1a8e01', '2024-03-04T07:31:12.481203Z', ex('application.submitted'), { direction: 'in', status: 'accepted' }),
    entry('018e0a39-1b52-7c04-8d6e-2f9a4c1b7e02', '2024-03-04T08:02:44.913520Z', ex('application.registered')),
    {
      journalId: '018e3190-0a6e-7b3f-a1c2-9e8d7f6a5b03',
      at: '2024-03-12T06:40:05.102774Z',
      direction: 'in',
      status: 'rejected',
      type: 'application.document-added',
      eventId: 'c2a7e5d1-9b3f-4e80-a6c4-7d1f2e9b8a35',
      errors: [{ pointer: '/data/document/sha256', reason: 'must be 64 lowercase hexadecimal characters (a SHA-256 digest)' }],
    },
    entry('018e5ff0-3c28-7d91-b4e7-1a2c3d4e5f04', '2024-03-21T12:15:09.640118Z', ex('application.status-changed')),
    entry('018e5ff0-5e7c-7e02-8f1a-6b5c4d3e2f05', '2024-03-21T12:15:10.220931Z', ex('application.document-added')),
  ];
}

const ajv = createAjv();
const validStep = ajv.compile(HistoryStep);
const validView = ajv.compile(CaseView);
const validHistory = ajv.compile(CaseHistory);

describe('case history steps', () => {
  it('are exactly the documented example, and valid against the published schema', () => {
    const steps = exampleEntries().map(historyStep);
    expect(steps).toEqual(exampleCaseHistory().steps);
    for (const s of steps) expect(validStep(s) || validStep.errors).toBe(true);
    expect(validHistory(exampleCaseHistory()) || validHistory.errors).toBe(true);
  });

  it('name the registrar as the author of a registration when the back office records one, else the back office', () => {
    const ev = exampleEvent('application.registered', { id: 'ev-r' }) as any;
    const system = historyStep(entry('0193a1b2-0000-7000-8000-000000000a01', '2026-12-01T10:00:00.000001Z', ev, { direction: 'in', status: 'accepted' }));
    expect(system.author).toEqual({ kind: 'system', name: ev.data.system });
    ev.data.author = { kind: 'employee', name: 'Петрова Анна' };
    const named = historyStep(entry('0193a1b2-0000-7000-8000-000000000a02', '2026-12-01T10:00:00.000001Z', ev, { direction: 'in', status: 'accepted' }));
    expect(named).toMatchObject({ step: 'registered', author: { kind: 'employee', name: 'Петрова Анна' }, registrationNumber: ev.data.registrationNumber });
    expect(validStep(named) || validStep.errors).toBe(true);
  });

  it('name the applicant as the author of the submission and carry nothing else of theirs, nor any inline content', () => {
    const ev = exampleEvent('appeal.submitted', { id: 'ev-1' }) as any;
    const bytes = Buffer.from('photo bytes');
    ev.data.files.push({
      id: 'f-2',
      name: 'inline.jpg',
      mediaType: 'image/jpeg',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      contentBase64: bytes.toString('base64'),
    });
    const step = historyStep(entry('0193a1b2-0000-7000-8000-000000000001', '2026-12-01T10:00:00.000001Z', ev, { direction: 'in', status: 'accepted' }));

    expect(step).toMatchObject({ step: 'submitted', origin: 'portal', author: { kind: 'applicant', name: 'Коваленко Олена Петрівна' }, occurredAt: ev.data.submittedAt, status: 'submitted' });
    expect(step.files?.map((f) => [f.name, f.url, f.inline])).toEqual([
      ['photo-1.jpg', 'https://cabinet.kyiv.example/files/f-1', undefined],
      ['inline.jpg', undefined, true],
    ]);
    const text = JSON.stringify(step);
    for (const secret of [
      bytes.toString('base64'),
      ev.data.applicant.contacts.email,
      ev.data.applicant.contacts.phone,
      ev.data.text,
      ev.data.location.address,
      ev.data.applicant.identity.subjectRef,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(validStep(step) || validStep.errors).toBe(true);
  });

  it('tell a document the applicant added in the portal from one the back office added', () => {
    const fromPortal = exampleEvent('application.document-added') as any;
    delete fromPortal.data.system;
    delete fromPortal.data.externalId;
    fromPortal.data.author = { kind: 'applicant', name: 'ООО «Северный луч»' };
    expect(historyStep(entry('0193a1b2-0000-7000-8000-000000000002', '2026-12-01T10:00:00.000002Z', fromPortal, { direction: 'in', status: 'accepted' }))).toMatchObject({
      step: 'document-added',
      origin: 'portal',
      author: { kind: 'applicant' },
      occurredAt: fromPortal.data.addedAt,
    });
    expect(historyStep(entry('0193a1b2-0000-7000-8000-000000000003', '2026-12-01T10:00:00.000003Z', exampleEvent('application.document-added')))).toMatchObject({
      origin: 'back-office',
      system: 'edms.1c-docflow',
    });
  });

  it('show an answer with its text, outgoing number, author and files', () => {
    const ev = exampleEvent('appeal.answered') as any;
    const step = historyStep(entry('0193a1b2-0000-7000-8000-000000000004', '2026-12-01T10:00:00.000004Z', ev));
    expect(step).toMatchObject({ step: 'answered', status: 'answered', text: ev.data.text, author: ev.data.author, occurredAt: ev.data.answeredAt, registrationNumber: ev.data.registrationNumber });
    expect(JSON.stringify(step)).not.toContain('contentBase64');
    expect(validStep(step) || validStep.errors).toBe(true);
  });

  it('show a change of the term with its action, new date, reason and author', () => {
    const ev = exampleEvent('appeal.deadline-changed') as any;
    const step = historyStep(entry('0193a1b2-0000-7000-8000-000000000006', '2026-12-01T10:00:00.000006Z', ev));
    expect(step).toMatchObject({
      step: 'deadline-changed',
      origin: 'back-office',
      deadlineAction: 'extended',
      until: ev.data.until,
      reason: ev.data.reason,
      author: ev.data.author,
      occurredAt: ev.data.changedAt,
    });
    expect(validStep(step) || validStep.errors).toBe(true);
  });

  it('refuse an entry that is no step of a case', () => {
    expect(() => historyStep(entry('0193a1b2-0000-7000-8000-000000000005', '2026-12-01T10:00:00.000005Z', exampleEvent('notification.status-changed')))).toThrow(/no step of a case/);
  });
});

describe('which journal entries make a case', () => {
  it('takes the portal submission and documents in, every applied result out, and rejections of its kind', () => {
    expect(caseEntryTypes('application')).toEqual({
      accepted: ['application.submitted', 'application.document-added'],
      emitted: ['application.registered', 'application.status-changed', 'application.document-added'],
      rejected: ['application.submitted', 'application.registered', 'application.status-changed', 'application.document-added'],
    });
    expect(caseEntryTypes('appeal').accepted).toEqual(['appeal.submitted']);
    // A term change is a step; the hub's repeat link is not (it is on cabinet.out).
    expect(caseEntryTypes('appeal').emitted).toEqual(['appeal.registered', 'appeal.status-changed', 'appeal.answered', 'appeal.deadline-changed']);
    expect(milestoneTypes('application')).not.toContain('application.document-added');
  });
});

describe('case view', () => {
  const record = {
    kind: 'application' as const,
    status: 'contract-sent',
    statusAt: new Date('2024-03-21T15:14:50+03:00'),
    version: 4,
    externalIds: { 'edms.1c-docflow': { externalId: 'e3b0a1f2-4c5d-11ee-8c90-0242ac120002', registrationNumber: '457/ТП', registeredAt: '2024-03-04T11:02:30+03:00' } },
    createdAt: new Date('2024-03-04T07:31:12.481Z'),
  };

  it('is exactly the documented example, and valid against the published schema', () => {
    const view = caseView('novgorod-energo', 'TP-2024-0457', record, exampleEntries());
    expect(view).toEqual(exampleCaseView());
    expect(validView(view) || validView.errors).toBe(true);
  });

  it('keeps the first time each status was reached, in order, and closes on the first final status', () => {
    const ref = 'TP-1';
    const status = (id: string, s: string, changedAt: string) => ({
      ...exampleEvent('application.status-changed', { id, subject: ref }),
      data: { ...(exampleEvent('application.status-changed').data as object), caseRef: ref, status: s, changedAt },
    });
    const entries = [
      entry('0193a1b2-0000-7000-8000-000000000011', '2026-12-01T10:00:00.000001Z', status('s1', 'under-review', '2026-12-01T10:00:00Z')),
      entry('0193a1b2-0000-7000-8000-000000000012', '2026-12-01T10:00:00.000002Z', status('s2', 'tc-in-progress', '2026-12-02T10:00:00Z')),
      entry('0193a1b2-0000-7000-8000-000000000013', '2026-12-01T10:00:00.000003Z', status('s3', 'under-review', '2026-12-03T10:00:00Z')),
      entry('0193a1b2-0000-7000-8000-000000000014', '2026-12-01T10:00:00.000004Z', status('s4', 'fulfilled', '2026-12-04T10:00:00Z')),
    ];
    expect(milestones(entries)).toEqual({
      statuses: [
        { status: 'under-review', at: '2026-12-01T10:00:00Z', eventId: 's1' },
        { status: 'tc-in-progress', at: '2026-12-02T10:00:00Z', eventId: 's2' },
        { status: 'fulfilled', at: '2026-12-04T10:00:00Z', eventId: 's4' },
      ],
      closed: { status: 'fulfilled', at: '2026-12-04T10:00:00Z' },
    });
  });

  it('has no status time for a case a result opened before its submission', () => {
    const view = caseView('demo', 'X', { ...record, status: 'submitted', statusAt: new Date(0), externalIds: {}, version: 0 }, []);
    expect(view.statusSince).toBeUndefined();
    expect(view.lastChange).toBeUndefined();
    expect(view.milestones).toEqual({ statuses: [] });
    expect(validView(view) || validView.errors).toBe(true);
  });
});
