import { createHash } from 'node:crypto';
import secureJson from 'secure-json-parse';
import type { MockRequest } from '../_kit';
import { badRequest } from './tg-envelope.codec';
import { multipartBoundary, MultipartError, parseMultipart } from './tg-multipart.codec';

/** A file part of a multipart request. */
export interface TgUploadedFile {
  /** Name of the multipart field that carried it. */
  field: string;
  fileName: string;
  contentType: string | null;
  size: number;
  sha256: string;
  /** The first bytes (up to 256 KiB), enough to read an image's dimensions. */
  head: Buffer;
}

/**
 * The parameters of one Bot API call. As in the Bot API server, every value is a string: JSON
 * numbers and booleans become their text, nested objects and arrays their JSON text (that is
 * how `reply_markup` may be an object in a JSON body and a string in a form).
 */
export class TgParams {
  /**
   * @param values parameter name → value, from the query string and the body
   * @param files multipart file parts by field name
   */
  constructor(
    private readonly values: ReadonlyMap<string, string>,
    private readonly files: ReadonlyMap<string, TgUploadedFile> = new Map(),
  ) {}

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

  /**
   * The file a parameter refers to: `attach://<part>` names another part, otherwise a file part
   * under the parameter's own name. Null when neither exists.
   */
  file(name: string): TgUploadedFile | null {
    const v = this.values.get(name) ?? '';
    if (v.startsWith('attach://')) return this.files.get(v.slice('attach://'.length)) ?? null;
    return this.files.get(name) ?? null;
  }

  /** The parameters as a plain record, for recording what the bot sent. */
  toRecord(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

const HEAD_BYTES = 256 * 1024;

/**
 * Reads the parameters of a request: the query string, then the body as JSON,
 * `application/x-www-form-urlencoded` or `multipart/form-data` (body values win).
 * @throws TgApiError(400) when the body is not what its content type says
 */
export function readTgParams(req: MockRequest): TgParams {
  const values = new Map<string, string>();
  for (const [k, v] of req.query) values.set(k, v);
  const files = new Map<string, TgUploadedFile>();
  if (req.body.length === 0) return new TgParams(values, files);

  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/json')) {
    readJson(req.text(), values);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(req.text())) values.set(k, v);
  } else if (contentType.startsWith('multipart/form-data')) {
    readMultipart(req, values, files);
  }
  return new TgParams(values, files);
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

function readMultipart(req: MockRequest, values: Map<string, string>, files: Map<string, TgUploadedFile>): void {
  const boundary = multipartBoundary(req.headers['content-type'] ?? '');
  if (boundary === null) throw badRequest("can't parse multipart/form-data: no boundary");
  try {
    for (const part of parseMultipart(req.body, boundary)) {
      if (part.fileName !== null) {
        files.set(part.name, {
          field: part.name,
          fileName: part.fileName,
          contentType: part.contentType,
          size: part.data.length,
          sha256: createHash('sha256').update(part.data).digest('hex'),
          head: Buffer.from(part.data.subarray(0, HEAD_BYTES)),
        });
      } else {
        values.set(part.name, part.data.toString('utf8'));
      }
    }
  } catch (err) {
    if (err instanceof MultipartError) throw badRequest(`can't parse multipart/form-data: ${err.message}`);
    throw err;
  }
}
