/**
 * TurboSMS dates (`sent`, `updated` in status.json) are Kyiv wall-clock time `YYYY-MM-DD HH:MM:SS`
 * without a zone. The hub wants RFC 3339 instants, so the Europe/Kyiv offset in force at that
 * moment (EET +02:00 / EEST +03:00) is looked up with Intl, daylight saving included.
 */

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

// ICU data older than 2022b only knows the old spelling.
const formatter = (() => {
  for (const timeZone of ['Europe/Kyiv', 'Europe/Kiev']) {
    try {
      return new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    } catch {
      /* try the next name */
    }
  }
  throw new Error('this runtime has no time-zone data for Europe/Kyiv');
})();

/**
 * Kyiv wall-clock time → RFC 3339 with the Kyiv offset, e.g. `2024-01-07 17:00:00` →
 * `2024-01-07T17:00:00+02:00`. The hour repeated when summer time ends reads as the later
 * (winter) one; a time inside the hour skipped in spring reads with the winter offset.
 * @returns undefined for anything that is not a real `YYYY-MM-DD HH:MM[:SS]` date
 */
export function kyivToRfc3339(local: unknown): string | undefined {
  if (typeof local !== 'string') return undefined;
  const m = WALL.exec(local.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '00'].map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  // Date.UTC rolls 2024-02-31 over to March; a date that does not survive the trip is not real.
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  // The offset depends on the instant, which depends on the offset: one refinement settles it.
  const offset = offsetMinutes(wall - offsetMinutes(wall) * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Minutes east of UTC in Kyiv at an instant. */
export function offsetMinutes(utcMs: number): number {
  const name = formatter.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
