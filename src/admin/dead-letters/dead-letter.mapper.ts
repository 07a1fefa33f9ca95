import { createHash } from 'node:crypto';
import type { Options } from 'amqplib';
import sjson from 'secure-json-parse';
import { CASE_REF_MAX_LENGTH, escapePointerToken } from '../../../contracts';
import { UNKNOWN_TENANT_ID } from '../../config/hub-config.loader';
import { MASK } from '../cases/pii-mask.mapper';

/**
 * Pure parts of dead-letter handling: what a DLQ message becomes as a row, the key that stores it
 * once, the headers of a redriven message, the redrive order, the diff of an edit and the rule of
 * what counts as citizen data. No I/O here, so all of it is tested small.
 */

/** A DLQ message as the keeper receives it (the parts of amqplib's ConsumeMessage it reads). */
export interface DlqMessage {
  content: Buffer;
  properties: object & { headers?: Record<string, unknown> };
}

/** A dead letter about to be stored. */
export interface NewDeadLetter {
  keepKey: string;
  queue: string;
  tenant: string;
  messageId?: string;
  eventId?: string;
  type?: string;
  caseRef?: string;
  originalExchange?: string;
  originalRoutingKey?: string;
  reason: string;
  errorClass: string;
  attempts: number;
  failedAt: Date;
  headers: Record<string, unknown>;
  properties: Record<string, unknown>;
  body: Buffer;
}

/** Headers the broker adds or changes on each delivery; they never make a letter a different one. */
const DELIVERY_HEADERS = new Set(['x-delivery-count']);

/** Largest body the keeper parses to find tenant, type and case (larger ones are kept, unparsed). */
const PARSE_LIMIT = 4 * 1024 * 1024;

/** JSON for PostgreSQL's jsonb: Buffers as base64, dates as ISO text, no NUL characters (jsonb refuses them). */
export function jsonSafe(v: unknown, depth = 0): unknown {
  if (depth > 32) return '[too deep]';
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.replace(/\u0000/g, '\ufffd');
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return { $base64: v.toString('base64') };
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => jsonSafe(x, depth + 1));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k.replace(/\u0000/g, '\ufffd')] = jsonSafe((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return String(v);
}

/**
 * The identity of one dead-lettering: the DLQ, the message's headers as the failure wrote them
 * (x-hub-failed-at, the consumer, the redrive count) and its body. A redelivery of the same DLQ
 * message (a keeper crashed before its ack, or a competing instance took it) has the same key; a
 * message that fails again after a redrive carries a new x-hub-failed-at and is a new letter.
 */
export function keepKeyOf(dlq: string, headers: Record<string, unknown>, body: Buffer): string {
  const stable: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) if (!DELIVERY_HEADERS.has(k)) stable[k] = v;
  return createHash('sha256')
    .update(dlq)
    .update('\n')
    .update(JSON.stringify(jsonSafe(stable)))
    .update('\n')
    .update(createHash('sha256').update(body).digest())
    .digest('hex');
}

const str = (v: unknown, max = 500): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : Buffer.isBuffer(v) && v.length <= max ? v.toString('utf8') : undefined);

/** The first x-death entry RabbitMQ wrote when it dead-lettered a message by itself (delivery limit). */
function deathOf(headers: Record<string, unknown>): { reason?: string; count?: number; time?: Date; exchange?: string; routingKey?: string } | undefined {
  const d = headers['x-death'];
  if (!Array.isArray(d) || !d.length || typeof d[0] !== 'object' || d[0] === null) return undefined;
  const x = d[0] as Record<string, unknown>;
  const keys = Array.isArray(x['routing-keys']) ? (x['routing-keys'] as unknown[]) : [];
  const time = x.time as unknown;
  const at = time instanceof Date ? time : typeof time === 'object' && time !== null && 'value' in time ? new Date(Number((time as { value: number }).value) * 1000) : undefined;
  return { reason: str(x.reason), count: typeof x.count === 'number' ? x.count : undefined, time: at, exchange: str(x.exchange), routingKey: str(keys[0]) };
}

