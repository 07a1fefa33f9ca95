import type { CaseKind } from '../../../contracts';
import { historyStep } from '../../cases/case-view.mapper';
import { maskPii } from '../../logging/pii.mask';
import type { CaseEntry, JournalRecord } from '../../persistence/journal.repository';
import { MASK, maskDocument, MESSAGE_RULES, STEP_RULES, type Masked, type MaskedField } from './pii-mask.mapper';
import type { TimelineCategory, TimelineItem } from './timeline-source.port';

/** A journal body as the console reads it: the parsed event, or (not JSON, cut) its text. */
export type MessageDocument = { json: true; doc: unknown } | { json: false; text: string } | { json: false; text?: undefined };

/** The body of a record: parsed when it is JSON; a refused message may be anything. */
export function documentOf(r: JournalRecord): MessageDocument {
  if (!r.body) return { json: false };
  const text = r.body.toString('utf8');
  try {
    return { json: true, doc: JSON.parse(text) as unknown };
  } catch {
    return { json: false, text };
  }
}

/**
 * A journal body masked: a message the hub refused was never checked against the contract, so
 * all of its `data` is masked (and a body that is not even JSON, wholly); an accepted or emitted
 * one by the fields of the contract (pii-mask.mapper.ts).
 */
export function maskMessage(r: JournalRecord, d: MessageDocument): Masked<unknown> {
  if (d.json) return maskDocument(d.doc, MESSAGE_RULES, r.status === 'rejected' ? { unvalidatedUnder: '/data' } : {});
  if (d.text === undefined) return { value: null, fields: [] };
  const field: MaskedField = { pointer: '', kind: 'unvalidated', hint: `(${d.text.length})`, revealable: true };
  return { value: `${MASK} (${d.text.length})`, fields: [field] };
}

/** Contract errors of a refused message, their reasons masked as a log line would be. */
export function maskErrors(errors: unknown): unknown {
  if (!Array.isArray(errors)) return errors === undefined ? null : errors;
  return errors
    .slice(0, 50)
    .map((e) => (e && typeof e === 'object' ? { pointer: String((e as { pointer?: unknown }).pointer ?? ''), reason: maskPii(String((e as { reason?: unknown }).reason ?? '')) } : e));
}

const OTHER_KIND: Record<CaseKind, string> = { appeal: 'application.', application: 'appeal.' };

/** Whether a record of the case's subject belongs to a case of this kind (an appeal and an application may share a caseRef). */
export function ofKind(r: JournalRecord, kind: CaseKind): boolean {
  return !(r.type ?? '').startsWith(OTHER_KIND[kind]);
}

function categoryOf(type: string): TimelineCategory {
  if (type.endsWith('.registered')) return 'registration';
  if (type.endsWith('.status-changed') && !type.startsWith('notification.')) return 'status';
  if (type.endsWith('.answered')) return 'answer';
  if (type.endsWith('.document-added')) return 'document';
  if (type.startsWith('deadline.') || type.endsWith('.deadline-changed')) return 'deadline';
  if (type === 'message.rejected') return 'rejection';
  if (type.startsWith('notification.') || type.startsWith('contact.')) return 'notification';
  return 'note';
}

/** A step of the portal's history (case-view.mapper.ts) for the case's own event types, masked; undefined for others. */
function stepSummary(r: JournalRecord, body: Buffer): Record<string, unknown> | undefined {
  if (r.status === 'ignored' || !r.type) return undefined;
  const entry: CaseEntry = { journalId: r.id, at: r.at, direction: r.direction, status: r.status, type: r.type, eventId: r.eventId ?? null, errors: r.errors, body };
  try {
    const { type: _t, eventId: _e, journalId: _j, journaledAt: _a, ...step } = historyStep(entry) as unknown as Record<string, unknown>;
    return maskDocument(step, STEP_RULES).value;
  } catch {
    return undefined; // not a step of a case history (deadline, notification, …)
  }
}

/** The data of an event, masked, without what the row says already. */
function dataSummary(r: JournalRecord, d: MessageDocument): Record<string, unknown> {
  const masked = maskMessage(r, d).value as { data?: Record<string, unknown> } | string | null;
  if (!masked || typeof masked !== 'object' || !masked.data || typeof masked.data !== 'object') return {};
  const { caseRef: _c, ...rest } = masked.data;
  return rest;
}

/**
 * The timeline steps of one journal entry: what came in (valid, with its routing as a step of
 * its own), what was refused and why, what the hub checked of the files, what the hub emitted
 * (registrations, statuses with authors, answers, documents, deadlines, notifications).
 */
export function journalItems(r: JournalRecord): TimelineItem[] {
  const type = r.type ?? '(unknown)';
  const base = { at: r.at, source: 'journal', type, journalId: r.id };
  const d = documentOf(r);
  const step = r.body && d.json ? stepSummary(r, r.body) : undefined;
  const journal = { direction: r.direction, via: r.via, status: r.status, ...(r.eventId ? { eventId: r.eventId } : {}), ...(r.bodyErased ? { bodyErased: true } : {}) };
  if (r.direction === 'in' && r.via === 'files') {
    return [{ ...base, category: 'validation', summary: { ...journal, checked: 'files', errors: maskErrors(r.errors) } }];
  }
  if (r.direction === 'in' && r.status === 'rejected') {
    return [{ ...base, category: 'rejection', summary: { ...journal, errors: maskErrors(r.errors) } }];
  }
  const items: TimelineItem[] = [];
  if (r.direction === 'in') {
    const category: TimelineCategory = type.endsWith('.document-added') ? 'document' : 'ingress';
    items.push({ ...base, category, summary: { ...journal, valid: true, ...(r.source ? { source: r.source } : {}), ...(step ?? dataSummary(r, d)) } });
  } else {
    items.push({ ...base, category: categoryOf(type), summary: { ...journal, ...(step ?? dataSummary(r, d)) } });
  }
  if (r.routes.length) items.push({ ...base, category: 'routing', summary: { routes: r.routes } });
  return items;
}
