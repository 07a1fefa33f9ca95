/**
 * Local dates (`YYYY-MM-DD`) and the instants that bound them in an IANA time zone. Pure; the
 * arithmetic runs on UTC midnights, so a daylight-saving change never shifts a date, and the zone
 * math uses `Intl` (the runtime's tz database) because `@date-fns/tz` is not installed here.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date written `YYYY-MM-DD` (2023-02-29 is not one). */
export function isLocalDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function utcMs(date: string): number {
  const m = DATE.exec(date);
  if (!m || !isLocalDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return Date.UTC(+m[1], +m[2] - 1, +m[3]);
}

function fromUtcMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative goes back). */
export function addDays(date: string, days: number): string {
  return fromUtcMs(utcMs(date) + days * DAY_MS);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utcMs(b) - utcMs(a)) / DAY_MS);
}

/** Day of the week, 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
export function weekdayOf(date: string): number {
  return new Date(utcMs(date)).getUTCDay();
}

/**
 * The same date `months` later; when that month is shorter (31 January + 1 month), the last day of
 * that month. This is how a term "of one month" ends (UA Civil Code Art. 254 Part 2, RU Civil Code
 * Art. 192 Part 3: on the same date of the last month; if there is none, on its last day).
 */
export function addMonths(date: string, months: number): string {
  const m = DATE.exec(date)!;
  utcMs(date);
  const y = +m[1];
  const mon = +m[2] - 1 + months;
  const targetYear = y + Math.floor(mon / 12);
  const targetMonth = ((mon % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(targetYear, targetMonth, Math.min(+m[3], lastDay)));
}

/** The year of a date. */
export function yearOf(date: string): number {
  return +date.slice(0, 4);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws for a time zone the runtime does not know (a typo in a tenant's configuration). */
export function assertTimeZone(timeZone: string): void {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`unknown time zone: ${timeZone}`);
  }
}

/** The wall clock of `ms` in the zone, read back as if it were UTC. */
function wallMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = +p.value;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + (((ms % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (Kyiv in summer: +3 h). */
function offsetMs(ms: number, timeZone: string): number {
  return wallMs(ms, timeZone) - ms;
}

/** The local date of an instant in the zone. */
export function localDateOf(instant: string | Date, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return fromUtcMs(wallMs(ms, timeZone));
}

/** The first instant of a local date in the zone (its local midnight). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const wall = utcMs(date);
  // Two passes: the offset at the guessed instant may differ from the one at the answer when a
  // daylight-saving change happens in between.
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** The last instant of a local date in the zone: 23:59:59.999 local, when the term ends. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return new Date(startOfLocalDay(addDays(date, 1), timeZone).getTime() - 1);
}
