import type { DeadlineResult } from './deadline.types';

/** One event the scheduler should emit about a case's term, with the journal key that makes it once-only. */
export type DeadlineAlert =
  | { type: 'deadline.warning'; key: string; threshold: 'share'; share: number }
  | { type: 'deadline.warning'; key: string; threshold: 't-minus-3' }
  | { type: 'deadline.overdue'; key: string }
  | { type: 'deadline.not-taken'; key: string; takeBy: string }
  | { type: 'deadline.extended'; key: string; extensions: number };

/** What the scheduler does with a case now, and when it must look again. */
export interface AlertPlan {
  alerts: DeadlineAlert[];
  /** Undefined: nothing more will happen to this term by itself (answered, or no term yet). */
  nextCheckAt?: Date;
}

const DAY_MS = 86_400_000;

/** The journal de-duplication key of an alert: one per case, kind and due date (an extension starts new warnings). */
export function alertKey(caseId: string, what: string): string {
  return `deadline\n${caseId}\n${what}`;
}

/**
 * When a term enters its last warning threshold (the dashboard's "at risk"): the municipal
 * solve-by target (three calendar days before the due day, seed 004) when there is one, else 72
 * hours before the due instant. Undefined without a due instant.
 */
export function riskFrom(r: Pick<DeadlineResult, 'dueAt' | 'milestones'>): number | undefined {
  if (!r.dueAt) return undefined;
  const solveBy = r.milestones.find((m) => m.name === 'solve-by');
  return solveBy ? Date.parse(solveBy.dueAt) : Date.parse(r.dueAt) - 3 * DAY_MS;
}

/**
 * Which alerts a case's term calls for at `now`, given how many extensions were announced
 * already. Only the most advanced threshold that has passed is raised (overdue beats T−3, which
 * beats the shares): after an outage the applicant's case is overdue, not "half its term gone".
 * `t-minus-3` fires when the municipal solve-by target (three calendar days before the due day,
 * seed 004) has passed, or 72 hours before the due instant without that overlay. An answered case
 * raises nothing (imported or closed cases never warn), except that an extension announced
 * before the answer is still told. The keys carry the due date, so a term that was extended warns
 * again on its new date.
 */
export function planAlerts(caseId: string, r: DeadlineResult, o: { now: Date; warnAt: readonly number[]; announcedExtensions: number }): AlertPlan {
  const alerts: DeadlineAlert[] = [];
  if (r.extensions > o.announcedExtensions && !r.answeredAt) alerts.push({ type: 'deadline.extended', key: alertKey(caseId, `extended:${r.extensions}`), extensions: r.extensions });
  if (r.answeredAt || !r.dueAt || !r.startedAt || r.paused) return { alerts };
  const now = o.now.getTime();
  const start = Date.parse(r.startedAt);
  const due = Date.parse(r.dueAt);
  const date = r.dueDate ?? r.dueAt;
  const thresholds: { at: number; alert: DeadlineAlert }[] = [
    ...o.warnAt.map((share) => ({
      at: start + share * (due - start),
      alert: { type: 'deadline.warning' as const, key: alertKey(caseId, `warning:${share}:${date}`), threshold: 'share' as const, share },
    })),
    { at: riskFrom(r) as number, alert: { type: 'deadline.warning', key: alertKey(caseId, `warning:t-minus-3:${date}`), threshold: 't-minus-3' } },
    { at: due + 1, alert: { type: 'deadline.overdue', key: alertKey(caseId, `overdue:${date}`) } },
  ];
  thresholds.sort((a, b) => a.at - b.at);
  const passed = thresholds.filter((t) => t.at <= now);
  if (passed.length) alerts.push(passed[passed.length - 1].alert);
  const future = thresholds.filter((t) => t.at > now).map((t) => t.at);
  const taken = r.milestones.find((m) => m.name === 'taken-into-work');
  if (taken && !taken.metAt) {
    const takeBy = Date.parse(taken.dueAt);
    if (takeBy <= now) alerts.push({ type: 'deadline.not-taken', key: alertKey(caseId, 'not-taken'), takeBy: taken.dueAt });
    else future.push(takeBy);
  }
  return { alerts, ...(future.length ? { nextCheckAt: new Date(Math.min(...future)) } : {}) };
}
