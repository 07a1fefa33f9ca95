import { formatKyiv, kyivOffsetMinutes, parseKyiv } from './kyiv-time.codec';

describe('Kyiv local time', () => {
  it('formats winter instants at UTC+2 and summer instants at UTC+3', () => {
    expect(formatKyiv(Date.UTC(2024, 0, 7, 15, 0, 5))).toBe('2024-01-07 17:00:05');
    expect(formatKyiv(Date.UTC(2024, 6, 1, 21, 30, 0))).toBe('2024-07-02 00:30:00');
    expect(kyivOffsetMinutes(Date.UTC(2024, 0, 1))).toBe(120);
    expect(kyivOffsetMinutes(Date.UTC(2024, 6, 1))).toBe(180);
  });

  it('switches offset exactly at the DST change (last Sunday of March, 01:00 UTC)', () => {
    expect(formatKyiv(Date.UTC(2024, 2, 31, 0, 59, 59))).toBe('2024-03-31 02:59:59');
    expect(formatKyiv(Date.UTC(2024, 2, 31, 1, 0, 0))).toBe('2024-03-31 04:00:00');
  });

  it('parses start_time with and without seconds, round-tripping with formatKyiv', () => {
    expect(parseKyiv('2024-01-07 17:00')).toBe(Date.UTC(2024, 0, 7, 15, 0, 0));
    expect(parseKyiv('2024-07-02 00:30:00')).toBe(Date.UTC(2024, 6, 1, 21, 30, 0));
    const t = Date.UTC(2025, 9, 20, 0, 30, 0);
    expect(parseKyiv(formatKyiv(t))).toBe(t);
    // 03:30 happens twice on 2025-10-26: the earlier instant (still summer time) is taken.
    expect(parseKyiv('2025-10-26 03:30')).toBe(Date.UTC(2025, 9, 26, 0, 30, 0));
    // 03:30 does not exist on 2024-03-31 (02:59:59 → 04:00): read with the winter offset.
    expect(parseKyiv('2024-03-31 03:30')).toBe(Date.UTC(2024, 2, 31, 1, 30, 0));
  });

  it('refuses other formats and impossible dates', () => {
    for (const bad of ['2024-01-07T17:00', '2024-02-30 10:00', '2024-01-07 24:00', '07.01.2024 17:00', '2024-1-7 17:00', '']) {
      expect(parseKyiv(bad)).toBeNull();
    }
  });
});
