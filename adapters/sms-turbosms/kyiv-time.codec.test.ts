import { kyivToRfc3339, offsetMinutes } from './kyiv-time.codec';

describe('Kyiv wall-clock times', () => {
  it('adds the Kyiv offset in force at that date: +02:00 in winter, +03:00 in summer', () => {
    expect(kyivToRfc3339('2024-01-07 17:00:00')).toBe('2024-01-07T17:00:00+02:00');
    expect(kyivToRfc3339('2026-07-01 12:15:00')).toBe('2026-07-01T12:15:00+03:00');
    expect(kyivToRfc3339('2024-01-07 17:00')).toBe('2024-01-07T17:00:00+02:00');
    expect(Date.parse(kyivToRfc3339('2026-07-01 12:15:00')!)).toBe(Date.parse('2026-07-01T09:15:00Z'));
  });

  it('gets the days of the change right (last Sundays of March and October)', () => {
    expect(kyivToRfc3339('2026-03-29 02:30:00')).toBe('2026-03-29T02:30:00+02:00'); // before the spring change
    expect(kyivToRfc3339('2026-03-29 04:30:00')).toBe('2026-03-29T04:30:00+03:00'); // after it
    expect(kyivToRfc3339('2026-10-25 02:30:00')).toBe('2026-10-25T02:30:00+03:00'); // before the autumn change
    expect(kyivToRfc3339('2026-10-25 03:30:00')).toBe('2026-10-25T03:30:00+02:00'); // the repeated hour: the later one
    expect(kyivToRfc3339('2026-10-25 04:30:00')).toBe('2026-10-25T04:30:00+02:00');
  });

  it('refuses what is not a real date', () => {
    for (const bad of [null, undefined, 42, '', '2024-02-30 10:00:00', '2024-01-07 24:00:00', '2024-01-07T17:00:00Z', '07.01.2024 17:00']) expect(kyivToRfc3339(bad)).toBeUndefined();
  });

  it('reads the offset from the time-zone data', () => {
    expect(offsetMinutes(Date.parse('2026-01-15T00:00:00Z'))).toBe(120);
    expect(offsetMinutes(Date.parse('2026-06-15T00:00:00Z'))).toBe(180);
  });
});
