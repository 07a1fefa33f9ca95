/** Date formats of the Twilio 2010 API and its status callbacks. */

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * RFC 2822 in UTC as the 2010 API writes it: `Thu, 30 Jul 2015 20:12:31 +0000`
 * (toUTCString gives the same fields with `GMT`).
 */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** `RawDlrDoneDate` of a delivery receipt: `YYMMDDhhmm` in UTC. */
export function rawDlrDoneDate(ms: number): string {
  const d = new Date(ms);
  return pad(d.getUTCFullYear() % 100) + pad(d.getUTCMonth() + 1) + pad(d.getUTCDate()) + pad(d.getUTCHours()) + pad(d.getUTCMinutes());
}

/** `YYYY-MM-DD` in UTC, the form of the list filter `DateSent`. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
