import { isSafeNumber, parse } from 'lossless-json';

/**
 * Viber answers and callbacks carry `message_token` as a raw JSON number above 2^53
 * (e.g. `5098034272017990000`), which `JSON.parse` silently rounds. Numbers are therefore read
 * losslessly: those a double holds exactly become numbers, all others stay their decimal text.
 */
export function parseViberJson(text: string): unknown {
  return parse(text, undefined, (raw: string) => (isSafeNumber(raw) ? Number(raw) : raw));
}

/**
 * A message token as its exact decimal string, or undefined when the value is not a
 * non-negative integer (a safe number, or the exact digits {@link parseViberJson} kept).
 */
export function tokenString(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === 'string') return /^\d{1,20}$/.test(value) ? value : undefined;
  return undefined;
}

/** A plain JSON object, or undefined (arrays, strings and numbers are not Viber bodies). */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string field, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
