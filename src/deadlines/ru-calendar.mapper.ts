import { CalendarDataError, indexDayFacts, type DayFact, type DayKind } from './business-calendar.model';
import ruData from './data/ru-production-calendar.json';
import { addDays, weekdayOf } from './local-date.codec';

/**
 * Russia's production calendar from the vendored, pinned copy of xmlcalendar/data
 * (`data/ru-production-calendar.json`, made by `test/tools/xmlcalendar.derive.ts`), checked with
 * invariants before any tenant is seeded from it. Pure.
 */

interface RuYear {
  path: string;
  commit: string;
  dataDate: string;
  days: { date: string; kind: DayKind; reason: string; xml: string }[];
  notes?: string[];
}
export const RU_PRODUCTION_CALENDAR = ruData as { source: { repo: string }; years: Record<string, RuYear> };

/** Labour Code of the Russian Federation Art. 112 Part 1: non-working holidays by fixed date. */
export const RU_FIXED_HOLIDAYS = ['01-01', '01-02', '01-03', '01-04', '01-05', '01-06', '01-07', '01-08', '02-23', '03-08', '05-01', '05-09', '06-12', '11-04'];

/**
 * A year has about 247 working days (247–248 for every year 2013–2027). Days off by presidential
 * decree (the 2020 and 2021 "non-working days with pay") are counted as working for this bound,
 * since they are emergency measures, not the production calendar.
 */
export const RU_WORKING_DAYS_BOUNDS = { min: 245, max: 251 };

/** Counts a year's working days: weekdays, minus weekday days off, plus working weekend days. */
export function workingDaysInYear(year: number, days: readonly { date: string; kind: DayKind; reason: string }[], countDecreesAsWorking = false): number {
  const byDate = new Map(days.map((d) => [d.date, d]));
  let n = 0;
  for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) {
    const fact = byDate.get(d);
    const weekend = weekdayOf(d) === 0 || weekdayOf(d) === 6;
    const decree = fact?.kind === 'off' && fact.reason.startsWith('non-working day by Decree');
    if (fact ? fact.kind !== 'off' || (decree && countDecreesAsWorking && !weekend) : !weekend) n++;
  }
  return n;
}

/** Checks one year of the vendored data; throws a CalendarDataError naming the first broken invariant. */
export function validateRuYear(year: number, y: RuYear): void {
  const facts = y.days.map((d) => ({ ...d, source: y.commit }));
  indexDayFacts(facts);
  for (const d of y.days) if (!d.date.startsWith(`${year}-`)) throw new CalendarDataError(`RU ${year}: ${d.date} is in another year`);
  const byDate = new Map(y.days.map((d) => [d.date, d]));
  for (const md of RU_FIXED_HOLIDAYS) {
    if (byDate.get(`${year}-${md}`)?.kind !== 'off') throw new CalendarDataError(`RU ${year}: the holiday ${md} is not a day off`);
  }
  for (const d of y.days) {
    const weekend = weekdayOf(d.date) === 0 || weekdayOf(d.date) === 6;
    if (d.kind === 'working' && !weekend) throw new CalendarDataError(`RU ${year}: ${d.date} is a weekday marked as a working weekend day`);
  }
  const n = workingDaysInYear(year, y.days, true);
  if (n < RU_WORKING_DAYS_BOUNDS.min || n > RU_WORKING_DAYS_BOUNDS.max)
    throw new CalendarDataError(`RU ${year}: ${n} working days, outside ${RU_WORKING_DAYS_BOUNDS.min}–${RU_WORKING_DAYS_BOUNDS.max}`);
}

/** The years the vendored data covers. */
export function ruCoverage(): { fromYear: number; toYear: number } {
  const years = Object.keys(RU_PRODUCTION_CALENDAR.years).map(Number);
  return { fromYear: Math.min(...years), toYear: Math.max(...years) };
}

/** Every day fact of the vendored RU data, each with its provenance; validated year by year first. */
export function ruDayFacts(): DayFact[] {
  const out: DayFact[] = [];
  for (const [year, y] of Object.entries(RU_PRODUCTION_CALENDAR.years)) {
    validateRuYear(Number(year), y);
    const source = `${RU_PRODUCTION_CALENDAR.source.repo} ${y.path} at ${y.commit} (${y.dataDate})`;
    for (const d of y.days) out.push({ date: d.date, kind: d.kind, reason: d.reason, source });
  }
  return out;
}
