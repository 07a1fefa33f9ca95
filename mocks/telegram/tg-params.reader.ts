import secureJson from 'secure-json-parse';
import type { MockRequest } from '../_kit';
import { badRequest } from './tg-envelope.codec';

/**
 * The parameters of one Bot API call. As in the Bot API server, every value is a string: JSON
 * numbers and booleans become their text, nested objects and arrays their JSON text (that is
 * how `reply_markup` may be an object in a JSON body and a string in a form).
 */
export class TgParams {
  /** @param values parameter name → value, from the query string and the body */
  constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** Whether the parameter was sent at all. */
  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The value, '' when absent. */
  str(name: string): string {
    return this.values.get(name) ?? '';
  }

  /**
   * An integer the way the Bot API server reads one: absent → `fallback`; otherwise the leading
   * integer of the trimmed text (0 when there is none), clamped to [min, max].
   */
  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.values.get(name);
    if (raw === undefined || raw.trim() === '') return fallback;
    const m = /^[+-]?\d+/.exec(raw.trim());
    const n = m ? Number(m[0]) : 0;
    return Math.min(max, Math.max(min, Number.isFinite(n) ? n : 0));
  }

  /** `true`, `yes` or `1`, case-insensitive, as the server's to_bool. */
  bool(name: string): boolean {
    const v = (this.values.get(name) ?? '').trim().toLowerCase();
    return v === 'true' || v === 'yes' || v === '1';
  }

  /** The parameters as a plain record, for recording what the bot sent. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

/**
 * Reads the parameters of a request: the query string, then the body as JSON or
 * `application/x-www-form-urlencoded` (body values win). `multipart/form-data` is what a client
 * sends with a file; the mock models no uploads and answers it 400 (README).
 * @throws TgApiError(400) when the body is not what its content type says, or is multipart
 */
export function readTgParams(req: MockRequest): TgParams {
  const values = new Map<string, string>();
  for (const [k, v] of req.query) values.set(k, v);
  if (req.body.length === 0) return new TgParams(values);

  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) {
    readJson(req.text(), values);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.text())) values.set(k, v);
  } else if (contentType.startsWith('multipart/form-data')) {
    throw badRequest('multipart/form-data (file uploads) is not implemented by the mock');
  }
  return new TgParams(values);
}

/**
 * Parameters from an already parsed object (a webhook reply), with the same string conversion
 * as a JSON body.
 */
export function paramsFromObject(input: Record<string, unknown>): TgParams {
  const values = new Map<string, string>();
  putJsonValues(input, values);
  return new TgParams(values);
}

function putJsonValues(parsed: object, values: Map<string, string>): void {
  for (const [k, v] of Object.entries(parsed)) {
    if (v === null || v === undefined || k === '__proto__') continue;
    values.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
}

function readJson(text: string, values: Map<string, string>): void {
  let parsed: unknown;
  try {
    // Prototype keys are dropped: a hostile body must not reach any object's prototype.
    parsed = secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest("can't parse JSON object");
  putJsonValues(parsed, values);
}
