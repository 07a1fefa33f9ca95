import { exampleEvent } from '../../contracts';
import type { CaseEntry } from '../persistence/journal.repository';
import { clockOf } from './clock-events.mapper';

function entry(type: string, data: Record<string, unknown>, status: CaseEntry['status'] = 'emitted'): CaseEntry {
  const body = Buffer.from(JSON.stringify({ ...exampleEvent(type as never), data }));
  return { journalId: 'j', at: '2024-05-14T09:12:33.000001Z', direction: status === 'accepted' ? 'in' : 'out', status, type, eventId: 'e', errors: null, body };
}

describe('clockOf', () => {
  const submitted = exampleEvent('appeal.submitted').data as Record<string, unknown>;

  it('reads receipt, registration, taking into work, term changes and the answer from the journal', () => {
    const clock = clockOf([
      entry('appeal.submitted', submitted, 'accepted'),
      entry('appeal.registered', { caseRef: 'EP', registeredAt: '2024-05-14T11:39:55+03:00' }),
      entry('appeal.status-changed', { caseRef: 'EP', status: 'in-progress', changedAt: '2024-05-15T11:05:30+03:00' }),
      entry('appeal.deadline-changed', { caseRef: 'EP', action: 'paused', changedAt: '2024-05-20T10:00:00+03:00', reason: 'asked the applicant for the address' }),
      entry('appeal.deadline-changed', { caseRef: 'EP', action: 'resumed', changedAt: '2024-05-23T10:00:00+03:00', reason: 'address received' }),
      entry('appeal.deadline-changed', { caseRef: 'EP', action: 'extended', until: '2024-06-28', changedAt: '2024-05-30T10:14:50+03:00', reason: 'site survey' }),
      entry('appeal.answered', { caseRef: 'EP', answeredAt: '2024-06-20T13:22:00+03:00' }),
    ]);
    expect(clock.appealKind).toBe('complaint');
    expect(clock.addressee).toBe('kp-blagoustrii');
    expect(clock.postponements).toBe(0);
    expect(clock.events).toEqual([
      { kind: 'received', at: submitted.submittedAt },
      { kind: 'registered', at: '2024-05-14T11:39:55+03:00' },
      { kind: 'taken', at: '2024-05-15T11:05:30+03:00' },
      { kind: 'paused', at: '2024-05-20T10:00:00+03:00', reason: 'asked the applicant for the address' },
      { kind: 'resumed', at: '2024-05-23T10:00:00+03:00' },
      { kind: 'extended', at: '2024-05-30T10:14:50+03:00', until: '2024-06-28', reason: 'site survey' },
      { kind: 'answered', at: '2024-06-20T13:22:00+03:00' },
    ]);
  });

  it('a refusal or an answer-sent status closes the term; forwarding is kept as a milestone', () => {
    const clock = clockOf([
      entry('appeal.submitted', submitted, 'accepted'),
      entry('appeal.status-changed', { caseRef: 'EP', status: 'forwarded', changedAt: '2024-05-16T09:00:00+03:00' }),
      entry('appeal.status-changed', { caseRef: 'EP', status: 'rejected', changedAt: '2024-05-17T09:00:00+03:00' }),
    ]);
    expect(clock.events.map((e) => e.kind)).toEqual(['received', 'forwarded', 'answered']);
  });

  it('counts postponed decisions (seed 004: postponed two or more times)', () => {
    const postponed = (n: number) => entry('appeal.status-changed', { caseRef: 'EP', status: 'postponed', changedAt: `2024-05-2${n}T09:00:00+03:00` });
    expect(clockOf([entry('appeal.submitted', submitted, 'accepted'), postponed(1), postponed(2)]).postponements).toBe(2);
  });

  it('extension by a number of days, shortening', () => {
    const clock = clockOf([
      entry('appeal.deadline-changed', { caseRef: 'EP', action: 'extended', days: 15, changedAt: '2024-05-30T10:00:00+03:00', reason: 'r' }),
      entry('appeal.deadline-changed', { caseRef: 'EP', action: 'shortened', until: '2024-06-01', changedAt: '2024-05-31T10:00:00+03:00', reason: 'applicant asked' }),
    ]);
    expect(clock.appealKind).toBeUndefined();
    expect(clock.events).toEqual([
      { kind: 'extended', at: '2024-05-30T10:00:00+03:00', days: 15, reason: 'r' },
      { kind: 'shortened', at: '2024-05-31T10:00:00+03:00', until: '2024-06-01', reason: 'applicant asked' },
    ]);
  });

  it('counts the first submission and the first registration only; skips bodies it cannot read', () => {
    const broken: CaseEntry = { journalId: 'x', at: '2024-05-14T09:00:00Z', direction: 'out', status: 'emitted', type: 'appeal.answered', eventId: null, errors: null, body: Buffer.from('{not json') };
    const clock = clockOf([
      entry('appeal.submitted', submitted, 'accepted'),
      entry('appeal.submitted', { ...submitted, submittedAt: '2024-05-20T00:00:00Z', kind: 'proposal' }, 'accepted'),
      entry('appeal.registered', { caseRef: 'EP', registeredAt: '2024-05-14T11:39:55+03:00' }),
      entry('appeal.registered', { caseRef: 'EP', registeredAt: '2024-05-15T11:39:55+03:00' }),
      broken,
    ]);
    expect(clock.appealKind).toBe('complaint');
    expect(clock.events).toEqual([
      { kind: 'received', at: submitted.submittedAt },
      { kind: 'registered', at: '2024-05-14T11:39:55+03:00' },
    ]);
  });
});
