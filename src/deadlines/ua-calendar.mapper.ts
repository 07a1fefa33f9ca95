import { CalendarDataError, type DayFact, type Regime } from './business-calendar.model';
import transfersData from './data/ua-cabinet-transfers.json';
import { addDays, weekdayOf } from './local-date.codec';

/**
 * Ukraine's calendar facts from our own rules (Labour Code Art. 73 holidays, Art. 67 Part 3
 * carry-over) plus the Cabinet's recommended transfers of 2015–2022 from pinned xmlcalendar data,
 * and the martial-law regime on top. Pure.
 */

/** Orthodox Easter Sunday (Gregorian date) by Meeus' Julian algorithm; valid 1900–2099 (+13 days). */
export function orthodoxEaster(year: number): string {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  const julian = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return addDays(julian, 13);
}

/** A holiday rule: a date in the year (or none), its English name, and how sure we are of it. */
interface HolidayRule {
  name: string;
  date: (year: number) => string | undefined;
  /** Where the rule comes from; `assumed` marks a date of change we could not check against the law's text. */
  source: string;
}

const fixed =
  (md: string, fromYear = 0, toYear = 9999) =>
  (year: number) =>
    year >= fromYear && year <= toYear ? `${year}-${md}` : undefined;
const ART73 = 'Labour Code of Ukraine Art. 73';

/**
 * Art. 73 as it stood in each year. Changes we are sure of: 2 May ceased and 25 December became a
 * holiday from 2017/2018 (Law No. 2211-VIII of 16.11.2017: 25 Dec already in 2017, 2 May last in
 * 2017); Defenders' Day is on 14 October from 2015. The 2023 changes (7 January no longer a
 * holiday, 9 May → 8 May, Statehood Day 28 July → 15 July, 14 October → 1 October) and Statehood
 * Day's addition in 2022 are marked assumed: their exact first years are taken from the brief, not
 * from the law's text. Under martial law they change only the names in the explanations.
 */
const HOLIDAYS: HolidayRule[] = [
  { name: "New Year's Day", date: fixed('01-01'), source: ART73 },
  { name: 'Christmas (Julian calendar)', date: fixed('01-07', 0, 2023), source: `${ART73} (until 2023: assumed last year)` },
  { name: "International Women's Day", date: fixed('03-08'), source: ART73 },
  { name: 'Easter', date: (y) => orthodoxEaster(y), source: `${ART73} (Orthodox Easter)` },
  { name: 'Trinity', date: (y) => addDays(orthodoxEaster(y), 49), source: `${ART73} (Easter + 49 days)` },
  { name: 'Labour Day', date: fixed('05-01'), source: ART73 },
  { name: 'Labour Day (second day)', date: fixed('05-02', 0, 2017), source: `${ART73} (until 2017, Law No. 2211-VIII)` },
  { name: 'Victory Day', date: fixed('05-09', 0, 2022), source: `${ART73} (until 2022: assumed last year)` },
  { name: 'Day of Remembrance and Victory', date: fixed('05-08', 2023), source: `${ART73} (from 2023: assumed first year)` },
  { name: 'Constitution Day', date: fixed('06-28'), source: ART73 },
  { name: 'Statehood Day', date: fixed('07-28', 2022, 2023), source: `${ART73} (2022–2023: assumed)` },
  { name: 'Statehood Day', date: fixed('07-15', 2024), source: `${ART73} (from 2024: assumed first year)` },
  { name: 'Independence Day', date: fixed('08-24'), source: ART73 },
  { name: "Defenders' Day", date: fixed('10-14', 2015, 2022), source: `${ART73} (2015–2022)` },
  { name: "Defenders' Day", date: fixed('10-01', 2023), source: `${ART73} (from 2023: assumed first year)` },
  { name: 'Christmas', date: fixed('12-25', 2017), source: `${ART73} (from 2017, Law No. 2211-VIII)` },
];

/** The holidays of a year, by date (Easter and Labour Day 2016 share 1 May: one date, both names). */
export function uaHolidays(year: number): Map<string, { name: string; source: string }> {
  const out = new Map<string, { name: string; source: string }>();
  for (const rule of HOLIDAYS) {
    const date = rule.date(year);
    if (!date || !date.startsWith(`${year}-`)) continue;
    const seen = out.get(date);
    out.set(date, seen ? { name: `${seen.name} and ${rule.name}`, source: `${seen.source}; ${rule.source}` } : { name: rule.name, source: rule.source });
  }
  return out;
}

