/**
 * 1C dates carry no zone. `...Universal` fields are UTC; the others (`regDate`, `incomingDate`,
 * `creationDate`) are the 1C server's local time, so the adapter needs the server's time zone
 * (an IANA name, DST included) to turn them into instants.
 */

/** 1C's "no date" value: the element is present but means empty. */
export const EMPTY_DATE = '0001-01-01T00:00:00';

/** True for the empty-date sentinel or nothing at all. */
export function isEmptyDmDate(dm: string | undefined): boolean {
  return !dm || dm.startsWith('0001-01-01');
}

/** `...Universal` (UTC) 1C date → RFC 3339; undefined when empty. */
export function fromDmUtc(dm: string): string | undefined {
  return isEmptyDmDate(dm) ? undefined : `${dm.slice(0, 19)}Z`;
}

/** Instant → `...Universal` 1C date. */
export function toDmUtc(iso: string | Date): string {
  return new Date(iso).toISOString().slice(0, 19);
}

/** Server-local 1C date → RFC 3339 (UTC); undefined when empty. */
export function fromDmLocal(dm: string, timeZone: string): string | undefined {
  if (isEmptyDmDate(dm)) return undefined;
  const wall = Date.parse(`${dm.slice(0, 19)}Z`);
  // The offset depends on the instant (DST); one refinement settles it except inside the skipped hour.
  let utc = wall - offsetMs(wall, timeZone);
  utc = wall - offsetMs(utc, timeZone);
  return new Date(utc).toISOString().replace('.000Z', 'Z');
}

/** Instant → server-local 1C date. */
export function toDmLocal(iso: string | Date, timeZone: string): string {
  const t = new Date(iso).getTime();
  return new Date(t + offsetMs(t, timeZone)).toISOString().slice(0, 19);
}

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(utcMs / 1000) * 1000;
}
