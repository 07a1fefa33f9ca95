import { addDays, addMonths, daysBetween, endOfLocalDay, isLocalDate, localDateOf, startOfLocalDay, weekdayOf } from './local-date.codec';

/** Small tier: local dates and the instants that bound them, across daylight-saving changes. */
describe('local dates', () => {
  it('knows real dates', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2023-02-29')).toBe(false);
    expect(isLocalDate('2024-2-9')).toBe(false);
    expect(isLocalDate(20240229)).toBe(false);
  });

  it('adds days, months and counts across years', () => {
    expect(addDays('2024-12-30', 3)).toBe('2025-01-02');
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(weekdayOf('2024-04-27')).toBe(6);
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(() => addDays('2024-13-01', 1)).toThrow(RangeError);
  });

  it('ends a day at 23:59:59.999 local, summer and winter, in Kyiv and Moscow', () => {
    expect(endOfLocalDay('2025-01-15', 'Europe/Kyiv').toISOString()).toBe('2025-01-15T21:59:59.999Z');
    expect(endOfLocalDay('2025-07-15', 'Europe/Kyiv').toISOString()).toBe('2025-07-15T20:59:59.999Z');
    // The days of the switches: 2025-03-30 (to +3) and 2025-10-26 (to +2).
    expect(endOfLocalDay('2025-03-30', 'Europe/Kyiv').toISOString()).toBe('2025-03-30T20:59:59.999Z');
    expect(startOfLocalDay('2025-03-30', 'Europe/Kyiv').toISOString()).toBe('2025-03-29T22:00:00.000Z');
    expect(endOfLocalDay('2025-10-26', 'Europe/Kyiv').toISOString()).toBe('2025-10-26T21:59:59.999Z');
    expect(startOfLocalDay('2025-10-26', 'Europe/Kyiv').toISOString()).toBe('2025-10-25T21:00:00.000Z');
    expect(endOfLocalDay('2024-05-02', 'Europe/Moscow').toISOString()).toBe('2024-05-02T20:59:59.999Z');
  });

  it('reads an instant’s local date in the zone', () => {
    expect(localDateOf('2025-05-31T21:30:00Z', 'Europe/Kyiv')).toBe('2025-06-01');
    expect(localDateOf('2025-05-31T20:59:59.999Z', 'Europe/Kyiv')).toBe('2025-05-31');
    expect(localDateOf(new Date('2024-12-31T21:00:00Z'), 'Europe/Moscow')).toBe('2025-01-01');
    expect(() => localDateOf('not a time', 'Europe/Kyiv')).toThrow(RangeError);
  });
});
