import { isUtf8 } from 'node:buffer';
import sjson from 'secure-json-parse';
import { CASE_REF_MAX_LENGTH, capContractErrors, CLOUDEVENTS_CONTENT_TYPE, CloudEvent, ContractError, MAX_CONTRACT_ERRORS, MAX_POINTER_LENGTH, TENANT_PATTERN, validateEvent } from '../../contracts';

/** What could be read from a message that was rejected, to address the rejection back to its sender. */
export interface Peek {
  id?: string;
  source?: string;
  type?: string;
  tenant?: string;
  /** The case the message is about (`data.caseRef`, else `subject`), when readable and unambiguous. */
  caseRef?: string;
}

/** The result of reading one raw message: a valid event, or every error found with whatever could be read. */
export type ParseOutcome = { ok: true; event: CloudEvent } | { ok: false; errors: ContractError[]; peek: Peek; forbidden?: boolean };

/** Limits applied before anything is parsed. */
export interface ParseLimits {
  maxBodyBytes: number;
  maxJsonDepth: number;
}

/**
 * Reads untrusted bytes into a CloudEvent. Cheap checks run first (size, content type, UTF-8,
 * nesting depth), then a parser that refuses `__proto__` and `constructor.prototype` keys, then
 * the contract. Error reasons never quote the input: it may hold personal data.
 */
export function parseRawEvent(body: Buffer, contentType: string | undefined, limits: ParseLimits): ParseOutcome {
  if (body.length > limits.maxBodyBytes) {
    return reject([{ pointer: '', reason: `message is ${body.length} bytes; the limit is ${limits.maxBodyBytes} bytes (send large files by URL)` }]);
  }
  const errors: ContractError[] = [];
  const ct = checkContentType(contentType);
  if (ct) errors.push(ct);
  if (body.length === 0) return reject([...errors, { pointer: '', reason: 'message body is empty' }]);
  if (!isUtf8(body)) return reject([...errors, { pointer: '', reason: 'message body is not valid UTF-8' }]);
  const depth = maxDepth(body, limits.maxJsonDepth);
  if (depth > limits.maxJsonDepth) return reject([...errors, { pointer: '', reason: `JSON is nested deeper than ${limits.maxJsonDepth} levels` }]);

  const text = body.toString('utf8');
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    return reject([...errors, { pointer: '', reason: jsonErrorReason(e) }]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return reject([...errors, { pointer: '', reason: 'message must be a JSON object (a CloudEvent in structured mode)' }]);
  }
  const obj = value as Record<string, unknown>;
  const peek = peekOf(obj);
  // What the journal cannot store is refused here, where the sender hears about it, instead of
  // failing the journal write and ending in the dead-letter queue.
  // Valid UTF-8 cannot encode a lone surrogate and JSON forbids raw control characters, so only a
  // \u escape can make either: text without such an escape needs no walk (the hot path).
  if (UNSTORABLE_ESCAPE.test(text)) errors.push(...unstorableStrings(obj, limits.maxJsonDepth));
  const result = validateEvent(obj, { uncapped: true });
  if (!result.ok) errors.push(...result.errors);
  if (errors.length) return { ok: false, errors: capContractErrors(errors.map(sanitize)), peek };
  return result as { ok: true; event: CloudEvent };

  function reject(errs: ContractError[]): ParseOutcome {
    return { ok: false, errors: errs, peek: {} };
  }
}

function checkContentType(contentType: string | undefined): ContractError | undefined {
  if (!contentType) return { pointer: '', reason: `content type is missing; send ${CLOUDEVENTS_CONTENT_TYPE} (CloudEvents structured mode)` };
  const [mediaType, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (mediaType !== CLOUDEVENTS_CONTENT_TYPE) return { pointer: '', reason: `content type must be ${CLOUDEVENTS_CONTENT_TYPE} (CloudEvents structured mode)` };
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"(.*)"$/, '$1');
  if (charset !== undefined && charset !== 'utf-8') return { pointer: '', reason: 'charset must be utf-8' };
  return undefined;
}

/**
 * Deepest nesting of objects/arrays, counted on the raw bytes (skipping strings) before parsing,
 * so a hostile 1 MB of `[` costs one linear scan and never reaches a recursive consumer.
 * Stops counting as soon as the limit is passed.
 */
