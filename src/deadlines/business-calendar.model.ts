import type { BusinessCalendar, CalendarDay } from './deadline.types';
import { assertTimeZone, isLocalDate, weekdayOf, yearOf } from './local-date.codec';

/** What a stored day says: a day off, a working day (a working Saturday), or a shortened working day. */
export type DayKind = 'off' | 'working' | 'short';

/** One explicit fact of a calendar: it overrides the weekday rule for its date. */
export interface DayFact {
  date: string;
  kind: DayKind;
  /** English, for the explanation: `public holiday: Russia Day`, `transferred day off (from 2024-04-27)`. */
  reason: string;
  /**
   * The holiday this day is, or whose day off it carries (UA Labour Code Art. 67 Part 3). A regime
   * that suspends holidays (UA martial law) turns exactly these days into working days.
   */
  holiday?: string;
  /** The law, decree or pinned data file (with its commit) the fact comes from. */
  source: string;
}

/** Rules that change how day facts apply over a period. */
export type RegimeRule = 'UA_MARTIAL_LAW';

export const REGIME_RULES: readonly RegimeRule[] = ['UA_MARTIAL_LAW'];

/** A regime in force from `from` (inclusive) to `to` (inclusive; open-ended when absent). */
export interface Regime {
  rule: RegimeRule;
  from: string;
  to?: string;
  source: string;
}

/** Everything a calendar is made of, as stored in `calendar`, `calendar_day` and `calendar_regime`. */
export interface CalendarDefinition {
  id: string;
  country: 'UA' | 'RU';
  timeZone: string;
  version: number;
  /** Days of the week that are days off unless a fact says otherwise (0 = Sunday … 6 = Saturday). */
  weekend: readonly number[];
  days: readonly DayFact[];
  regimes: readonly Regime[];
  /** Years the facts are known for; outside them only the weekend rule applies, and the reason says so. */
  coverage?: { fromYear: number; toYear: number };
}

/** A calendar whose data contradicts itself; thrown when it is loaded, never at a due-date query. */
export class CalendarDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalendarDataError';
  }
}

/**
 * Checks a list of day facts: real dates, known kinds, a reason and a source each, and no date
 * given twice with different kinds (a date that is both a holiday and a working day, jmix #1461,
 * is a data error to fix, not something to resolve by whichever row comes last). Returns them by date.
 */
export function indexDayFacts(days: readonly DayFact[]): Map<string, DayFact> {
  const byDate = new Map<string, DayFact>();
  for (const d of days) {
    if (!isLocalDate(d.date)) throw new CalendarDataError(`calendar day ${String(d.date)}: not a date`);
    if (d.kind !== 'off' && d.kind !== 'working' && d.kind !== 'short') throw new CalendarDataError(`calendar day ${d.date}: unknown kind ${String(d.kind)}`);
    if (!d.reason || !d.source) throw new CalendarDataError(`calendar day ${d.date}: a reason and a source are required`);
    const seen = byDate.get(d.date);
    if (seen && (seen.kind === 'off') !== (d.kind === 'off')) {
      throw new CalendarDataError(`calendar day ${d.date} is both a day off (${(seen.kind === 'off' ? seen : d).reason}) and a working day (${(seen.kind === 'off' ? d : seen).reason})`);
    }
    if (!seen || d.kind === 'short') byDate.set(d.date, d);
  }
  return byDate;
}

function assertRegimes(regimes: readonly Regime[]): void {
  for (const r of regimes) {
    if (!REGIME_RULES.includes(r.rule)) throw new CalendarDataError(`unknown regime ${String(r.rule)}`);
    if (!isLocalDate(r.from) || (r.to !== undefined && (!isLocalDate(r.to) || r.to < r.from))) throw new CalendarDataError(`regime ${r.rule}: bad period ${r.from}…${r.to ?? ''}`);
  }
}

/**
 * A business calendar over explicit day facts, a weekend set and regimes. Pure: everything is in
 * memory, so a due-date computation never waits for the database.
 *
 * Precedence for a date: a regime that suspends holidays (UA martial law, for facts that carry a
 * holiday) > the date's explicit fact > the weekday rule. An explicit fact beats the weekday, so
 * an RU working Saturday is a working day although Saturday is in the weekend set.
 */
export class FactsBusinessCalendar implements BusinessCalendar {
  readonly id: string;
  readonly country: 'UA' | 'RU';
  readonly timeZone: string;
  readonly version: number;
  private readonly weekend: ReadonlySet<number>;
  private readonly facts: Map<string, DayFact>;
  private readonly regimes: readonly Regime[];
  private readonly coverage?: { fromYear: number; toYear: number };

  constructor(def: CalendarDefinition) {
    assertTimeZone(def.timeZone);
    assertRegimes(def.regimes);
    if (!def.weekend.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) throw new CalendarDataError(`weekend days must be 0…6: ${def.weekend.join(',')}`);
    this.id = def.id;
    this.country = def.country;
    this.timeZone = def.timeZone;
    this.version = def.version;
    this.weekend = new Set(def.weekend);
    this.facts = indexDayFacts(def.days);
    this.regimes = [...def.regimes];
    this.coverage = def.coverage;
  }

  day(date: string): CalendarDay {
    if (!isLocalDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
    const fact = this.facts.get(date);
    const weekend = this.weekend.has(weekdayOf(date));
    if (fact?.holiday && this.inRegime('UA_MARTIAL_LAW', date)) {
      // Law 2136-IX Art. 6: Labour Code Arts. 53, 67 Parts 3–5 and 71–73 do not apply, so a holiday
      // (and the weekday its weekend occurrence would have made free) is an ordinary day; a
      // holiday on a Saturday or Sunday stays a weekend day, as weekends are not suspended.
      const regime = this.regimes.find((r) => r.rule === 'UA_MARTIAL_LAW' && this.covers(r, date))!;
      if (weekend) return { date, working: false, reason: `weekend (${fact.holiday}: holidays suspended under martial law, no day off carried over)`, source: regime.source };
      return { date, working: true, reason: `working day: martial law, Law 2136-IX Art. 6 (${fact.holiday})`, source: regime.source };
    }
    if (fact) return { date, working: fact.kind !== 'off', ...(fact.kind === 'short' ? { short: true } : {}), reason: fact.reason, source: fact.source };
    const outside = this.coverage && (yearOf(date) < this.coverage.fromYear || yearOf(date) > this.coverage.toYear);
    const note = outside ? ` (no calendar data for ${yearOf(date)}: weekends only)` : '';
    return weekend ? { date, working: false, reason: `weekend${note}` } : { date, working: true, reason: `working day${note}` };
  }

  /** Whether the date has the calendar's facts behind it (false: only the weekend rule answered). */
  covered(date: string): boolean {
    return !this.coverage || (yearOf(date) >= this.coverage.fromYear && yearOf(date) <= this.coverage.toYear);
  }

  /** The regimes of the calendar, for the explanation and the console. */
  regimesInForce(date: string): Regime[] {
    return this.regimes.filter((r) => this.covers(r, date));
  }

  private inRegime(rule: RegimeRule, date: string): boolean {
    return this.regimes.some((r) => r.rule === rule && this.covers(r, date));
  }

  private covers(r: Regime, date: string): boolean {
    return date >= r.from && (r.to === undefined || date <= r.to);
  }
}
