import { queryReader } from '../console/admin-query.codec';
import { DEAD_LETTER_STATUSES } from '../../../contracts/model/admin-dead-letters.schema';
import { reasonOf } from '../audit/admin-audit.service';
import { AdminDenied } from '../auth/admin.guard';
import type { DeadLetterFilter, DeadLetterStatus, EditRow, PlanRow } from './dead-letter.repository';
import type { ListedLetter } from './dead-letter.service';

/** What the list shows by default: the letters still waiting. */
export const OPEN_STATUSES: readonly DeadLetterStatus[] = ['kept', 'redriving'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An id from the path, or 404 (a malformed id names nothing). */
export function idOf(v: unknown, what: string): string {
  if (typeof v !== 'string' || !UUID.test(v)) throw new AdminDenied(404, `no such ${what}`);
  return v;
}

/** The required reason of a request body, or 400. */
export function requiredReason(body: Record<string, unknown> | undefined): string {
  const r = reasonOf(body?.reason);
  if (!r.ok) throw new AdminDenied(400, r.error);
  return r.reason;
}

/** The list's filters from a query (or a form): every one optional and checked; 400 when malformed. */
export function filterOf(tenant: string, q: Record<string, unknown>, statusDefault: readonly DeadLetterStatus[] = OPEN_STATUSES): DeadLetterFilter {
  const { text: str, date } = queryReader(q);
  const statusText = str('status', 200);
  const statuses = statusText === undefined ? statusDefault : statusText === 'all' ? [] : statusText.split(',').map((s) => s.trim());
  for (const s of statuses) if (!(DEAD_LETTER_STATUSES as readonly string[]).includes(s)) throw new AdminDenied(400, `status: comma-separated of ${DEAD_LETTER_STATUSES.join(', ')} or all`);
  const f: DeadLetterFilter = { tenant, statuses: statuses as DeadLetterStatus[] };
  const queue = str('queue', 255);
  const errorClass = str('errorClass', 40);
  const caseRef = str('caseRef', 200);
  const type = str('type', 100);
  const from = date('from');
  const to = date('to');
  return { ...f, ...(queue ? { queue } : {}), ...(errorClass ? { errorClass } : {}), ...(caseRef ? { caseRef } : {}), ...(type ? { type } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** A list cursor: the last row's failure time and id. */
export const cursorOf = (l: { failedAt: Date; id: string }): string => Buffer.from(`${l.failedAt.toISOString()}|${l.id}`).toString('base64url');

export function beforeOf(v: unknown): { at: Date; id: string } | undefined {
  if (v === undefined || v === '') return undefined;
  const [at, id] = (typeof v === 'string' && v.length < 200 ? Buffer.from(v, 'base64url').toString('utf8') : '').split('|');
  const d = new Date(at ?? '');
  if (Number.isNaN(d.getTime()) || !UUID.test(id ?? '')) throw new AdminDenied(400, 'before: not a cursor of this list');
  return { at: d, id };
}

const iso = (d?: Date) => d?.toISOString() ?? null;

/** A letter as the API shows it. */
export function letterWire(l: ListedLetter, now: Date = new Date()): Record<string, unknown> {
  return {
    id: l.id,
    queue: l.queue,
    tenant: l.tenant,
    messageId: l.messageId ?? null,
    eventId: l.eventId ?? null,
    type: l.type ?? null,
    caseRef: l.caseRef ?? null,
    caseId: l.caseId ?? null,
    originalExchange: l.originalExchange ?? null,
    originalRoutingKey: l.originalRoutingKey ?? null,
    reason: l.reason,
    errorClass: l.errorClass,
    attempts: l.attempts,
    failedAt: l.failedAt.toISOString(),
    status: l.status,
    planId: l.planId ?? null,
    redriveCount: l.redriveCount,
    dueAt: iso(l.dueAt),
    timeLeftMs: l.dueAt ? l.dueAt.getTime() - now.getTime() : null,
  };
}

export function planWire(p: PlanRow): Record<string, unknown> {
  return {
    id: p.id,
    tenant: p.tenant,
    queue: p.queue ?? null,
    filters: p.filters,
    total: p.total,
    breach24h: p.breach24h,
    status: p.status,
    ratePerSecond: p.ratePerSecond ?? null,
    position: p.position,
    redriven: p.redriven,
    skipped: p.skipped,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    startedBy: p.startedBy ?? null,
    startReason: p.startReason ?? null,
    startedAt: iso(p.startedAt),
    cancelledBy: p.cancelledBy ?? null,
    cancelReason: p.cancelReason ?? null,
    cancelledAt: iso(p.cancelledAt),
    finishedAt: iso(p.finishedAt),
    lastError: p.lastError ?? null,
  };
}

export function editWire(e: EditRow): Record<string, unknown> {
  return {
    id: e.id,
    deadLetterId: e.deadLetterId,
    status: e.status,
    citizenData: e.citizenData,
    diff: e.diff,
    proposedBy: e.proposedBy,
    reason: e.reason,
    proposedAt: e.proposedAt.toISOString(),
    decidedBy: e.decidedBy ?? null,
    decisionReason: e.decisionReason ?? null,
    decidedAt: iso(e.decidedAt),
    newMessageId: e.newMessageId ?? null,
  };
}

/** Time left as a clerk reads it: `3 d 4 h`, `5 h 10 min`, `-2 h` (overdue). */
export function timeLeftText(ms: number | null): string {
  if (ms === null) return '—';
  const sign = ms < 0 ? '-' : '';
  const m = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  if (d) return `${sign}${d} d ${h} h`;
  if (h) return `${sign}${h} h ${m % 60} min`;
  return `${sign}${m % 60} min`;
}