export function maxDepth(buf: Buffer, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function jsonErrorReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : '';
  if (/^Object contains forbidden prototype property$/.test(msg)) return 'property names "__proto__" and "constructor.prototype" are not allowed';
  // V8 quotes the input around the error; keep only the position.
  const pos = /position (\d+)/.exec(msg)?.[1];
  const line = /line (\d+) column (\d+)/.exec(msg);
  if (line) return `not valid JSON (line ${line[1]}, column ${line[2]})`;
  return pos ? `not valid JSON (at character ${pos})` : 'not valid JSON';
}

/** The JSON escapes that can produce what PostgreSQL refuses: `\u0000` and any surrogate `\uD800`-`\uDFFF`. */
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** A UTF-16 surrogate without its partner: only a `\\uD800`-style escape in the JSON text can make one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why PostgreSQL could not store this string (jsonb and text refuse both), or undefined when it can. */
export function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains a NUL character (\\u0000), which the hub cannot store';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (a lone \\uD800-\\uDFFF escape), which is not a Unicode character';
  return undefined;
}

/** RFC 6901: `~` and `/` inside a reference token are written `~0` and `~1`. */
export function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Every key and string value that PostgreSQL would refuse, with its JSON pointer. A bad value is
 * pointed at directly. A bad key cannot be (its pointer would carry the same unstorable
 * character), so the error points at the object holding it and says which key by position;
 * nothing under a bad key is walked. Depth is already bounded by the raw scan.
 */
function unstorableStrings(root: unknown, maxDepth: number): ContractError[] {
  const found: ContractError[] = [];
  const walk = (value: unknown, pointer: string, depth: number): void => {
    if (found.length > MAX_CONTRACT_ERRORS || depth > maxDepth) return;
    if (typeof value === 'string') {
      const why = unstorable(value);
      if (why) found.push({ pointer, reason: `value ${why}` });
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${pointer}/${i}`, depth + 1));
      return;
    }
    Object.keys(value).forEach((key, i) => {
      const why = unstorable(key);
      if (why) found.push({ pointer, reason: `key number ${i + 1} of this object ${why}` });
      else walk((value as Record<string, unknown>)[key], `${pointer}/${pointerToken(key)}`, depth + 1);
    });
  };
  walk(root, '', 0);
  return found;
}

const TENANT = new RegExp(TENANT_PATTERN);
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Readable header values are echoed in message.rejected (and written to the journal's text
 * columns) only when they are single-line, storable and within the envelope's limits.
 */
export function peekValue(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length > 0 && v.length <= max && !CONTROL.test(v) && !LONE_SURROGATE.test(v) ? v : undefined;
}

function peekOf(obj: Record<string, unknown>): Peek {
  const tenant = peekValue(obj.tenant, 63);
  const caseRef = peekCaseRef(obj);
  return {
    id: peekValue(obj.id, 256),
    source: peekValue(obj.source, 512),
    type: peekValue(obj.type, 256),
    tenant: tenant && TENANT.test(tenant) ? tenant : undefined,
    ...(caseRef ? { caseRef } : {}),
  };
}

/**
 * The case reference of a message that may be invalid: `data.caseRef`, else `subject`, each only
 * when it could be a case reference at all; none when both are readable and differ (which of the
 * two the sender meant cannot be told).
 */
function peekCaseRef(obj: Record<string, unknown>): string | undefined {
  const data = obj.data !== null && typeof obj.data === 'object' && !Array.isArray(obj.data) ? (obj.data as Record<string, unknown>) : undefined;
  const fromData = peekValue(data?.caseRef, CASE_REF_MAX_LENGTH);
  const fromSubject = peekValue(obj.subject, CASE_REF_MAX_LENGTH);
  if (fromData !== undefined && fromSubject !== undefined && fromData !== fromSubject) return undefined;
  return fromData ?? fromSubject;
}

/** Property names from the input can appear in pointers; keep them storable and bounded (an over-long one points at its parent). */
function sanitize(e: ContractError): ContractError {
  let pointer = e.pointer;
  while (pointer.length > MAX_POINTER_LENGTH) pointer = pointer.slice(0, pointer.lastIndexOf('/'));
  // A contract error can point at a key holding an unstorable character (ajv's "unknown property"
  // for that very key): such a pointer leads nowhere once made storable, so it points at the
  // object holding the key, as the unstorable-key error does. The reason is made storable.
  if (unstorable(pointer)) {
    const segments = pointer.split('/');
    pointer = segments
      .slice(
        0,
        segments.findIndex((seg) => unstorable(seg) !== undefined),
      )
      .join('/');
  }
  return { pointer, reason: storable(e.reason) };
}

function storable(s: string): string {
  return unstorable(s) ? s.replace(/\u0000/g, '\uFFFD').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD') : s;
}