/**
 * A DLQ message as a row: the failed consumer's queue, tenant (the routed copy's x-hub-tenant,
 * else the event's `tenant` if configured, else `unknown`), event, type, case reference, original
 * route, reason, failure class and attempts from the x-hub-* headers the failure router wrote (or
 * the broker's x-death when the delivery limit dead-lettered it).
 */
export function deadLetterOf(dlq: string, msg: DlqMessage, tenants: readonly string[], now: Date = new Date()): NewDeadLetter {
  const headers = msg.properties.headers ?? {};
  const { headers: _h, ...props } = msg.properties as Record<string, unknown>;
  const death = deathOf(headers);
  let event: Record<string, unknown> | undefined;
  if (msg.content.length <= PARSE_LIMIT) {
    try {
      const v = sjson.parse(msg.content.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' }) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) event = v as Record<string, unknown>;
    } catch {
      event = undefined;
    }
  }
  const data = event && typeof event.data === 'object' && event.data !== null ? (event.data as Record<string, unknown>) : undefined;
  const tenantClaim = str(headers['x-hub-tenant'], 64) ?? str(event?.tenant, 64);
  const tenant = tenantClaim && tenants.includes(tenantClaim) ? tenantClaim : UNKNOWN_TENANT_ID;
  const failedAt = new Date(str(headers['x-hub-failed-at'], 40) ?? death?.time?.toISOString() ?? now.toISOString());
  const attempts = Number(headers['x-hub-attempts'] ?? death?.count ?? headers['x-delivery-count'] ?? 1);
  const caseRef = str(data?.caseRef, CASE_REF_MAX_LENGTH) ?? str(event?.subject, CASE_REF_MAX_LENGTH);
  const messageId = str(props.messageId, 256);
  const eventId = str(event?.id, 256);
  const type = str(headers['x-hub-type'], 100) ?? str(event?.type, 100);
  const originalExchange = str(headers['x-hub-original-exchange'], 255) ?? death?.exchange;
  const originalRoutingKey = str(headers['x-hub-original-routing-key'], 255) ?? death?.routingKey;
  return {
    keepKey: keepKeyOf(dlq, headers, msg.content),
    queue: str(headers['x-hub-consumer'], 255) ?? (dlq.endsWith('.dlq') ? dlq.slice(0, -4) : dlq),
    tenant,
    ...(messageId ? { messageId } : {}),
    ...(eventId ? { eventId } : {}),
    ...(type ? { type } : {}),
    ...(caseRef ? { caseRef } : {}),
    ...(originalExchange !== undefined ? { originalExchange } : {}),
    ...(originalRoutingKey !== undefined ? { originalRoutingKey } : {}),
    reason: (str(headers['x-hub-error'], 2000) ?? (death ? `dead-lettered by the broker: ${death.reason ?? 'unknown'} (delivery limit)` : 'no reason recorded')).slice(0, 2000),
    errorClass: str(headers['x-hub-error-class'], 40) ?? (death ? 'delivery-limit' : 'unknown'),
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 1,
    failedAt: Number.isNaN(failedAt.getTime()) ? now : failedAt,
    headers: jsonSafe(headers) as Record<string, unknown>,
    properties: jsonSafe(props) as Record<string, unknown>,
    body: msg.content,
  };
}

/** Headers a failure writes; a redriven or replayed message starts without them (a fresh attempt count). */
const FAILURE_HEADERS = [
  'x-hub-error',
  'x-hub-error-class',
  'x-hub-failed-at',
  'x-hub-attempts',
  'x-hub-attempt',
  'x-hub-consumer',
  'x-death',
  'x-delivery-count',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

/** Stored header values back to AMQP values (what jsonSafe turned into base64 comes back as bytes). */
function amqpValue(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $base64?: unknown }).$base64 === 'string') return Buffer.from((v as { $base64: string }).$base64, 'base64');
  if (Array.isArray(v)) return v.map(amqpValue);
  return v;
}

