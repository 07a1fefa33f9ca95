import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { CaseKind } from '../../../contracts';
import { AttemptRepository, type StoredAttempt } from '../../adapter-host/attempt.repository';
import { CaseRepository, type AdminCaseRow } from '../../cases/case.repository';
import type { CaseLookup } from '../../cases/case-view.service';
import { DeadlineRepository, type DeadlineSummary } from '../../deadlines/deadline.repository';
import { JournalRepository, type JournalRecord } from '../../persistence/journal.repository';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { documentOf, journalItems, maskErrors, maskMessage, ofKind, type MessageDocument } from './case-timeline.mapper';
import { CASE_RULES, maskDocument, type MaskedField } from './pii-mask.mapper';
import { CASE_TIMELINE_SOURCES, type TimelineItem, type TimelineSource } from './timeline-source.port';

/** Most journal entries of one case the timeline reads (a case has tens; a runaway one is cut, and says so). */
export const TIMELINE_MAX_ENTRIES = 2000;
/** Most bytes of bodies the timeline reads for one case; past them entries show without their details. */
export const TIMELINE_BODY_BYTES = 16 * 1024 * 1024;

/** The case at the head of the timeline, its contacts masked. */
export interface AdminCaseHead {
  tenant: string;
  kind: CaseKind;
  caseRef: string;
  status: string;
  statusSince?: string;
  version: number;
  openedAt: string;
  updatedAt: string;
  registrations: { system: string; registrationNumber?: string; externalId?: string; registeredAt?: string }[];
  /** `{ citizenRef, recipient }` with personal data masked; reveal by pointer. */
  contacts: unknown;
  maskedFields: MaskedField[];
  deadline?: { profile: string; dueDate?: string; dueAt?: string; overdue: boolean; extensions: number; answeredAt?: string };
}

/** A case's admin timeline: the head, and every step from every source in time order. */
export interface AdminCaseTimeline {
  case: AdminCaseHead;
  items: TimelineItem[];
  /** The sources asked (the journal's steps first). */
  sources: string[];
  /** More journal entries than the timeline reads, or bodies past its budget. */
  truncated: boolean;
}

/** A journal entry as the message view shows it, its body masked. */
export interface AdminMessageView {
  journal: Omit<JournalRecord, 'body' | 'errors'> & { errors: unknown };
  /** The event as journaled (attributes and data), masked; a text for a body that is not JSON; null when erased or empty. */
  event: unknown;
  maskedFields: MaskedField[];
  attempts: StoredAttempt[];
}

function registrations(row: AdminCaseRow): AdminCaseHead['registrations'] {
  return Object.entries(row.externalIds).map(([system, r]) => ({
    system,
    ...(r?.registrationNumber ? { registrationNumber: r.registrationNumber } : {}),
    ...(r?.externalId ? { externalId: r.externalId } : {}),
    ...(r?.registeredAt ? { registeredAt: r.registeredAt } : {}),
  }));
}

/** The personal part of a case row, as the reveal reads it: what the case rules mask. */
export function caseContactsOf(row: AdminCaseRow): { citizenRef?: string; recipient?: Record<string, unknown> } {
  return { ...(row.citizenRef ? { citizenRef: row.citizenRef } : {}), ...(row.recipient ? { recipient: row.recipient } : {}) };
}

function deadlineView(d: DeadlineSummary | undefined): AdminCaseHead['deadline'] {
  if (!d) return undefined;
  return {
    profile: d.profile,
    ...(d.dueDate ? { dueDate: d.dueDate } : {}),
    ...(d.dueAt ? { dueAt: d.dueAt.toISOString() } : {}),
    overdue: d.overdue,
    extensions: d.extensions,
    ...(d.answeredAt ? { answeredAt: d.answeredAt.toISOString() } : {}),
  };
}

/**
 * The admin's read model of a case: the portal's history (case-view.mapper.ts) widened to
 * everything the hub knows of the case, in one read-only snapshot: the journal's entries of the
 * case (ingress, refusals, file checks, routing, everything emitted), then each timeline source
 * (attempts, the case's audit, notifications; dead letters once that source is listed), each
 * through the repository that owns its table. Personal data is masked before it leaves here.
 */
