import { createHash } from 'node:crypto';
import { turboCode, type TurboCode } from './turbo-codes.catalog';

/** Deepest nesting accepted in a request body; real bodies are three levels deep. */
export const MAX_JSON_DEPTH = 16;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed request body, or the envelope error it earns. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: TurboCode; reason: string };

/**
 * Parses a request body. Empty → `{ ok: true, value: undefined }` (each endpoint decides whether
 * that is an error); not JSON → 502 FAILED_PARSE_BODY; prototype-reaching keys or absurd nesting
 * → 300 INVALID_REQUEST. Never throws.
 */
export function parseTurboBody(text: string): ParsedBody {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: turboCode('FAILED_PARSE_BODY'), reason: (err as Error).message };
  }
  const problem = scan(value);
  if (problem !== null) return { ok: false, error: turboCode('INVALID_REQUEST'), reason: problem };
  return { ok: true, value };
}

/** Walks the value without recursion, so a hostile 500 000-level array cannot blow the stack. */
function scan(root: unknown): string | null {
  const stack: { v: unknown; depth: number }[] = [{ v: root, depth: 1 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) return `nesting deeper than ${MAX_JSON_DEPTH}`;
    if (Array.isArray(v)) {
      for (const item of v) if (typeof item === 'object' && item !== null) stack.push({ v: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return `key "${key}" is not allowed`;
      const child = (v as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * JSON with object keys sorted at every level, so that two bodies meaning the same thing compare
 * equal whatever their key order or whitespace. Input must have passed {@link parseTurboBody}
 * (bounded depth).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The duplicate-request key of a send: the token and the canonical body without its `token`
 * field (the token may travel in the header or the body; it is the same request either way).
 */
export function duplicateKey(token: string, body: Record<string, unknown>): string {
  const { token: _ignored, ...rest } = body;
  return createHash('sha256').update(token).update('\u0000').update(canonicalJson(rest)).digest('base64url');
}