/**
 * The AMQP options of a message sent again to the consumer that failed it: the original
 * properties (message id, content type, correlation id), the original headers without the failure
 * ones, and `extra` (x-hub-redriven / x-hub-redrive-of, or x-hub-replay-of). `user_id` is kept
 * only when it is the hub's own broker user (the broker refuses any other from the hub's
 * connection); a message a portal published under its own user arrives as anonymous then.
 */
export function resendOptions(stored: { headers: Record<string, unknown>; properties: Record<string, unknown> }, hubUser: string, extra: Record<string, unknown>, messageId?: string): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored.headers)) if (!FAILURE_HEADERS.includes(k)) headers[k] = amqpValue(v);
  const p = stored.properties;
  const pick = <T>(k: string, ok: (v: unknown) => v is T): T | undefined => (ok(p[k]) ? (p[k] as T) : undefined);
  const isStr = (v: unknown): v is string => typeof v === 'string';
  const isNum = (v: unknown): v is number => typeof v === 'number';
  const out: Options.Publish = { persistent: true, headers: { ...headers, ...extra } };
  const contentType = pick('contentType', isStr);
  const contentEncoding = pick('contentEncoding', isStr);
  const correlationId = pick('correlationId', isStr);
  const type = pick('type', isStr);
  const appId = pick('appId', isStr);
  const priority = pick('priority', isNum);
  const timestamp = pick('timestamp', isNum);
  const mid = messageId ?? pick('messageId', isStr);
  if (contentType) out.contentType = contentType;
  if (contentEncoding) out.contentEncoding = contentEncoding;
  if (correlationId) out.correlationId = correlationId;
  if (type) out.type = type;
  if (appId) out.appId = appId;
  if (priority !== undefined) out.priority = priority;
  if (timestamp !== undefined) out.timestamp = timestamp;
  if (mid) out.messageId = mid;
  if (p.userId === hubUser) out.userId = hubUser;
  return out;
}

/** When a case's term ends: its due instant, else the end of its due date (UTC). */
export function dueInstantOf(d: { dueAt?: Date; dueDate?: string } | undefined): Date | undefined {
  if (!d) return undefined;
  if (d.dueAt) return d.dueAt;
  if (d.dueDate) return new Date(`${d.dueDate}T23:59:59.999Z`);
  return undefined;
}

/**
 * The redrive order: soonest legal deadline first, letters without a deadline last; ties (and the
 * letters without) in the order they failed.
 */
export function redriveOrder<T extends { id: string; dueAt?: Date; failedAt: Date }>(letters: readonly T[]): T[] {
  return [...letters].sort((a, b) => {
    const da = a.dueAt?.getTime();
    const db = b.dueAt?.getTime();
    if (da !== db) {
      if (da === undefined) return 1;
      if (db === undefined) return -1;
      return da - db;
    }
    return a.failedAt.getTime() - b.failedAt.getTime() || a.id.localeCompare(b.id);
  });
}

/** Distinct cases whose deadline falls within `withinMs` from now (already overdue ones count too). */
export function breachingWithin(letters: readonly { caseId?: string; dueAt?: Date }[], now: Date, withinMs: number): number {
  const cases = new Set<string>();
  for (const l of letters) if (l.caseId && l.dueAt && l.dueAt.getTime() - now.getTime() <= withinMs) cases.add(l.caseId);
  return cases.size;
}

/** One change of an edit: a JSON pointer with the value before and after (RFC 6902 operation names). */
export interface DiffEntry {
  op: 'add' | 'remove' | 'replace';
  path: string;
  before?: unknown;
  after?: unknown;
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The changes from `a` to `b` as JSON pointers, objects compared by key and arrays by index. */
export function jsonDiff(a: unknown, b: unknown, path = ''): DiffEntry[] {
  if (isPlain(a) && isPlain(b)) {
    const out: DiffEntry[] = [];
    for (const k of Object.keys(a)) {
      const p = `${path}/${escapePointerToken(k)}`;
      if (!Object.hasOwn(b, k)) out.push({ op: 'remove', path: p, before: a[k] });
      else out.push(...jsonDiff(a[k], b[k], p));
    }
    for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) out.push({ op: 'add', path: `${path}/${escapePointerToken(k)}`, after: b[k] });
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i >= b.length) out.push({ op: 'remove', path: `${path}/${i}`, before: a[i] });
      else if (i >= a.length) out.push({ op: 'add', path: `${path}/${i}`, after: b[i] });
      else out.push(...jsonDiff(a[i], b[i], `${path}/${i}`));
    }
    return out;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ op: 'replace', path, before: a, after: b }];
}

