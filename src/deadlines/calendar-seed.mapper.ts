import { FactsBusinessCalendar, type DayFact, type Regime } from './business-calendar.model';
import { RU_PRODUCTION_CALENDAR, ruCoverage, ruDayFacts } from './ru-calendar.mapper';
import { UA_MARTIAL_LAW, UA_SEED_YEARS, UA_TRANSFERS, uaDayFacts } from './ua-calendar.mapper';

/** What a new tenant calendar starts from: the vendored data of its country, with where each part came from. */
export interface CalendarSeed {
  country: 'UA' | 'RU';
  weekend: number[];
  days: DayFact[];
  regimes: Regime[];
  /** Stored in `calendar.provenance`; `coverage` is read back when the calendar is loaded. */
  provenance: { coverage: { fromYear: number; toYear: number } } & Record<string, unknown>;
}

/** Facts we took from the brief or from memory rather than from a law's text or the pinned data. */
export const UA_ASSUMED = [
  'The 2023 holiday changes (7 January no longer a holiday; 9 May → 8 May; Statehood Day 28 July → 15 July; Defenders’ Day 14 October → 1 October) take effect in the years given in ua-calendar.mapper.ts; under martial law they change only names in explanations.',
  'Statehood Day (28 July) is a holiday from 2022.',
  'The martial-law regime starts on 2022-03-15 (the date of Law 2136-IX) and stays in force until a `to` date is set.',
];

/** The seed of a country's calendar (pure; validated: a bad vendored year throws CalendarDataError). */
export function seedFor(country: 'UA' | 'RU'): CalendarSeed {
  if (country === 'RU') {
    const years = Object.fromEntries(Object.entries(RU_PRODUCTION_CALENDAR.years).map(([y, v]) => [y, { path: v.path, commit: v.commit, dataDate: v.dataDate }]));
    return {
      country,
      weekend: [0, 6],
      days: ruDayFacts(),
      regimes: [],
      provenance: { coverage: ruCoverage(), source: RU_PRODUCTION_CALENDAR.source.repo, file: 'src/deadlines/data/ru-production-calendar.json', years },
    };
  }
  const transfers = Object.fromEntries(Object.entries(UA_TRANSFERS.years).map(([y, v]) => [y, { path: v.path, commit: v.commit, dataDate: v.dataDate }]));
  return {
    country,
    weekend: [0, 6],
    days: uaDayFacts(UA_SEED_YEARS.fromYear, UA_SEED_YEARS.toYear),
    regimes: [UA_MARTIAL_LAW],
    provenance: {
      coverage: UA_SEED_YEARS,
      rules: 'Labour Code of Ukraine Art. 73 (holidays), Art. 67 Part 3 (carry-over); Law 2136-IX Art. 6 (martial law)',
      transfers: { source: UA_TRANSFERS.source.repo, file: 'src/deadlines/data/ua-cabinet-transfers.json', years: transfers },
      assumed: UA_ASSUMED,
    },
  };
}

/**
 * A calendar straight from the vendored data, without the database: for tests, tools and a
 * tenant that has no stored calendar yet (version 0 marks it as not stored).
 */
export function seededCalendar(country: 'UA' | 'RU', timeZone: string, id = `seed:${country}`, version = 0): FactsBusinessCalendar {
  const seed = seedFor(country);
  return new FactsBusinessCalendar({ id, country, timeZone, version, weekend: seed.weekend, days: seed.days, regimes: seed.regimes, coverage: seed.provenance.coverage });
}
