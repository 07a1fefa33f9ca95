import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { CloudEvent, ResultEvent } from '../../contracts';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { EventEmitter } from '../outbox/event.emitter';
import { JournalRepository } from '../persistence/journal.repository';
import { AuditLine, CaseRepository, CaseRow } from './case.repository';

/** The journal's de-duplication key of a keyed result of an adapter instance. */
export function resultDedupeKey(instance: string, key: string): string {
  return `result\n${instance}\n${key}`;
}

/** Why a result exists: the routed event that the adapter handled (or the poll that found it). */
export interface ResultCause {
  /** Adapter instance that produced the result. */
  instance: string;
  /** CloudEvent id of the event that caused it, if any. */
  eventId?: string;
  correlationId?: string;
}

/** What applying one result did. */
export interface AppliedResult {
  /** `duplicate`: a keyed result already applied or journaled; nothing written. */
  outcome: 'applied' | 'ignored' | 'duplicate';
  journalId?: string;
  event?: CloudEvent;
  /** To publish once the transaction commits (only for applied results). */
  message?: OutgoingMessage;
}

const STATUS_OF: Partial<Record<string, (data: Record<string, unknown>) => string>> = {
  'appeal.registered': () => 'registered',
  'application.registered': () => 'registered',
  'appeal.status-changed': (d) => String(d.status),
  'application.status-changed': (d) => String(d.status),
  'appeal.answered': () => 'answered',
};

/** Statuses after which a case takes no further status (it may still gain ids and documents). */
const FINAL = new Set(['answered', 'rejected', 'fulfilled']);

/**
 * How far along a case is: submitted → registered → in work (any intermediate status) → final.
 * A case never moves to an earlier stage, whatever the timestamps say: a second registration
 * after the answer (two documents for one case, a late poll) must not reopen it.
 */
export function stageOf(status: string): number {
  if (status === 'submitted') return 0;
  if (status === 'registered') return 1;
  return FINAL.has(status) ? 3 : 2;
}

/**
 * Whether a result with `next` status at `at` must not be applied: it would move the case to an
 * earlier stage, the case is final already, or the back office's own clock says it is older than
 * what the case holds. The portal's submission time comes from another clock, so it is never
 * compared.
 */
export function isStale(current: { status: string; statusAt: Date }, next: string, at: Date): boolean {
  const from = stageOf(current.status);
  if (stageOf(next) < from) return true;
  if (from === 3) return true; // final: nothing moves it, not even another final status
  if (current.status === 'submitted') return false;
  return at < current.statusAt || (at.getTime() === current.statusAt.getTime() && next === current.status);
}

/**
 * Applies results from back offices to cases, in order: within one transaction the case row is
 * locked, a result that would move the case backwards is journaled as `ignored` and not
 * published, and an applied one updates status, external ids and version, writes the audit
 * lines, and is emitted (journal + outbox) for `cabinet.out`.
 */
@Injectable()
export class CaseStateService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly emitter: EventEmitter,
    private readonly journal: JournalRepository,
  ) {}

  /** Which result keys of an instance are committed already (see ResultEvent.key). */
  async knownKeys(instance: string, keys: readonly string[]): Promise<Set<string>> {
    const found = await this.journal.knownKeys(
      undefined,
      keys.map((k) => resultDedupeKey(instance, k)),
    );
    return new Set(keys.filter((k) => found.has(resultDedupeKey(instance, k))));
  }

  async apply(tx: PoolClient, result: ResultEvent, cause: ResultCause): Promise<AppliedResult> {
    const kind = result.type.startsWith('appeal.') ? 'appeal' : 'application';
    // Built (and checked against the contract) before anything is written: a bad mapping fails here, not at the portal.
    const emission = {
      type: result.type,
      tenant: result.tenant,
      data: result.data,
      time: result.occurredAt,
      subject: result.caseRef,
      via: `adapter:${cause.instance}`,
      ...(cause.correlationId ? { correlationId: cause.correlationId } : {}),
      ...(cause.eventId ? { causationId: cause.eventId } : {}),
    };
    this.emitter.build(emission);
    const kase = await this.cases.lockForResult(tx, result.tenant, kind, result.caseRef);
    // Checked under the case's lock: a concurrent repeat of the same keyed result waits here and then finds it.
    const dedupeKey = result.key ? resultDedupeKey(cause.instance, result.key) : undefined;
    if (dedupeKey && (await this.journal.knownKeys(tx, [dedupeKey])).size) return { outcome: 'duplicate' };
    const newStatus = STATUS_OF[result.type]?.(result.data as unknown as Record<string, unknown>);
    const occurredAt = new Date(result.occurredAt);
    const stale = newStatus !== undefined ? isStale(kase, newStatus, occurredAt) : false;
    const emitted = await this.emitter.emit(tx, { ...emission, ignored: stale, ...(dedupeKey ? { dedupeKey } : {}) });
    if (stale) return { outcome: 'ignored', journalId: emitted.journalId, event: emitted.event };

    const { lines, externalIds } = changes(kase, result, newStatus);
    await this.cases.update(tx, kase.id, { status: newStatus ?? kase.status, ...(newStatus !== undefined ? { statusAt: occurredAt.toISOString() } : {}), externalIds });
    await this.cases.audit(tx, kase.id, lines, emission.via, emitted.journalId);
    return { outcome: 'applied', journalId: emitted.journalId, event: emitted.event, message: emitted.message };
  }
}

/** What a result changes on a case: audit lines and the new external ids. */
function changes(kase: CaseRow, result: ResultEvent, newStatus: string | undefined): { lines: AuditLine[]; externalIds: Record<string, unknown> } {
  const lines: AuditLine[] = [];
  let externalIds = kase.externalIds;
  const data = result.data as unknown as { system?: string; externalId?: string; registrationNumber?: string; registeredAt?: string };
  if (result.type.endsWith('.registered') && data.system) {
    const entry = { externalId: data.externalId, registrationNumber: data.registrationNumber, registeredAt: data.registeredAt };
    lines.push({ attribute: `external_ids.${data.system}`, oldValue: kase.externalIds[data.system] ? JSON.stringify(kase.externalIds[data.system]) : null, newValue: JSON.stringify(entry) });
    externalIds = { ...kase.externalIds, [data.system]: entry };
  }
  if (newStatus !== undefined && newStatus !== kase.status) lines.push({ attribute: 'status', oldValue: kase.status, newValue: newStatus });
  if (result.type === 'appeal.deadline-changed') {
    // Who changed the term, how and why (seed 001: every change with its author); the journal entry holds the whole event.
    const d = result.data as unknown as { action: string; until?: string; days?: number; reason: string };
    lines.push({
      attribute: 'deadline',
      oldValue: null,
      newValue: JSON.stringify({ action: d.action, ...(d.until ? { until: d.until } : {}), ...(d.days ? { days: d.days } : {}), reason: d.reason }),
    });
  }
  return { lines, externalIds };
}