/**
 * Names of fields that hold citizen data wherever they appear under `data`: who the citizen is
 * (applicant, recipient, identity and its references, organisation codes), how to reach them
 * (contacts, phone, email, address, chat ids) and what they wrote or where they are (text,
 * location, files they attached, signatories). Changing any of these needs a second person.
 */
export const CITIZEN_FIELDS: ReadonlySet<string> = new Set([
  'applicant',
  'recipient',
  'contacts',
  'identity',
  'citizenRef',
  'subjectRef',
  'name',
  'phone',
  'email',
  'address',
  'chatId',
  'organisationCode',
  'registrationCodes',
  'location',
  'text',
  'files',
  'signatoriesCount',
]);

/**
 * Whether a change at this JSON pointer touches citizen data: the one rule the edit-and-replay
 * approval follows. Any pointer under `/data` with a segment in {@link CITIZEN_FIELDS}; the
 * envelope (id, type, tenant, times) and case facts (caseRef, topic, addressee) are not.
 * Replacing `/data` as a whole (or the whole message) counts as a change of citizen data.
 */
export function touchesCitizenData(pointer: string): boolean {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return true;
  if (parts[0] !== 'data') return false;
  if (parts.length === 1) return true;
  return parts.slice(1).some((p) => CITIZEN_FIELDS.has(p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

/** Whether an edit's diff changes citizen data. */
export function changesCitizenData(diff: readonly DiffEntry[]): boolean {
  return diff.some((d) => touchesCitizenData(d.path));
}

/** What a masked value is shown as (the console's one mask); a proposal that sends it back means "unchanged". */
export { MASK };

/** The message with every citizen-data value masked (for readers without pii.reveal). */
export function maskCitizenData(v: unknown, path = ''): unknown {
  if (path && touchesCitizenData(path) && path.startsWith('/data/')) return isPlain(v) || Array.isArray(v) ? maskAll(v) : MASK;
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskCitizenData(x, `${path}/${escapePointerToken(k)}`)]));
  if (Array.isArray(v)) return v.map((x, i) => maskCitizenData(x, `${path}/${i}`));
  return v;
}

function maskAll(v: unknown): unknown {
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskAll(x)]));
  if (Array.isArray(v)) return v.map(maskAll);
  return v === null ? null : MASK;
}

/**
 * An edited message with masked values put back: where the proposal still holds {@link MASK}
 * and the original had a value at the same pointer, the original value is meant.
 */
export function unmask(edited: unknown, original: unknown): unknown {
  if (edited === MASK && original !== undefined && typeof original !== 'object') return original;
  if (isPlain(edited)) return Object.fromEntries(Object.entries(edited).map(([k, x]) => [k, unmask(x, isPlain(original) ? original[k] : undefined)]));
  if (Array.isArray(edited)) return edited.map((x, i) => unmask(x, Array.isArray(original) ? original[i] : undefined));
  return edited;
}

/** A diff fit for the audit: values at citizen-data pointers replaced by {@link MASK}. */
export function auditDiff(diff: readonly DiffEntry[]): DiffEntry[] {
  return diff.map((d) =>
    touchesCitizenData(d.path)
      ? { op: d.op, path: d.path, ...(d.before !== undefined ? { before: MASK } : {}), ...(d.after !== undefined ? { after: MASK } : {}) }
      : { op: d.op, path: d.path, ...(d.before !== undefined ? { before: d.before } : {}), ...(d.after !== undefined ? { after: d.after } : {}) },
  );
}
