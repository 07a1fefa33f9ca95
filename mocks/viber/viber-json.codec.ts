/**
 * JSON in and out of the mock. Out: 64-bit `message_token`s are kept as BigInt and written as raw
 * JSON numbers by string building, so a client that parses with plain `JSON.parse` loses
 * precision exactly as it would against the real Viber. In: hostile bodies become a verdict,
 * never an exception.
 */

/** A value {@link toRawJson} can write: JSON values plus BigInt (written as a bare integer). */
export type RawJsonValue = null | boolean | number | string | bigint | undefined | RawJsonValue[] | { [key: string]: RawJsonValue };

/**
 * Serializes like `JSON.stringify`, except that a BigInt is written as its digits (a raw JSON
 * number, not a string). `undefined` properties are left out.
 */
export function toRawJson(value: RawJsonValue): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toRawJson(v))).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${toRawJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** What {@link parseRequestJson} makes of a body. */
export type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; reason: 'empty' | 'syntax' | 'not-object' | 'forbidden-key' | 'too-deep' };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const FORBIDDEN_HINT = /"(?:__proto__|constructor|prototype)"/;

class ForbiddenKey extends Error {}

/**
 * Parses an API request body. Only a JSON object is a request; keys that could reach a prototype
 * in a later merge, and nesting deeper than `maxDepth`, are refused.
 */
export function parseRequestJson(text: string, maxDepth = 32): ParsedBody {
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  let value: unknown;
  try {
    // The reviver costs a lot per key; run it only when a forbidden name appears at all.
    value = FORBIDDEN_HINT.test(text)
      ? JSON.parse(text, (key, v: unknown) => {
          if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
          return v;
        })
      : JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: err instanceof ForbiddenKey ? 'forbidden-key' : 'syntax' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not-object' };
  if (depthOver(value, maxDepth)) return { ok: false, reason: 'too-deep' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** True when a parsed value nests deeper than `max` (iterative: a deep body cannot blow the stack). */
function depthOver(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
  }
  return false;
}

/** True for a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
