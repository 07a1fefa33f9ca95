import type { BusinessCalendar, ClockEvent, DeadlineResult, ExplainedDay, MilestoneName, TermVariant } from './deadline.types';
import type { LegalProfile, MilestoneRule, ProfileOverlay, Rollover, Term } from './legal-profile.config';
import { addDays, addMonths, daysBetween, endOfLocalDay, localDateOf, startOfLocalDay } from './local-date.codec';

/**
 * The due date of a case's answer term, computed from the case's own events every time (never a
 * stored counter that drifts), with every day from the start to the due date explained.
 *
 * Rules, and why:
 * - A term in days starts on the day after its start event (UA Civil Code Art. 253, RU Civil Code
 *   Art. 191: "begins the day after the calendar date of the event"). The event's own day is listed
 *   but never counted.
 * - A term of months ends on the same date of the last month, or on that month's last day (UA Civil
 *   Code Art. 254 Part 2, RU Civil Code Art. 192 Part 3).
 * - A working-day term counts only working days of the tenant's calendar; a calendar-day term
 *   counts every day and, by the profile's rollover flag, ends on the next (or previous) working day
 *   when its last day is not one.
 * - A pause credits whole calendar days: each local day that lies entirely inside a pause is not
 *   counted, so the due date moves by exactly those days (Znuny's EscalationSuspend, in days). The
 *   day a pause starts and the day it ends count, since part of each was available for the work.
 *   An hour term (48 h) is credited the paused time to the millisecond instead.
 * - Extensions beyond the profile's maximum are cut to it, with a note; an extension decided after
 *   the term ended, or one more than the profile allows, is refused with a note.
 * - An answer stops the clock: events after it are ignored, and the case is overdue when the answer
 *   came after `dueAt`. An open case is overdue when `now` is after `dueAt`.
 * - `dueAt` is the last millisecond of the due day in the calendar's time zone.
 */
export function computeDeadline(profile: LegalProfile, variant: TermVariant, events: readonly ClockEvent[], calendar: BusinessCalendar, now: Date, overlay?: ProfileOverlay): DeadlineResult {
  const notes: string[] = [];
  const term = termOf(profile, variant, notes);
  const timeline = timelineOf(events, profile, now, notes);
  const base: DeadlineResult = {
    profile: profile.id,
    variant: profile.terms[variant] ? variant : 'standard',
    unit: term.unit,
    extended: false,
    extensions: 0,
    paused: timeline.openPause !== undefined,
    pausedDays: 0,
    overdue: false,
    milestones: [],
    days: [],
    notes,
    calendar: { id: calendar.id, version: calendar.version, timeZone: calendar.timeZone },
  };
  if (timeline.answered) base.answeredAt = timeline.answered.at;
  if (!timeline.start) {
    notes.push(`the term has not started: no '${profile.start}' event yet`);
    base.milestones = milestonesOf(profile, overlay, timeline.events, calendar, undefined);
    return base;
  }
  base.startedAt = timeline.start.at;
  const { noticeMilestone: notice, ...term$ } = term.unit === 'hours' ? hourTerm(term, timeline, calendar, notes) : dayTerm(term, profile, timeline, calendar, notes);
  const result: DeadlineResult = { ...base, ...term$ };
  const dueMs = Date.parse(result.dueAt!);
  result.overdue = timeline.answered ? Date.parse(timeline.answered.at) > dueMs : now.getTime() > dueMs;
  result.milestones = milestonesOf(profile, overlay, timeline.events, calendar, result.dueDate).concat(notice ? [notice] : []);
  const regimes = new Set(result.days.map((d) => d.reason).filter((r) => r.includes('martial law')));
  if (regimes.size) notes.push('martial law (Law 2136-IX Art. 6): holidays and their carry-over days are working days in this period');
  const uncovered = result.days.filter((d) => d.reason.includes('no calendar data for'));
  if (uncovered.length) notes.push(`${uncovered.length} day(s) lie outside the calendar's data (only weekends are known there): the due date may move when that year is added`);
  return result;
}

/** The term of the variant; a variant the profile does not have falls back to `standard`, with a note. */
function termOf(profile: LegalProfile, variant: TermVariant, notes: string[]): Term {
  const t = profile.terms[variant];
  if (t) return t;
  notes.push(`${profile.id} has no '${variant}' term; the standard term applies`);
  return profile.terms.standard;
}

/** A case's events as the clock reads them: sorted, de-duplicated, cut at the answer. */
interface Timeline {
  events: ClockEvent[];
  start?: ClockEvent;
  answered?: ClockEvent;
  /** Pauses as [from, to) instants in ms; an open pause runs to the answer or to `now`. */
  pauses: { from: number; to: number; reason: string }[];
  openPause?: { from: number; reason: string };
  /** The clock's end: the answer, or `now`. */
  endMs: number;
}

