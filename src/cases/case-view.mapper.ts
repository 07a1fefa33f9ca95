import {
  EVENT_CATALOG,
  EVENT_TYPES,
  FINAL_CASE_STATUSES,
  type Author,
  type CaseKind,
  type CaseMilestones,
  type CaseView,
  type ContractError,
  type EventType,
  type FileRef,
  type HistoryFile,
  type HistoryStep,
  type KnownCloudEvent,
  type SignatureFileRef,
} from '../../contracts';
import type { CaseEntry, CaseEntryFilter } from '../persistence/journal.repository';
import { rejectionEventId } from '../persistence/stable.uuid';
import type { CaseRecord } from './case.repository';

/** The author of a rejection: the hub itself. */
export const HUB_AUTHOR: Author = { kind: 'system', name: 'cabinet-hub' };

/**
 * Which journal entries make up the history of a case of `kind`:
 * - accepted inbound: the portal's submission and the documents added on `cabinet.in`;
 * - emitted: every result the hub applied to the case and published on `cabinet.out`
 *   (registrations, status changes, answers, documents from the back office); results journaled
 *   as `ignored` never count;
 * - rejected inbound: messages about the case the hub refused (and answered with message.rejected
 *   on this tenant).
 * Back-office events that arrive on `cabinet.in` are journaled and routed but not applied to the
 * case, so they are not steps of it (apart from documents, which change no state).
 */
export function caseEntryTypes(kind: CaseKind): Pick<CaseEntryFilter, 'accepted' | 'emitted' | 'rejected'> {
  // The hub's own notes about a case (a repeat link) are on cabinet.out, not steps of its history.
  const types = EVENT_TYPES.filter((t) => t.startsWith(`${kind}.`) && !isHubOnly(t));
  return {
    accepted: types.filter((t) => t.endsWith('.submitted') || t.endsWith('.document-added')),
    emitted: types.filter((t) => !t.endsWith('.submitted')),
    rejected: types,
  };
}

/** Types whose bodies hold the dates of the case view's milestones. */
export function milestoneTypes(kind: CaseKind): string[] {
  return EVENT_TYPES.filter((t) => t.startsWith(`${kind}.`) && !t.endsWith('.document-added') && !isHubOnly(t));
}

/** A type only the hub produces (not a portal's or a back office's step). */
function isHubOnly(t: EventType): boolean {
  return EVENT_CATALOG[t].producers.every((p) => p === 'hub');
}

/** A file by its metadata: what the history shows instead of the content. */
export function fileView(f: FileRef): HistoryFile {
  return {
    ...fileMeta(f),
    ...(f.signatures?.length ? { signatures: f.signatures.map((s) => ({ ...fileMeta(s), format: s.format, ...(s.signer ? { signer: s.signer } : {}) })) } : {}),
  };
}

function fileMeta(f: FileRef | SignatureFileRef) {
  return {
    id: f.id,
    name: f.name,
    mediaType: f.mediaType,
    size: f.size,
    sha256: f.sha256,
    ...(f.url !== undefined ? { url: f.url } : {}),
    ...(f.contentBase64 !== undefined ? { inline: true } : {}),
  };
}

/** The event of an entry; only entries read with their body have one. */
function eventOf(entry: CaseEntry): KnownCloudEvent {
  return JSON.parse((entry.body as Buffer).toString('utf8')) as KnownCloudEvent;
}

/** When the step happened by the producer's account, with the journal time for an event that gives none. */
function occurredAt(ev: KnownCloudEvent, journaledAt: string): string {
  const d = ev.data as { submittedAt?: string; registeredAt?: string; changedAt?: string; answeredAt?: string; addedAt?: string };
  return d.changedAt ?? d.registeredAt ?? d.answeredAt ?? d.addedAt ?? d.submittedAt ?? ev.time ?? journaledAt;
}

const files = (list: readonly FileRef[] | undefined) => (list?.length ? { files: list.map(fileView) } : {});
const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

/**
 * One step of the history from one journal entry (read with its body, unless rejected). Fields
 * are picked one by one: nothing of the applicant but the display name of the submission's
 * author, no contacts, no texts the portal sent, no inline file content.
 */