const isWeekend = (date: string) => weekdayOf(date) === 0 || weekdayOf(date) === 6;
const dayName = (date: string) => (weekdayOf(date) === 6 ? 'Saturday' : 'Sunday');

/** The pinned transfers file, typed. */
interface TransfersYear {
  path: string;
  commit: string;
  dataDate: string;
  transfers: { off: string; working: string; short?: boolean }[];
  carryOvers: string[];
  notes?: string[];
}
export const UA_TRANSFERS = transfersData as { source: { repo: string }; years: Record<string, TransfersYear> };

/** Law 2136-IX «Про організацію трудових відносин в умовах воєнного стану», in force from this date (as the brief and python-holidays use it). */
export const UA_MARTIAL_LAW: Regime = {
  rule: 'UA_MARTIAL_LAW',
  from: '2022-03-15',
  source: 'Law of Ukraine No. 2136-IX of 15.03.2022, Art. 6 (Labour Code Arts. 53, 67 Parts 3–5, 71–73 do not apply under martial law)',
};

/** Years the UA rules are seeded for (the rules themselves hold for any year the Easter algorithm does). */
export const UA_SEED_YEARS = { fromYear: 2015, toYear: 2035 };

/**
 * The day facts of Ukraine for the years: holidays; their carry-over to the next working day when
 * they fall on a Saturday or Sunday (Art. 67 Part 3, in force since 1999; two weekend holidays in
 * a row carry to two weekdays, as 1–2 May 2021 did to 3–4 May); the Cabinet's transfers for
 * 2015–2022. Both holidays and carry-overs carry `holiday`, so the martial-law regime can lift them.
 */
export function uaDayFacts(fromYear = UA_SEED_YEARS.fromYear, toYear = UA_SEED_YEARS.toYear): DayFact[] {
  const facts = new Map<string, DayFact>();
  for (let year = fromYear; year <= toYear; year++) {
    const holidays = uaHolidays(year);
    for (const [date, h] of holidays) facts.set(date, { date, kind: 'off', reason: `public holiday: ${h.name}`, holiday: h.name, source: h.source });
    for (const [date, h] of [...holidays].sort(([a], [b]) => a.localeCompare(b))) {
      if (!isWeekend(date)) continue;
      let carry = addDays(date, 1);
      while (isWeekend(carry) || facts.has(carry) || holidays.has(carry)) carry = addDays(carry, 1);
      facts.set(carry, {
        date: carry,
        kind: 'off',
        reason: `day off carried over from ${date} (${h.name} on a ${dayName(date)})`,
        holiday: `day off for ${h.name}`,
        source: 'Labour Code of Ukraine Art. 67 Part 3',
      });
    }
    const pinned = UA_TRANSFERS.years[String(year)];
    for (const t of pinned?.transfers ?? []) {
      // A transfer onto a holiday or a carry-over day would be a data error, not a choice to make silently.
      for (const d of [t.off, t.working]) if (facts.has(d)) throw new CalendarDataError(`UA ${year}: the transfer ${t.off} ⇄ ${t.working} falls on ${d}, already ${facts.get(d)!.reason}`);
      if (!isWeekend(t.working) || isWeekend(t.off)) throw new CalendarDataError(`UA ${year}: the transfer ${t.off} ⇄ ${t.working} must move a weekday off to a Saturday or Sunday`);
      const source = `Cabinet of Ministers' recommended transfer, from ${UA_TRANSFERS.source.repo} ${pinned.path} at ${pinned.commit}`;
      facts.set(t.off, { date: t.off, kind: 'off', reason: `transferred day off (from ${t.working})`, source });
      facts.set(t.working, { date: t.working, kind: t.short ? 'short' : 'working', reason: `working ${dayName(t.working)}${t.short ? ', shortened' : ''} (day off moved to ${t.off})`, source });
    }
  }
  return [...facts.values()].sort((a, b) => a.date.localeCompare(b.date));
}
