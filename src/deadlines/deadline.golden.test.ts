import { seededCalendar } from './calendar-seed.mapper';
import { computeDeadline } from './deadline.calculator';
import type { ClockEvent, TermVariant } from './deadline.types';
import { LEGAL_PROFILES } from './legal-profile.config';

/**
 * Small tier. The golden table: received (or registered) dates across both countries and several
 * years, each with the due date computed by hand from the calendars (the comment above each row
 * says which days were skipped and why). The calculator computes every row; nothing here is its
 * output pasted back.
 */

const calendars = { UA: seededCalendar('UA', 'Europe/Kyiv'), RU: seededCalendar('RU', 'Europe/Moscow') };

interface Row {
  name: string;
  country: 'UA' | 'RU';
  profile: string;
  variant?: TermVariant;
  events: ClockEvent[];
  due: string;
  /** A reason that must appear among the explained days. */
  explains?: string;
}

const ua = (date: string, time = '10:00') => `${date}T${time}:00+${isSummer(date) ? '03' : '02'}:00`;
const ru = (date: string, time = '10:00') => `${date}T${time}:00+03:00`;
/** Kyiv is on summer time from the last Sunday of March to the last Sunday of October (close enough for the dates below). */
function isSummer(date: string): boolean {
  const md = date.slice(5);
  return md > '03-31' && md < '10-25';
}
const received = (at: string): ClockEvent => ({ kind: 'received', at });
const registered = (at: string): ClockEvent => ({ kind: 'registered', at });

