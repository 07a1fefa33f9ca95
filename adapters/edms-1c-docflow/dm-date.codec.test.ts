import { fromDmLocal, fromDmUtc, isEmptyDmDate, toDmLocal, toDmUtc } from './dm-date.codec';

describe('1C dates', () => {
  it('treats 0001-01-01T00:00:00 as empty', () => {
    expect(isEmptyDmDate('0001-01-01T00:00:00')).toBe(true);
    expect(fromDmUtc('0001-01-01T00:00:00')).toBeUndefined();
    expect(fromDmLocal('0001-01-01T00:00:00', 'Europe/Kyiv')).toBeUndefined();
  });

  it('reads ...Universal dates as UTC', () => {
    expect(fromDmUtc('2026-11-23T10:15:00')).toBe('2026-11-23T10:15:00Z');
    expect(toDmUtc('2026-11-23T12:15:00+02:00')).toBe('2026-11-23T10:15:00');
  });

  it('reads server-local dates in the server time zone, daylight saving included', () => {
    expect(fromDmLocal('2026-11-23T12:15:00', 'Europe/Kyiv')).toBe('2026-11-23T10:15:00Z'); // winter, UTC+2
    expect(fromDmLocal('2026-07-01T12:15:00', 'Europe/Kyiv')).toBe('2026-07-01T09:15:00Z'); // summer, UTC+3
    expect(fromDmLocal('2026-11-23T12:15:00', 'Europe/Moscow')).toBe('2026-11-23T09:15:00Z');
    expect(toDmLocal('2026-07-01T09:15:00Z', 'Europe/Kyiv')).toBe('2026-07-01T12:15:00');
  });
});