function timelineOf(input: readonly ClockEvent[], profile: LegalProfile, now: Date, notes: string[]): Timeline {
  const seen = new Set<string>();
  const events = input
    .map((e, i) => ({ e, i, ms: Date.parse(e.at) }))
    .map((x) => {
      if (Number.isNaN(x.ms)) throw new RangeError(`clock event ${x.e.kind} has no valid time: ${String(x.e.at)}`);
      return x;
    })
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .filter((x) => {
      const key = JSON.stringify({ ...x.e, at: x.ms });
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((x) => x.e);
  const start = events.find((e) => e.kind === profile.start);
  const answered = events.find((e) => e.kind === 'answered');
  const endMs = answered ? Date.parse(answered.at) : now.getTime();
  const late = events.filter((e) => Date.parse(e.at) > endMs && e.kind !== 'answered');
  if (answered && late.length) notes.push(`${late.length} event(s) after the answer were ignored: the answer stops the clock`);
  const pauses: Timeline['pauses'] = [];
  let open: { from: number; reason: string } | undefined;
  for (const e of events) {
    const ms = Date.parse(e.at);
    if (ms > endMs) break;
    if (e.kind === 'paused' && !open) open = { from: ms, reason: e.reason };
    else if (e.kind === 'resumed' && open) {
      pauses.push({ ...open, to: ms });
      open = undefined;
    }
  }
  if (open) pauses.push({ ...open, to: endMs });
  return { events: events.filter((e) => Date.parse(e.at) <= endMs), start, answered, pauses, openPause: answered ? undefined : open, endMs };
}

/** Local dates that lie entirely inside a pause, with its reason. */
function pausedDates(timeline: Timeline, timeZone: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of timeline.pauses) {
    const last = localDateOf(new Date(p.to), timeZone);
    for (let d = localDateOf(new Date(p.from), timeZone); d <= last; d = addDays(d, 1)) {
      if (startOfLocalDay(d, timeZone).getTime() >= p.from && endOfLocalDay(d, timeZone).getTime() < p.to) out.set(d, p.reason);
    }
  }
  return out;
}

/** Counting over a calendar from a start date: calendar days or working days, paused days skipped. */
class DayCounter {
  constructor(
    private readonly calendar: BusinessCalendar,
    readonly startDate: string,
    readonly working: boolean,
    private readonly paused: ReadonlyMap<string, string>,
  ) {}

  /** Why a day does not count, or undefined when it does. */
  private skip(date: string): string | undefined {
    const p = this.paused.get(date);
    if (p !== undefined) return `not counted: paused all day (${p})`;
    const day = this.calendar.day(date);
    return this.working && !day.working ? `not counted: ${day.reason}` : undefined;
  }

  /** The day on which `n` units have been counted, and every day from the start to it, explained. */
  walk(n: number, startEvent: string): { due: string; days: ExplainedDay[]; paused: number } {
    const days: ExplainedDay[] = [{ date: this.startDate, counted: false, reason: `day of the '${startEvent}' event: the term runs from the next day (Civil Code: UA Art. 253, RU Art. 191)` }];
    let d = this.startDate;
    let paused = 0;
    for (let counted = 0; counted < n;) {
      d = addDays(d, 1);
      if (daysBetween(this.startDate, d) > 3660) throw new RangeError(`no ${n} countable days within ten years of ${this.startDate}: check the calendar`);
      const why = this.skip(d);
      if (why) {
        if (this.paused.has(d)) paused++;
        days.push({ date: d, counted: false, reason: why });
        continue;
      }
      counted++;
      days.push({ date: d, counted: true, reason: `day ${counted} of ${n}: ${this.calendar.day(d).reason}` });
    }
    return { due: d, days, paused };
  }

  /** How many units count from the day after the start through `until` (0 when `until` is not later). */
  countThrough(until: string): number {
    let n = 0;
    for (let d = addDays(this.startDate, 1); d <= until; d = addDays(d, 1)) if (!this.skip(d)) n++;
    return n;
  }

  /** The same count with only these paused days: how long a term was when a decision set its end. */
  withPaused(paused: ReadonlyMap<string, string>): DayCounter {
    return new DayCounter(this.calendar, this.startDate, this.working, paused);
  }
}

type TermPart = Pick<DeadlineResult, 'dueAt' | 'dueDate' | 'originalDueDate' | 'extended' | 'extensions' | 'pausedDays' | 'days'> & { noticeMilestone?: DeadlineResult['milestones'][number] };

/** A term in calendar days, months or working days. */
function dayTerm(term: Term, profile: LegalProfile, timeline: Timeline, calendar: BusinessCalendar, notes: string[]): TermPart {
  const tz = calendar.timeZone;
  const startDate = localDateOf(timeline.start!.at, tz);
  const working = term.unit === 'working-days';
  const counter = new DayCounter(calendar, startDate, working, pausedDates(timeline, tz));
  // A month term is the number of calendar days to the same date of the next month, so pauses and
  // extensions work on it as on any calendar-day term.
  const baseN = term.unit === 'months' ? daysBetween(startDate, addMonths(startDate, term.amount)) : term.amount;
  if (term.unit === 'months') notes.push(`${term.amount} month(s) from ${startDate}: to ${addMonths(startDate, term.amount)}, ${baseN} calendar days`);
  const rollover: Rollover = working ? 'none' : profile.rollover;
  const finish = (n: number, quiet: boolean) => rolled(counter.walk(n, profile.start), calendar, rollover, quiet ? [] : notes);
  const original = finish(baseN, true);
  const ext = applyChanges(profile, timeline, counter, baseN, (n) => endOfLocalDay(finish(n, true).due, tz).getTime(), notes, tz);
  const final = finish(ext.n, false);
  const notice = noticeMilestone(profile, ext.firstExtension, calendar, startDate, original.due);
  return {
    dueDate: final.due,
    dueAt: endOfLocalDay(final.due, tz).toISOString(),
    originalDueDate: original.due,
    extended: ext.count > 0,
    extensions: ext.count,
    pausedDays: final.paused,
    days: final.days,
    ...(notice ? { noticeMilestone: notice } : {}),
  };
}

/** Moves a due day that is not a working day, per the profile's rollover rule, and explains it. */
function rolled(w: { due: string; days: ExplainedDay[]; paused: number }, calendar: BusinessCalendar, rollover: Rollover, notes: string[]): { due: string; days: ExplainedDay[]; paused: number } {
  const last = calendar.day(w.due);
  if (rollover === 'none' || last.working) return w;
  const law = 'Civil Code: UA Art. 254 Part 5, RU Art. 193 (by analogy, unverified)';
  if (rollover === 'next-working-day') {
    const days = [...w.days];
    let d = w.due;
    do {
      d = addDays(d, 1);
      const day = calendar.day(d);
      days.push({
        date: d,
        counted: false,
        reason: day.working ? `the term ends on this working day: its last day ${w.due} was not a working day (${law})` : `not counted: ${day.reason} (the term's end moves on)`,
      });
    } while (!calendar.day(d).working);
    notes.push(`the term's last day ${w.due} is not a working day (${last.reason}); it ends on the next working day, ${d}`);
    return { due: d, days, paused: w.paused };
  }
  let d = w.due;
  do d = addDays(d, -1);
  while (!calendar.day(d).working && d > w.days[0].date);
  notes.push(`the term's last day ${w.due} is not a working day (${last.reason}); by the profile it ends on the previous working day, ${d}`);
  return { due: d, days: w.days.filter((x) => x.date <= d), paused: w.paused };
}

/** Extensions and shortenings in event order, capped by the profile's rules. */
function applyChanges(
  profile: LegalProfile,
  timeline: Timeline,
  counter: DayCounter,
  baseN: number,
  dueMsFor: (n: number) => number,
  notes: string[],
  timeZone: string,
): { n: number; count: number; firstExtension?: Extract<ClockEvent, { kind: 'extended' }> } {
  let n = baseN;
  let count = 0;
  let firstExtension: Extract<ClockEvent, { kind: 'extended' }> | undefined;
  const rule = profile.extension;
  for (const e of timeline.events) {
    if (e.kind === 'shortened') {
      const m = counter.countThrough(e.until);
      if (m < n) {
        n = m;
        notes.push(`shortened to ${e.until} on the applicant's request (${e.reason})`);
      } else notes.push(`a shortening to ${e.until} would not bring the due date forward; ignored`);
      continue;
    }
    if (e.kind !== 'extended') continue;
    if (!rule) {
      notes.push(`${profile.id} allows no extension; the extension of ${e.at} was not applied`);
      continue;
    }
    if (rule.maxTimes !== undefined && count >= rule.maxTimes) {
      notes.push(`extension of ${e.at} refused: ${profile.id} allows ${rule.maxTimes} extension(s) (${rule.law})`);
      continue;
    }
    if (Date.parse(e.at) > dueMsFor(n)) {
      notes.push(`extension of ${e.at} refused: it was decided after the term had ended`);
      continue;
    }
    // An extension to a date sets the term's length as it stood that day: a pause that comes later
    // still moves the date, as any pause does (only pauses begun by then are left out of the count).
    const asOf = counter.withPaused(pausedDates({ ...timeline, pauses: timeline.pauses.filter((p) => p.from <= Date.parse(e.at)) }, timeZone));
    let want = e.until !== undefined ? asOf.countThrough(e.until) : e.days !== undefined ? n + e.days : n;
    if (want <= n) {
      notes.push(`extension of ${e.at} would not move the due date; ignored`);
      continue;
    }
    const cap = Math.min(rule.maxTotal ? rule.maxTotal.amount : Infinity, rule.maxAdded ? baseN + rule.maxAdded.amount : Infinity);
    if (want > cap) {
      notes.push(`extension of ${e.at} capped at ${cap} ${counter.working ? 'working days' : 'days'} from the start (${rule.law})`);
      want = cap;
    }
    n = want;
    count++;
    firstExtension ??= e;
  }
  return { n, count, firstExtension };
}

/** The applicant's notice of an extension: within the profile's term from the start, or before the original term ends. */
function noticeMilestone(
  profile: LegalProfile,
  ext: Extract<ClockEvent, { kind: 'extended' }> | undefined,
  calendar: BusinessCalendar,
  startDate: string,
  originalDue: string,
): DeadlineResult['milestones'][number] | undefined {
  if (!ext || !profile.notice) return undefined;
  const within = profile.notice.within;
  const due = within ? new DayCounter(calendar, startDate, within.unit === 'working-days', new Map()).walk(within.amount, profile.start).due : originalDue;
  return { name: 'extension-notice' as MilestoneName, dueAt: endOfLocalDay(due, calendar.timeZone).toISOString(), ...(ext.noticeAt ? { metAt: ext.noticeAt } : {}) };
}

/** A term in clock hours (UA public information, urgent: 48 hours): paused time is credited exactly. */
function hourTerm(term: Term, timeline: Timeline, calendar: BusinessCalendar, notes: string[]): TermPart {
  const tz = calendar.timeZone;
  const startMs = Date.parse(timeline.start!.at);
  let due = startMs + term.amount * 3_600_000;
  // Each pause that begins before the (moving) end pushes it by its length.
  for (const p of timeline.pauses) if (p.from < due && p.to > startMs) due += p.to - Math.max(p.from, startMs);
  const dueAt = new Date(due - 1);
  if (timeline.events.some((e) => e.kind === 'extended')) notes.push('an hour term is not extended; the extension was not applied');
  const startDate = localDateOf(new Date(startMs), tz);
  const dueDate = localDateOf(dueAt, tz);
  const days: ExplainedDay[] = [];
  for (let d = startDate; d <= dueDate; d = addDays(d, 1))
    days.push({ date: d, counted: true, reason: `within the ${term.amount} hours from ${timeline.start!.at} (clock hours; ${calendar.day(d).reason})` });
  notes.push(`${term.amount} clock hours from receipt, whatever the calendar says`);
  const pausedMs = timeline.pauses.reduce((s, p) => s + Math.max(0, p.to - Math.max(p.from, startMs)), 0);
  return {
    dueAt: dueAt.toISOString(),
    dueDate,
    originalDueDate: localDateOf(new Date(startMs + term.amount * 3_600_000 - 1), tz),
    extended: false,
    extensions: 0,
    pausedDays: Math.floor(pausedMs / 86_400_000),
    days,
  };
}

/** The profile's and the overlay's further terms, each from the first of its start events that happened. */
function milestonesOf(
  profile: LegalProfile,
  overlay: ProfileOverlay | undefined,
  events: readonly ClockEvent[],
  calendar: BusinessCalendar,
  dueDate: string | undefined,
): DeadlineResult['milestones'] {
  const out: DeadlineResult['milestones'] = [];
  for (const rule of [...profile.milestones, ...(overlay?.milestones ?? [])]) {
    const m = milestone(rule, profile.rollover, events, calendar, dueDate);
    if (m) out.push(m);
  }
  return out;
}

function milestone(rule: MilestoneRule, rollover: Rollover, events: readonly ClockEvent[], calendar: BusinessCalendar, dueDate: string | undefined): DeadlineResult['milestones'][number] | undefined {
  const tz = calendar.timeZone;
  let dueAt: string | undefined;
  for (const from of rule.from) {
    if (from === 'due') {
      if (dueDate) dueAt = endOfLocalDay(addDays(dueDate, rule.term.amount), tz).toISOString();
    } else {
      const ev = events.find((e) => e.kind === from);
      if (!ev) continue;
      if (rule.term.unit === 'hours') dueAt = new Date(Date.parse(ev.at) + rule.term.amount * 3_600_000).toISOString();
      else {
        const counter = new DayCounter(calendar, localDateOf(ev.at, tz), rule.term.unit === 'working-days', new Map());
        const w = counter.walk(rule.term.amount, from);
        dueAt = endOfLocalDay(rolled(w, calendar, rule.term.unit === 'working-days' ? 'none' : rollover, []).due, tz).toISOString();
      }
    }
    if (dueAt) break;
  }
  if (!dueAt) return undefined;
  const met = events.find((e) => e.kind === rule.metBy);
  return { name: rule.name, dueAt, ...(met ? { metAt: met.at } : {}) };
}