export function historyStep(entry: CaseEntry): HistoryStep {
  if (entry.status === 'rejected') {
    return {
      step: 'rejected',
      type: 'message.rejected',
      eventId: rejectionEventId(entry.journalId),
      journalId: entry.journalId,
      origin: 'hub',
      occurredAt: entry.at,
      journaledAt: entry.at,
      author: HUB_AUTHOR,
      rejection: {
        ...opt('rejectedEventId', entry.eventId ?? undefined),
        rejectedType: entry.type,
        errors: Array.isArray(entry.errors) ? (entry.errors as ContractError[]) : [],
      },
    };
  }
  const ev = eventOf(entry);
  const base = { type: ev.type, eventId: entry.eventId ?? ev.id, journalId: entry.journalId, occurredAt: occurredAt(ev, entry.at), journaledAt: entry.at } as const;
  switch (ev.type) {
    case 'appeal.submitted':
    case 'application.submitted':
      return { step: 'submitted', ...base, origin: 'portal', author: { kind: 'applicant', name: ev.data.applicant.name.full }, status: 'submitted', ...files(ev.data.files) };
    case 'appeal.registered':
    case 'application.registered': {
      const d = ev.data;
      return {
        step: 'registered',
        ...base,
        origin: 'back-office',
        // The registrar when the back office names one, else the back office itself.
        author: d.author ?? { kind: 'system', name: d.system },
        status: 'registered',
        registrationNumber: d.registrationNumber,
        ...opt('dueAt', d.dueAt),
        system: d.system,
        externalId: d.externalId,
      };
    }
    case 'appeal.status-changed':
    case 'application.status-changed': {
      const d = ev.data;
      return {
        step: 'status-changed',
        ...base,
        origin: 'back-office',
        author: d.author,
        status: d.status,
        ...opt('previousStatus', d.previousStatus),
        ...opt('comment', d.comment),
        system: d.system,
        externalId: d.externalId,
      };
    }
    case 'appeal.answered': {
      const d = ev.data;
      return {
        step: 'answered',
        ...base,
        origin: 'back-office',
        author: d.author,
        status: 'answered',
        text: d.text,
        ...opt('registrationNumber', d.registrationNumber),
        ...files(d.files),
        system: d.system,
        externalId: d.externalId,
      };
    }
    case 'application.document-added': {
      const d = ev.data;
      return {
        step: 'document-added',
        ...base,
        // From the portal on cabinet.in without back-office ids; from the back office with them, or emitted by an adapter.
        origin: entry.direction === 'out' || d.system !== undefined ? 'back-office' : 'portal',
        author: d.author,
        documentKind: d.kind,
        ...opt('title', d.title),
        files: [fileView(d.document)],
        ...opt('system', d.system),
        ...opt('externalId', d.externalId),
      };
    }
    case 'appeal.deadline-changed': {
      const d = ev.data;
      return {
        step: 'deadline-changed',
        ...base,
        origin: 'back-office',
        author: d.author,
        deadlineAction: d.action,
        ...opt('until', d.until),
        ...opt('days', d.days),
        reason: d.reason,
        system: d.system,
        externalId: d.externalId,
      };
    }
    default:
      throw new Error(`journal entry ${entry.journalId} of type ${entry.type} is no step of a case`);
  }
}

/** The status an entry brought the case to, with its time; none for documents. */
function statusOf(ev: KnownCloudEvent): { status: string; at: string } | undefined {
  switch (ev.type) {
    case 'appeal.submitted':
    case 'application.submitted':
      return { status: 'submitted', at: ev.data.submittedAt };
    case 'appeal.registered':
    case 'application.registered':
      return { status: 'registered', at: ev.data.registeredAt };
    case 'appeal.status-changed':
    case 'application.status-changed':
      return { status: ev.data.status, at: ev.data.changedAt };
    case 'appeal.answered':
      return { status: 'answered', at: ev.data.answeredAt };
    default:
      return undefined;
  }
}

const FINAL: ReadonlySet<string> = new Set(FINAL_CASE_STATUSES);

/**
 * The milestones of a case from its entries in journal order (those read with their bodies):
 * submission, first registration, each status the first time it was reached, and the outcome.
 * Only results the hub applied are among the entries, so the order is the order the case moved.
 */
export function milestones(entries: readonly CaseEntry[]): CaseMilestones {
  let submittedAt: CaseMilestones['submittedAt'];
  let registered: CaseMilestones['registered'];
  let closed: CaseMilestones['closed'];
  const statuses: CaseMilestones['statuses'] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    if (!entry.body || entry.status === 'rejected') continue;
    const ev = eventOf(entry);
    if ((ev.type === 'appeal.submitted' || ev.type === 'application.submitted') && submittedAt === undefined) submittedAt = ev.data.submittedAt;
    if ((ev.type === 'appeal.registered' || ev.type === 'application.registered') && registered === undefined) {
      registered = { at: ev.data.registeredAt, registrationNumber: ev.data.registrationNumber, system: ev.data.system, ...opt('dueAt', ev.data.dueAt) };
    }
    const reached = statusOf(ev);
    if (!reached || seen.has(reached.status)) continue;
    seen.add(reached.status);
    statuses.push({ status: reached.status, at: reached.at, eventId: entry.eventId ?? ev.id });
    if (FINAL.has(reached.status) && closed === undefined) closed = { status: reached.status as (typeof FINAL_CASE_STATUSES)[number], at: reached.at };
  }
  return { ...opt('submittedAt', submittedAt), ...opt('registered', registered), statuses, ...opt('closed', closed) };
}

/** The state of a case: its row, and the milestones and last change from its journal entries. */
export function caseView(tenant: string, caseRef: string, record: CaseRecord, entries: readonly CaseEntry[]): CaseView {
  const last = [...entries].reverse().find((e) => e.status !== 'rejected' && e.body);
  const lastEvent = last ? eventOf(last) : undefined;
  return {
    tenant,
    caseRef,
    kind: record.kind,
    status: record.status,
    // A case a result opened before its submission arrived has no status time of its own yet.
    ...(record.statusAt.getTime() > 0 ? { statusSince: record.statusAt.toISOString() } : {}),
    registrations: Object.entries(record.externalIds).map(([system, r]) => ({
      system,
      ...opt('externalId', r?.externalId),
      ...opt('registrationNumber', r?.registrationNumber),
      ...opt('registeredAt', r?.registeredAt),
    })),
    milestones: milestones(entries),
    ...(last && lastEvent ? { lastChange: { type: lastEvent.type, eventId: last.eventId ?? lastEvent.id, occurredAt: occurredAt(lastEvent, last.at), journaledAt: last.at } } : {}),
    version: record.version,
    openedAt: record.createdAt.toISOString(),
  };
}
