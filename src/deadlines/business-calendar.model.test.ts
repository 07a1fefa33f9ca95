import { CalendarDataError, FactsBusinessCalendar, type CalendarDefinition } from './business-calendar.model';

/** Small tier: the precedence rules of the calendar, on hand-made facts. */
describe('FactsBusinessCalendar', () => {
  const def = (over: Partial<CalendarDefinition> = {}): CalendarDefinition => ({ id: 'c', country: 'RU', timeZone: 'Europe/Moscow', version: 1, weekend: [0, 6], days: [], regimes: [], ...over });

  it('answers weekdays and weekends by the weekend set', () => {
    const cal = new FactsBusinessCalendar(def());
    expect(cal.day('2024-04-26')).toEqual({ date: '2024-04-26', working: true, reason: 'working day' });
    expect(cal.day('2024-04-28')).toEqual({ date: '2024-04-28', working: false, reason: 'weekend' });
  });

  it('lets an explicit fact beat the weekday: a working Saturday, a weekday off, a shortened day', () => {
    const cal = new FactsBusinessCalendar(
      def({
        days: [
          { date: '2024-04-27', kind: 'working', reason: 'working Saturday (day off moved to 2024-04-29)', source: 's' },
          { date: '2024-04-29', kind: 'off', reason: 'transferred day off (from 2024-04-27)', source: 's' },
          { date: '2024-11-02', kind: 'short', reason: 'working Saturday, shortened', source: 's' },
        ],
      }),
    );
    expect(cal.day('2024-04-27')).toMatchObject({ working: true, reason: 'working Saturday (day off moved to 2024-04-29)', source: 's' });
    expect(cal.day('2024-04-29')).toMatchObject({ working: false });
    expect(cal.day('2024-11-02')).toMatchObject({ working: true, short: true });
  });

  it('rejects, when loading, a date that is both a day off and a working day (jmix #1461)', () => {
    const days = [
      { date: '2024-05-01', kind: 'off' as const, reason: 'public holiday: Spring and Labour Day', source: 'a' },
      { date: '2024-05-01', kind: 'working' as const, reason: 'working day', source: 'b' },
    ];
    expect(() => new FactsBusinessCalendar(def({ days }))).toThrow(CalendarDataError);
    expect(() => new FactsBusinessCalendar(def({ days }))).toThrow(/both a day off .* and a working day/);
  });

  it('rejects bad dates, kinds, regimes, weekend days and time zones', () => {
    expect(() => new FactsBusinessCalendar(def({ days: [{ date: '2023-02-29', kind: 'off', reason: 'x', source: 's' }] }))).toThrow(CalendarDataError);
    expect(() => new FactsBusinessCalendar(def({ days: [{ date: '2023-02-28', kind: 'holiday' as never, reason: 'x', source: 's' }] }))).toThrow(CalendarDataError);
    expect(() => new FactsBusinessCalendar(def({ regimes: [{ rule: 'UA_MARTIAL_LAW', from: '2022-03-15', to: '2022-01-01', source: 's' }] }))).toThrow(CalendarDataError);
    expect(() => new FactsBusinessCalendar(def({ weekend: [7] }))).toThrow(CalendarDataError);
    expect(() => new FactsBusinessCalendar(def({ timeZone: 'Europe/Atlantis' }))).toThrow(/time zone/);
  });

  describe('the UA martial-law regime', () => {
    const days = [
      { date: '2022-03-08', kind: 'off' as const, reason: "public holiday: International Women's Day", holiday: "International Women's Day", source: 'Art. 73' },
      { date: '2022-06-28', kind: 'off' as const, reason: 'public holiday: Constitution Day', holiday: 'Constitution Day', source: 'Art. 73' },
      { date: '2022-04-24', kind: 'off' as const, reason: 'public holiday: Easter', holiday: 'Easter', source: 'Art. 73' },
      { date: '2022-04-25', kind: 'off' as const, reason: 'day off carried over from 2022-04-24 (Easter on a Sunday)', holiday: 'day off for Easter', source: 'Art. 67' },
      { date: '2023-05-15', kind: 'off' as const, reason: 'day off: city day', source: 'council decision' },
    ];
    const regime = { rule: 'UA_MARTIAL_LAW' as const, from: '2022-03-15', source: 'Law 2136-IX' };

    it('turns holidays and their carry-over days into working days from 2022-03-15, with the reason', () => {
      const cal = new FactsBusinessCalendar(def({ country: 'UA', timeZone: 'Europe/Kyiv', days, regimes: [regime] }));
      expect(cal.day('2022-03-08')).toMatchObject({ working: false, reason: "public holiday: International Women's Day" });
      expect(cal.day('2022-06-28')).toEqual({ date: '2022-06-28', working: true, reason: 'working day: martial law, Law 2136-IX Art. 6 (Constitution Day)', source: 'Law 2136-IX' });
      expect(cal.day('2022-04-25')).toMatchObject({ working: true, reason: 'working day: martial law, Law 2136-IX Art. 6 (day off for Easter)' });
    });

    it('keeps weekends and a tenant’s own days off (not holidays) as days off', () => {
      const cal = new FactsBusinessCalendar(def({ country: 'UA', timeZone: 'Europe/Kyiv', days, regimes: [regime] }));
      expect(cal.day('2022-04-24')).toMatchObject({ working: false });
      expect(cal.day('2022-04-24').reason).toMatch(/^weekend/);
      expect(cal.day('2023-05-15')).toMatchObject({ working: false, reason: 'day off: city day' });
    });

    it('ends where the regime is given an end', () => {
      const cal = new FactsBusinessCalendar(def({ country: 'UA', timeZone: 'Europe/Kyiv', days, regimes: [{ ...regime, to: '2022-05-31' }] }));
      expect(cal.day('2022-04-25').working).toBe(true);
      expect(cal.day('2022-06-28')).toMatchObject({ working: false, reason: 'public holiday: Constitution Day' });
    });
  });

  it('says when a date is outside the years its data covers', () => {
    const cal = new FactsBusinessCalendar(def({ coverage: { fromYear: 2013, toYear: 2027 } }));
    expect(cal.day('2028-01-03')).toMatchObject({ working: true, reason: 'working day (no calendar data for 2028: weekends only)' });
    expect(cal.covered('2027-12-31')).toBe(true);
    expect(cal.covered('2028-01-01')).toBe(false);
  });
});
