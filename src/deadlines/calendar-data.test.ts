import { seededCalendar } from './calendar-seed.mapper';
import { RU_PRODUCTION_CALENDAR, RU_WORKING_DAYS_BOUNDS, validateRuYear, workingDaysInYear } from './ru-calendar.mapper';
import { UA_TRANSFERS, orthodoxEaster, uaDayFacts, uaHolidays } from './ua-calendar.mapper';

/** Small tier: the vendored data and our own rules, checked against invariants and facts known by hand. */
describe('RU production calendar (vendored from xmlcalendar/data)', () => {
  const years = Object.entries(RU_PRODUCTION_CALENDAR.years);
  const ru = seededCalendar('RU', 'Europe/Moscow');

  it('covers 2013–2027, each year pinned to a commit', () => {
    expect(years.map(([y]) => Number(y))).toEqual(Array.from({ length: 15 }, (_, i) => 2013 + i));
    for (const [y, v] of years) {
      expect(v.path).toBe(`ru/${y}/calendar.xml`);
      expect(v.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it.each(years)('%s passes the invariants (no date both off and working, fixed holidays off, working days within bounds)', (y, v) => {
    expect(() => validateRuYear(Number(y), v)).not.toThrow();
    const n = workingDaysInYear(Number(y), v.days, true);
    expect(n).toBeGreaterThanOrEqual(RU_WORKING_DAYS_BOUNDS.min);
    expect(n).toBeLessThanOrEqual(RU_WORKING_DAYS_BOUNDS.max);
  });

  it('has the working-day counts of the published production calendars (2027 not checked: not known by hand)', () => {
    // Known by hand from the published calendars: 248 in 2020 and 2024, 247 in the other years
    // (2020 and 2021 before the presidential non-working days, which leave 219 and 240).
    const published: Record<string, number> = {
      2013: 247,
      2014: 247,
      2015: 247,
      2016: 247,
      2017: 247,
      2018: 247,
      2019: 247,
      2020: 248,
      2021: 247,
      2022: 247,
      2023: 247,
      2024: 248,
      2025: 247,
      2026: 247,
    };
    for (const [y, n] of Object.entries(published)) expect([y, workingDaysInYear(Number(y), RU_PRODUCTION_CALENDAR.years[y].days, true)]).toEqual([y, n]);
    expect(workingDaysInYear(2020, RU_PRODUCTION_CALENDAR.years['2020'].days)).toBe(219);
    expect(workingDaysInYear(2021, RU_PRODUCTION_CALENDAR.years['2021'].days)).toBe(240);
  });

  it('2021: 2 Jan → 5 Nov, 3 Jan → 31 Dec, Saturday 20 Feb working → 22 Feb off', () => {
    expect(ru.day('2021-11-05')).toMatchObject({ working: false, reason: 'transferred day off (from 2021-01-02, New Year holidays)' });
    expect(ru.day('2021-12-31')).toMatchObject({ working: false, reason: 'transferred day off (from 2021-01-03, New Year holidays)' });
    expect(ru.day('2021-02-20')).toMatchObject({ working: true, short: true });
    expect(ru.day('2021-02-22')).toMatchObject({ working: false, reason: 'transferred day off (from 2021-02-20)' });
  });

  it('2024: working Saturdays 27 Apr, 2 Nov, 28 Dec; days off 29–30 Apr, 10 May, 30–31 Dec (written only as f= sources in the pinned version)', () => {
    for (const d of ['2024-04-27', '2024-11-02', '2024-12-28']) expect(ru.day(d).working).toBe(true);
    for (const d of ['2024-04-29', '2024-04-30', '2024-05-10', '2024-12-30', '2024-12-31']) expect(ru.day(d).working).toBe(false);
    expect(ru.day('2024-04-27').reason).toBe('working Saturday (day off moved to 2024-04-29)');
    expect(ru.day('2024-12-28').reason).toBe('working Saturday (day off moved to 2024-12-30)');
  });

  it('names the presidential decrees of the non-working days of 2020 and 2021', () => {
    expect(ru.day('2020-04-15').reason).toBe('non-working day by Decree of the President of Russia of 02.04.2020 No. 239');
    expect(ru.day('2021-11-01').reason).toBe('non-working day by Decree of the President of Russia of 20.10.2021 No. 595');
  });
});

describe('UA calendar (own rules + pinned Cabinet transfers)', () => {
  it('computes Orthodox Easter', () => {
    expect(['2015', '2016', '2021', '2022', '2023', '2024', '2025'].map((y) => orthodoxEaster(Number(y)))).toEqual([
      '2015-04-12',
      '2016-05-01',
      '2021-05-02',
      '2022-04-24',
      '2023-04-16',
      '2024-05-05',
      '2025-04-20',
    ]);
  });

  it('follows Art. 73 as it changed: 2 May until 2017, 25 December from 2017, the 2023 changes', () => {
    expect(uaHolidays(2017).has('2017-05-02')).toBe(true);
    expect(uaHolidays(2018).has('2018-05-02')).toBe(false);
    expect(uaHolidays(2016).has('2016-12-25')).toBe(false);
    expect(uaHolidays(2017).get('2017-12-25')?.name).toBe('Christmas');
    expect(uaHolidays(2016).get('2016-05-01')?.name).toBe('Easter and Labour Day');
    expect(uaHolidays(2024).has('2024-01-07')).toBe(false);
    expect(uaHolidays(2024).get('2024-10-01')?.name).toBe("Defenders' Day");
  });

  it('carries weekend holidays over exactly where the pinned data does (2015–2022), and adds what the data misses', () => {
    const carried = new Set(
      uaDayFacts(2015, 2022)
        .filter((d) => d.reason.startsWith('day off carried over'))
        .map((d) => d.date),
    );
    const inData = Object.values(UA_TRANSFERS.years).flatMap((y) => y.carryOvers);
    expect(inData.filter((d) => !carried.has(d))).toEqual([]);
    // The 2022 file has no Easter or Trinity (its notes say so).
    expect([...carried].filter((d) => !inData.includes(d))).toEqual(['2022-04-25', '2022-06-13']);
  });

  it('applies the Cabinet transfers before the war and martial law after 2022-03-15', () => {
    const cal = seededCalendar('UA', 'Europe/Kyiv');
    expect(cal.day('2021-01-08')).toMatchObject({ working: false, reason: 'transferred day off (from 2021-01-16)' });
    expect(cal.day('2021-01-16')).toMatchObject({ working: true, reason: 'working Saturday (day off moved to 2021-01-08)' });
    expect(cal.day('2022-01-03')).toMatchObject({ working: false });
    expect(cal.day('2022-03-08')).toMatchObject({ working: false });
    // bilopillia.city / Держпраці: 25 April, 2 May and 9 May 2022 were working days.
    for (const d of ['2022-04-25', '2022-05-02', '2022-05-09']) expect(cal.day(d).working).toBe(true);
    expect(cal.day('2024-08-24')).toMatchObject({ working: false });
    expect(cal.day('2024-08-26')).toMatchObject({ working: true, reason: 'working day: martial law, Law 2136-IX Art. 6 (day off for Independence Day)' });
  });
});
