/**
 * TurboSMS dates are Kyiv wall-clock time without a zone (`2020-01-29 10:19:21`): the service runs
 * on Ukrainian time and clients in the wild compare them with local time. Formatting is on the
 * hot path (two dates per status entry), so the zone offset is looked up once per UTC hour
 * (DST switches on whole UTC hours in Europe) and the rest is plain arithmetic.
 */

const HOUR_MS = 3_600_000;
const offsetCache = new Map<number, number>();
const zone = pickZone();
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });

function pickZone(): string {
  // Older ICU data only knows the pre-2022 spelling.
  for (const z of ['Europe/Kyiv', 'Europe/Kiev']) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: z });
      return z;
    } catch {
      /* try the next spelling */
    }
  }
  return 'UTC';
}

/** Kyiv's offset from UTC in minutes at an instant (+120 in winter, +180 in summer). */
export function kyivOffsetMinutes(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const name = offsetFormat.formatToParts(new Date(hour * HOUR_MS)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/** An instant as Kyiv local time `YYYY-MM-DD HH:MM:SS`. */
export function formatKyiv(epochMs: number): string {
  const d = new Date(epochMs + kyivOffsetMinutes(epochMs) * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` + `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Reads Kyiv local time `YYYY-MM-DD HH:MM` (the form TurboSMS documents for `start_time`) or
 * `YYYY-MM-DD HH:MM:SS`. Returns null for anything else, including impossible dates.
 */
export function parseKyiv(text: string): number | null {
  const m = LOCAL_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  // Near a DST switch a wall time can be ambiguous (autumn) or missing (spring): like Temporal's
  // "compatible" disambiguation, take the earlier instant, and read a missing time with the old offset.
  const before = kyivOffsetMinutes(naive - 86_400_000);
  const after = kyivOffsetMinutes(naive + 86_400_000);
  const candidates = [naive - before * 60_000, naive - after * 60_000].filter((t) => naive - kyivOffsetMinutes(t) * 60_000 === t).sort((a, b) => a - b);
  return candidates[0] ?? naive - before * 60_000;
}