const ROWS: Row[] = [
  // --- UA, appeals (Art. 20): calendar days / one month, rollover to the next working day ---
  // 2021-04-02 (Fri) + 1 month = 2021-05-02 (Sun, Easter). Rollover: 05-03 Mon is the carry-over of
  // Labour Day (Sat 05-01), 05-04 Tue the carry-over of Easter; 05-05 Wed is the first working day.
  {
    name: 'UA 2021, a month ending on Easter with two carry-over days',
    country: 'UA',
    profile: 'ua.appeals.art20',
    events: [received(ua('2021-04-02'))],
    due: '2021-05-05',
    explains: 'day off carried over from 2021-05-02 (Easter on a Sunday)',
  },
  // 2021-08-13 (Fri) + 15 = 2021-08-28: a Saturday, but a working one (the day off moved to Mon 08-23). No rollover.
  {
    name: 'UA 2021, 15 days ending on a working Saturday',
    country: 'UA',
    profile: 'ua.appeals.art20',
    variant: 'no-extra-study',
    events: [received(ua('2021-08-13'))],
    due: '2021-08-28',
    explains: 'working Saturday, shortened (day off moved to 2021-08-23)',
  },
  // 2021-06-05 (Sat) + 15 = 06-20 (Sun, Trinity). 06-21 Mon is Trinity's carry-over; 06-22 Tue.
  { name: 'UA 2021, 15 days ending on Trinity', country: 'UA', profile: 'ua.appeals.art20', variant: 'no-extra-study', events: [received(ua('2021-06-05'))], due: '2021-06-22' },
  // 2021-08-08 (Sun) + 15 = 08-23 (Mon): the Cabinet's transferred day off (worked on Sat 08-28);
  // 08-24 Tue Independence Day; 08-25 Wed.
  {
    name: 'UA 2021, 15 days ending on a transferred day off',
    country: 'UA',
    profile: 'ua.appeals.art20',
    variant: 'no-extra-study',
    events: [received(ua('2021-08-08'))],
    due: '2021-08-25',
    explains: 'transferred day off (from 2021-08-28)',
  },
  // 2021-12-12 (Sun) + 15 = 12-27 (Mon): carry-over of Christmas (Sat 12-25); 12-28 Tue.
  { name: 'UA 2021, 15 days ending on the Christmas carry-over', country: 'UA', profile: 'ua.appeals.art20', variant: 'no-extra-study', events: [received(ua('2021-12-12'))], due: '2021-12-28' },
  // 2022-02-21 (Mon) + 15 = 03-08 (Tue, Women's Day, before martial law: a holiday); 03-09 Wed.
  { name: 'UA 2022 before 15 March: 8 March is still a holiday', country: 'UA', profile: 'ua.appeals.art20', variant: 'no-extra-study', events: [received(ua('2022-02-21'))], due: '2022-03-09' },
  // 2022-04-10 (Sun) + 15 = 04-25 (Mon): Easter's carry-over, a working day under martial law. Due that day.
  {
    name: 'UA 2022 after 15 March: no carry-over of Easter',
    country: 'UA',
    profile: 'ua.appeals.art20',
    variant: 'no-extra-study',
    events: [received(ua('2022-04-10'))],
    due: '2022-04-25',
    explains: 'working day: martial law, Law 2136-IX Art. 6 (day off for Easter)',
  },
  // 2022-04-09 (Sat) + 1 month = 05-09 (Mon, Victory Day): a working day under martial law.
  {
    name: 'UA 2022, a month ending on Victory Day under martial law',
    country: 'UA',
    profile: 'ua.appeals.art20',
    events: [received(ua('2022-04-09'))],
    due: '2022-05-09',
    explains: 'working day: martial law, Law 2136-IX Art. 6 (Victory Day)',
  },
  // 2023-05-28 (Sun) + 1 month = 06-28 (Wed, Constitution Day): working under martial law.
  {
    name: 'UA 2023, a month ending on Constitution Day',
    country: 'UA',
    profile: 'ua.appeals.art20',
    events: [received(ua('2023-05-28'))],
    due: '2023-06-28',
    explains: 'working day: martial law, Law 2136-IX Art. 6 (Constitution Day)',
  },
  // 2024-07-24 (Wed) + 1 month = 08-24 (Sat, Independence Day): a weekend stays a day off; 08-25
  // Sun; 08-26 Mon is a working day (no carry-over under martial law).
  { name: 'UA 2024, a month ending on Independence Day on a Saturday', country: 'UA', profile: 'ua.appeals.art20', events: [received(ua('2024-07-24'))], due: '2024-08-26' },
  // 2025-01-31 (Fri) + 1 month: February has no 31st, so its last day, 2025-02-28 (Fri).
  { name: 'UA 2025, a month from the 31st ends on the last day of February', country: 'UA', profile: 'ua.appeals.art20', events: [received(ua('2025-01-31'))], due: '2025-02-28' },
  // 2025-06-13 (Fri) + 15 = 06-28 (Sat, Constitution Day): weekend; 06-29 Sun; 06-30 Mon.
  { name: 'UA 2025, 15 days ending on a Saturday holiday', country: 'UA', profile: 'ua.appeals.art20', variant: 'no-extra-study', events: [received(ua('2025-06-13'))], due: '2025-06-30' },

  // --- UA, public information (Art. 20): working days ---
  // 2021-12-22 (Wed): 23 Thu (1), 24 Fri (2), 25 Sat Christmas, 26 Sun, 27 Mon carry-over: skipped;
  // 28 Tue (3), 29 Wed (4), 30 Thu (5).
  {
    name: 'UA 2021 public information over Christmas',
    country: 'UA',
    profile: 'ua.public-info.art20',
    events: [received(ua('2021-12-22'))],
    due: '2021-12-30',
    explains: 'not counted: day off carried over from 2021-12-25 (Christmas on a Saturday)',
  },
  // 2021-10-12 (Tue): 13 Wed (1); 14 Thu Defenders' Day and 15 Fri transferred day off skipped;
  // 16–17 weekend; 18 Mon (2), 19 (3), 20 (4), 21 Thu (5).
  { name: 'UA 2021 public information over a transferred day off', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2021-10-12'))], due: '2021-10-21' },
  // 2021-10-19 (Tue): 20 (1), 21 (2), 22 Fri (3), 23 Sat is a working Saturday (4), 24 Sun skipped, 25 Mon (5).
  { name: 'UA 2021 public information counts a working Saturday', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2021-10-19'))], due: '2021-10-25' },
  // 2022-03-04 (Fri): 5–6 weekend; 7 Mon (1); 8 Tue holiday (before martial law) skipped; 9 (2),
  // 10 (3), 11 Fri (4); 12–13 weekend; 14 Mon (5).
  { name: 'UA 2022 public information before martial law', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2022-03-04'))], due: '2022-03-14' },
  // 2022-06-24 (Fri): 25–26 weekend; 27 Mon (1); 28 Tue Constitution Day is working (2); 29 (3), 30 (4), 07-01 Fri (5).
  { name: 'UA 2022 public information under martial law', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2022-06-24'))], due: '2022-07-01' },
  // 2023-09-28 (Thu): 29 Fri (1); 30 Sat, 10-01 Sun (Defenders' Day) weekend; 10-02 Mon (2) — no
  // carry-over; 3 (3), 4 (4), 5 Thu (5).
  { name: 'UA 2023 public information over Defenders’ Day on a Sunday', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2023-09-28'))], due: '2023-10-05' },
  // 2024-12-20 (Fri): 21–22 weekend; 23 Mon (1), 24 (2), 25 Wed Christmas is working (3), 26 (4), 27 Fri (5).
  { name: 'UA 2024 public information over Christmas under martial law', country: 'UA', profile: 'ua.public-info.art20', events: [received(ua('2024-12-20'))], due: '2024-12-27' },
  // 2024-08-19 (Mon), extended by 15 to 20 working days: 20–23 (1–4); 24 Sat Independence Day, 25
  // Sun; 26 Mon (5; no carry-over); 27–30 (6–9); 09-02…06 (10–14); 09-09…13 (15–19); 09-16 Mon (20).
  {
    name: 'UA 2024 public information extended to 20 working days',
    country: 'UA',
    profile: 'ua.public-info.art20',
    events: [received(ua('2024-08-19')), { kind: 'extended', at: ua('2024-08-21'), days: 15, reason: 'a large volume of information' }],
    due: '2024-09-16',
  },
  // 2024-08-23 16:30 Kyiv + 48 clock hours = 2024-08-25 16:30 (a Sunday: hours ignore the calendar).
  { name: 'UA 2024 public information, urgent: 48 hours', country: 'UA', profile: 'ua.public-info.art20', variant: 'urgent', events: [received(ua('2024-08-23', '16:30'))], due: '2024-08-25' },

  // --- RU, 59-ФЗ: 30 calendar days from registration, rollover to the next working day ---
  // 2024-03-29 (Fri) + 30 = 04-28 (Sun). 04-29 Mon (moved from Sat 04-27), 04-30 Tue (moved from
  // Sat 11-02), 05-01 Wed holiday: skipped; 05-02 Thu.
  {
    name: 'RU 2024, ending before the May holidays',
    country: 'RU',
    profile: 'ru.59-fz',
    events: [registered(ru('2024-03-29'))],
    due: '2024-05-02',
    explains: "not counted: transferred day off (from 2024-04-27) (the term's end moves on)",
  },
  // 2024-03-28 (Thu) + 30 = 04-27: a working Saturday (the day off moved to 04-29). No rollover.
  {
    name: 'RU 2024, ending on the working Saturday 27 April',
    country: 'RU',
    profile: 'ru.59-fz',
    events: [registered(ru('2024-03-28'))],
    due: '2024-04-27',
    explains: 'working Saturday (day off moved to 2024-04-29)',
  },
  // 2024-04-10 (Wed) + 30 = 05-10 (Fri, moved from 01-06); 11–12 weekend; 05-13 Mon.
  { name: 'RU 2024, ending on 10 May', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2024-04-10'))], due: '2024-05-13' },
  // 2024-11-28 (Thu) + 30 = 12-28: a working Saturday (the day off moved to 12-30).
  { name: 'RU 2024, ending on the working Saturday 28 December', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2024-11-28'))], due: '2024-12-28' },
  // 2024-11-30 (Sat) + 30 = 12-30 (Mon, moved from 12-28); 12-31 (moved from 01-07); 2025-01-01…08
  // New Year holidays and Christmas; 2025-01-09 Thu.
  { name: 'RU 2024→2025, across the New Year holidays', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2024-11-30'))], due: '2025-01-09' },
  // 2023-12-09 (Sat) + 30 = 2024-01-08 (Mon, New Year holidays); 01-09 Tue.
  { name: 'RU 2024, ending on 8 January', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2023-12-09'))], due: '2024-01-09' },
  // 2021-10-06 (Wed) + 30 = 11-05 (Fri, moved from 01-02); 6–7 weekend; 11-08 Mon.
  {
    name: 'RU 2021, ending on 5 November (moved from 2 January)',
    country: 'RU',
    profile: 'ru.59-fz',
    events: [registered(ru('2021-10-06'))],
    due: '2021-11-08',
    explains: 'transferred day off (from 2021-01-02, New Year holidays)',
  },
  // 2021-01-21 (Thu) + 30 = 02-20: a working Saturday (short; the day off moved to 02-22).
  { name: 'RU 2021, ending on the working Saturday 20 February', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2021-01-21'))], due: '2021-02-20' },
  // 2021-01-23 (Sat) + 30 = 02-22 (Mon, moved from 02-20); 02-23 holiday; 02-24 Wed.
  { name: 'RU 2021, ending on 22 February', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2021-01-23'))], due: '2021-02-24' },
  // 2022-12-08 (Thu) + 30 = 2023-01-07 (Sat, Christmas); 01-08 Sun (New Year holidays); 01-09 Mon.
  { name: 'RU 2023, ending on Christmas', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2022-12-08'))], due: '2023-01-09' },
  // 2023-01-25 (Wed) + 30 = 02-24 (Fri, moved from 01-01); 25–26 weekend; 02-27 Mon.
  { name: 'RU 2023, ending on 24 February (moved from 1 January)', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2023-01-25'))], due: '2023-02-27' },
  // 2023-04-08 (Sat) + 30 = 05-08 (Mon, moved from 01-08); 05-09 Victory Day; 05-10 Wed.
  { name: 'RU 2023, ending on 8 May', country: 'RU', profile: 'ru.59-fz', events: [registered(ru('2023-04-08'))], due: '2023-05-10' },
  // 2024-03-01 (Fri) + 30 = 03-31 (Sun) → original due 04-01 Mon; extended by 30: + 60 = 04-30
  // (Tue, moved from 11-02); 05-01 holiday; 05-02 Thu.
  {
    name: 'RU 2024, extended by 30 days',
    country: 'RU',
    profile: 'ru.59-fz',
    events: [registered(ru('2024-03-01')), { kind: 'extended', at: ru('2024-03-25'), days: 30, reason: 'an inspection is needed' }],
    due: '2024-05-02',
  },
  // As above, asked for 45 more days: capped at 30 (Art. 12 Part 2), so again 05-02.
  {
    name: 'RU 2024, an extension beyond 30 days is capped',
    country: 'RU',
    profile: 'ru.59-fz',
    events: [registered(ru('2024-03-01')), { kind: 'extended', at: ru('2024-03-25'), days: 45, reason: 'an inspection is needed' }],
    due: '2024-05-02',
  },
  // UA appeals, 2023-03-01 (Wed) + 1 month = 04-01 (Sat) → original due 04-03 Mon; extended until
  // 04-30 (60 days) → capped at 45 days: 04-15 (Sat); 04-16 Sun (Easter); 04-17 Mon, a working day
  // under martial law (no carry-over).
  {
    name: 'UA 2023 appeal, an extension beyond 45 days in total is capped',
    country: 'UA',
    profile: 'ua.appeals.art20',
    events: [received(ua('2023-03-01')), { kind: 'extended', at: ua('2023-03-20'), until: '2023-04-30', reason: 'a site visit is needed' }],
    due: '2023-04-17',
  },
  // UA 15 days, 2025-03-03 (Mon) 10:00, paused Wed 03-05 14:00 → Mon 03-10 09:00. Whole days in the
  // pause: 03-06…03-09 (4, not counted). Counted: 03-04 (1), 03-05 (2), 03-10 (3) … 03-22 Sat (15);
  // rollover: 03-23 Sun; 03-24 Mon.
  {
    name: 'UA 2025, a pause credits the whole days it covers',
    country: 'UA',
    profile: 'ua.appeals.art20',
    variant: 'no-extra-study',
    events: [received(ua('2025-03-03')), { kind: 'paused', at: ua('2025-03-05', '14:00'), reason: 'waiting for the applicant' }, { kind: 'resumed', at: ua('2025-03-10', '09:00') }],
    due: '2025-03-24',
    explains: 'not counted: paused all day (waiting for the applicant)',
  },
  // UA public information, 2025-03-03 (Mon), paused Tue 12:00 → Thu 08:00: only 03-05 is a whole
  // paused day. 03-04 (1); 03-05 paused; 03-06 (2), 03-07 (3); weekend; 03-10 (4), 03-11 Tue (5).
  {
    name: 'UA 2025, a pause in working days',
    country: 'UA',
    profile: 'ua.public-info.art20',
    events: [received(ua('2025-03-03')), { kind: 'paused', at: ua('2025-03-04', '12:00'), reason: 'clarification asked' }, { kind: 'resumed', at: ua('2025-03-06', '08:00') }],
    due: '2025-03-11',
  },
];

describe('deadline golden table', () => {
  const now = new Date('2030-01-01T00:00:00Z');

  it('has rows for both countries and at least 25 in all', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ROWS.map((r) => r.country))).toEqual(new Set(['UA', 'RU']));
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const result = computeDeadline(LEGAL_PROFILES[row.profile], row.variant ?? 'standard', row.events, calendars[row.country], now);
    expect(result.dueDate).toBe(row.due);
    expect(result.days.length).toBeGreaterThan(0);
    for (const d of result.days) expect(d.reason).toMatch(/\S/);
    if (row.explains) expect(result.days.map((d) => d.reason).join('\n')).toContain(row.explains);
  });
});
