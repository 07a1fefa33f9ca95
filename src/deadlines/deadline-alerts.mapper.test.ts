import { alertKey, planAlerts } from './deadline-alerts.mapper';
import type { DeadlineResult } from './deadline.types';

/** A UA appeal received 2024-05-14 09:12 UTC, due 2024-06-14 (end of day, Kyiv), taken-into-work term one day. */
function term(over: Partial<DeadlineResult> = {}): DeadlineResult {
  return {
    profile: 'ua.appeals.art20',
    variant: 'standard',
    unit: 'months',
    startedAt: '2024-05-14T09:12:30Z',
    dueAt: '2024-06-14T20:59:59.999Z',
    dueDate: '2024-06-14',
    extended: false,
    extensions: 0,
    paused: false,
    pausedDays: 0,
    overdue: false,
    milestones: [
      { name: 'taken-into-work', dueAt: '2024-05-15T20:59:59.999Z' },
      { name: 'solve-by', dueAt: '2024-06-11T20:59:59.999Z' },
    ],
    days: [],
    notes: [],
    ...over,
  };
}

const at = (iso: string) => ({ now: new Date(iso), warnAt: [0.5, 0.8], announcedExtensions: 0 });
const start = Date.parse('2024-05-14T09:12:30Z');
const due = Date.parse('2024-06-14T20:59:59.999Z');

describe('planAlerts', () => {
  it('raises nothing before the first threshold, and looks again at the earliest one (taking into work)', () => {
    const p = planAlerts('c1', term(), at('2024-05-14T12:00:00Z'));
    expect(p.alerts).toEqual([]);
    expect(p.nextCheckAt).toEqual(new Date('2024-05-15T20:59:59.999Z'));
  });

  it('raises not-taken once the day to take the case into work is over, unless it was taken', () => {
    expect(planAlerts('c1', term(), at('2024-05-16T08:00:00Z')).alerts).toEqual([{ type: 'deadline.not-taken', key: alertKey('c1', 'not-taken'), takeBy: '2024-05-15T20:59:59.999Z' }]);
    const taken = term({ milestones: [{ name: 'taken-into-work', dueAt: '2024-05-15T20:59:59.999Z', metAt: '2024-05-15T08:00:00Z' }] });
    expect(planAlerts('c1', taken, at('2024-05-16T08:00:00Z')).alerts).toEqual([]);
  });

  it('warns at half the term, keyed by the due date, and next looks at 80 %', () => {
    const half = new Date(start + 0.5 * (due - start) + 1000).toISOString();
    const p = planAlerts('c1', term({ milestones: [] }), at(half));
    expect(p.alerts).toEqual([{ type: 'deadline.warning', key: alertKey('c1', 'warning:0.5:2024-06-14'), threshold: 'share', share: 0.5 }]);
    expect(p.nextCheckAt).toEqual(new Date(start + 0.8 * (due - start)));
  });

  it('raises only the most advanced threshold passed: after an outage the case is overdue, not half-way', () => {
    const p = planAlerts('c1', term({ milestones: [] }), at('2024-06-20T00:00:00Z'));
    expect(p.alerts).toEqual([{ type: 'deadline.overdue', key: alertKey('c1', 'overdue:2024-06-14') }]);
    expect(p.nextCheckAt).toBeUndefined();
  });

  it('raises T−3 when the municipal solve-by day has passed', () => {
    const p = planAlerts('c1', term({ milestones: [{ name: 'solve-by', dueAt: '2024-06-11T20:59:59.999Z' }] }), at('2024-06-12T06:00:00Z'));
    expect(p.alerts).toEqual([{ type: 'deadline.warning', key: alertKey('c1', 'warning:t-minus-3:2024-06-14'), threshold: 't-minus-3' }]);
    expect(p.nextCheckAt).toEqual(new Date(due + 1));
  });

  it('without the municipal rules, T−3 is 72 hours before the due instant', () => {
    const p = planAlerts('c1', term({ milestones: [] }), { now: new Date(due - 72 * 3600_000 + 1), warnAt: [], announcedExtensions: 0 });
    expect(p.alerts.map((a) => a.key)).toEqual([alertKey('c1', 'warning:t-minus-3:2024-06-14')]);
  });

  it('announces each new extension once, and an extended term warns again under its new date', () => {
    const ext = term({ extended: true, extensions: 1, dueDate: '2024-06-28', dueAt: '2024-06-28T20:59:59.999Z', milestones: [] });
    const p = planAlerts('c1', ext, at('2024-06-20T00:00:00Z'));
    expect(p.alerts).toEqual([
      { type: 'deadline.extended', key: alertKey('c1', 'extended:1'), extensions: 1 },
      { type: 'deadline.warning', key: alertKey('c1', 'warning:0.8:2024-06-28'), threshold: 'share', share: 0.8 },
    ]);
    expect(planAlerts('c1', ext, { ...at('2024-06-20T00:00:00Z'), announcedExtensions: 1 }).alerts.map((a) => a.type)).toEqual(['deadline.warning']);
  });

  it('an answered case raises nothing and is never looked at again (closed and imported cases never warn)', () => {
    const p = planAlerts('c1', term({ answeredAt: '2024-06-20T10:00:00Z', overdue: true, extensions: 1 }), at('2024-07-01T00:00:00Z'));
    expect(p).toEqual({ alerts: [] });
  });

  it('a paused term raises nothing until it resumes (the case changes then, and is computed again)', () => {
    expect(planAlerts('c1', term({ paused: true }), at('2024-06-20T00:00:00Z'))).toEqual({ alerts: [] });
  });

  it('a case without a started term raises nothing', () => {
    expect(planAlerts('c1', term({ startedAt: undefined, dueAt: undefined }), at('2024-06-20T00:00:00Z'))).toEqual({ alerts: [] });
  });
});
