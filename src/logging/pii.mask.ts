const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Phone-like runs: 7+ digits with optional separators; long enough to spare ports, ids and counts.
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;
// Runs that look like phones but are not: ISO dates and IPv4 addresses (octets without leading
// zeros, so a dotted phone such as 044.123.45.67 is still masked).
const NOT_PHONE = /^(\d{4}-\d{2}-\d{2}|(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})$/;

/**
 * Masks e-mail addresses and phone numbers inside free text (error messages from libraries can
 * quote values). Names and appeal text can't be found by pattern, which is why the hub never
 * passes message payloads to the logger at all; this is the second line of defence.
 */
export function maskPii(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, (m) => (NOT_PHONE.test(m.trim()) ? m : '[phone]'));
}

/**
 * Log-safe view of an error: its class (`kind`, not `name`, which log redaction treats as a
 * person's name), code and masked message; never `detail`, which PostgreSQL fills with row values.
 */
export function safeError(err: unknown): { kind: string; code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { kind: err.name, code: typeof code === 'string' ? code : undefined, message: maskPii(err.message).slice(0, 500) };
  }
  return { kind: 'NonError', message: maskPii(String(err)).slice(0, 500) };
}

/** One-line description of an error for headers and journals: `Kind CODE: message`, masked. */
export function errorLine(err: unknown): string {
  const s = safeError(err);
  return `${s.kind}${s.code ? ` ${s.code}` : ''}: ${s.message}`;
}