@Injectable()
export class CaseTimelineService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly journal: JournalRepository,
    private readonly deadlines: DeadlineRepository,
    private readonly attempts: AttemptRepository,
    private readonly transactions: TransactionRunner,
    @Inject(CASE_TIMELINE_SOURCES) private readonly sources: readonly TimelineSource[],
  ) {}

  async timeline(tenant: string, caseRef: string, kinds: readonly CaseKind[]): Promise<CaseLookup<AdminCaseTimeline>> {
    return this.transactions.snapshot(async (tx) => {
      const found = await this.caseOf(tx, tenant, caseRef, kinds);
      if (found.found !== 'one') return found;
      const row = found.value;
      const records = (await this.journal.caseRecords(tx, tenant, caseRef, { limit: TIMELINE_MAX_ENTRIES + 1, bodyBudget: TIMELINE_BODY_BYTES })).filter((r) => ofKind(r, row.kind));
      const truncated = records.length > TIMELINE_MAX_ENTRIES || records.some((r) => !r.body && r.bodySize > 0 && !r.bodyErased);
      const kept = records.slice(0, TIMELINE_MAX_ENTRIES);
      const items = kept.flatMap(journalItems);
      const ctx = { tenant, kind: row.kind, caseId: row.id, caseRef, journalIds: kept.map((r) => r.id) };
      for (const s of this.sources) items.push(...(await s.read(tx, ctx)));
      // Stable: steps at the same instant keep their source order (an entry before its routing).
      const order = items.map((it, i) => ({ it, i, t: Date.parse(it.at) }));
      order.sort((a, b) => a.t - b.t || a.i - b.i);
      const deadline = (await this.deadlines.summaries(tx, [row.id])).get(row.id);
      return { found: 'one', value: { case: this.head(row, deadline), items: order.map((o) => o.it), sources: ['journal', ...this.sources.map((s) => s.name)], truncated } };
    });
  }

  /** One journal entry of the tenant with its attempts, masked; undefined when the tenant has no such entry. */
  async message(tenant: string, journalId: string): Promise<AdminMessageView | undefined> {
    return this.transactions.snapshot(async (tx) => {
      const r = await this.journal.record(tx, tenant, journalId);
      if (!r) return undefined;
      const masked = maskMessage(r, documentOf(r));
      const { body: _b, errors, ...journal } = r;
      return { journal: { ...journal, errors: maskErrors(errors) }, event: masked.value, maskedFields: masked.fields, attempts: await this.attempts.forMessages(tx, [r.id]) };
    });
  }

  /** A journal entry's body in clear, for a reveal (pii-reveal.service.ts). */
  async messageDocument(tenant: string, journalId: string): Promise<{ record: JournalRecord; doc: MessageDocument } | undefined> {
    return this.transactions.snapshot(async (tx) => {
      const r = await this.journal.record(tx, tenant, journalId);
      return r ? { record: r, doc: documentOf(r) } : undefined;
    });
  }

  /** A case row in clear, for a reveal. */
  async caseRow(tenant: string, caseRef: string, kinds: readonly CaseKind[]): Promise<CaseLookup<AdminCaseRow>> {
    return this.transactions.snapshot((tx) => this.caseOf(tx, tenant, caseRef, kinds));
  }

  private head(row: AdminCaseRow, deadline: DeadlineSummary | undefined): AdminCaseHead {
    const contacts = maskDocument(caseContactsOf(row), CASE_RULES);
    const d = deadlineView(deadline);
    return {
      tenant: row.tenant,
      kind: row.kind,
      caseRef: row.caseRef,
      status: row.status,
      ...(row.statusAt.getTime() > 0 ? { statusSince: row.statusAt.toISOString() } : {}),
      version: row.version,
      openedAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      registrations: registrations(row),
      contacts: contacts.value,
      maskedFields: contacts.fields,
      ...(d ? { deadline: d } : {}),
    };
  }

  private async caseOf(tx: PoolClient, tenant: string, caseRef: string, kinds: readonly CaseKind[]): Promise<CaseLookup<AdminCaseRow>> {
    const rows = await this.cases.adminFind(tx, tenant, caseRef, kinds);
    if (!rows.length) return { found: 'none' };
    if (rows.length > 1) return { found: 'ambiguous', kinds: rows.map((r) => r.kind) };
    return { found: 'one', value: rows[0] };
  }
}
