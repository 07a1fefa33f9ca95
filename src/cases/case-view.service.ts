import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { CaseHistory, CaseKind, CaseView, HistoryStep } from '../../contracts';
import { JournalPosition, JournalRepository } from '../persistence/journal.repository';
import { TransactionRunner } from '../persistence/transaction.runner';
import { CaseRecord, CaseRepository } from './case.repository';
import { caseEntryTypes, caseView, historyStep, milestoneTypes } from './case-view.mapper';

/**
 * Most bytes of journaled events one history page reads (the first step always comes whole). A
 * page of 200 steps with large inline files would otherwise hold 200 MB; past this the page ends
 * early, with `hasMore`.
 */
export const HISTORY_PAGE_BYTES = 8 * 1024 * 1024;

/** What looking a case up found: nothing, one case, or one of each kind with the same caseRef. */
export type CaseLookup<T> = { found: 'none' } | { found: 'ambiguous'; kinds: CaseKind[] } | { found: 'one'; value: T };

/**
 * The portal's read model of a case: its current state and its history, both built in one
 * read-only snapshot from the case row (CaseRepository) and the case's journal entries
 * (JournalRepository), so a result applied meanwhile is either wholly in or wholly out.
 */
@Injectable()
export class CaseViewService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly journal: JournalRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  /** The state of the case with this caseRef among `kinds` of the tenant. */
  async view(tenant: string, caseRef: string, kinds: readonly CaseKind[]): Promise<CaseLookup<CaseView>> {
    return this.transactions.snapshot(async (tx) => {
      const found = await this.one(tx, tenant, caseRef, kinds);
      if (found.found !== 'one') return found;
      const kind = found.value.kind;
      const entries = await this.journal.caseEntries(tx, { tenant, subject: caseRef, ...caseEntryTypes(kind) }, milestoneTypes(kind));
      return { found: 'one', value: caseView(tenant, caseRef, found.value, entries) };
    });
  }

  /**
   * One page of the history, oldest first, after `after` when given. `nextCursor` material is the
   * last step's journal position; with no step on the page, the position asked from stays.
   */
  async history(
    tenant: string,
    caseRef: string,
    kinds: readonly CaseKind[],
    page: { after?: JournalPosition; limit: number },
  ): Promise<CaseLookup<Omit<CaseHistory, 'nextCursor'> & { next?: JournalPosition }>> {
    return this.transactions.snapshot(async (tx) => {
      const found = await this.one(tx, tenant, caseRef, kinds);
      if (found.found !== 'one') return found;
      const kind = found.value.kind;
      // One more than asked for tells whether more follow.
      const entries = await this.journal.casePage(tx, { tenant, subject: caseRef, ...caseEntryTypes(kind) }, { after: page.after, limit: page.limit + 1, bodyBudget: HISTORY_PAGE_BYTES });
      const steps: HistoryStep[] = [];
      let hasMore = false;
      for (const entry of entries) {
        // Past the page's byte budget, or past the limit: the page ends here.
        if (steps.length === page.limit || (entry.status !== 'rejected' && !entry.body)) {
          hasMore = true;
          break;
        }
        steps.push(historyStep(entry));
      }
      const last = steps[steps.length - 1];
      const next = last ? { at: last.journaledAt, id: last.journalId } : page.after;
      return { found: 'one', value: { tenant, caseRef, kind, steps, hasMore, ...(next ? { next } : {}) } };
    });
  }

  private async one(tx: PoolClient, tenant: string, caseRef: string, kinds: readonly CaseKind[]): Promise<CaseLookup<CaseRecord>> {
    const records = await this.cases.find(tx, tenant, caseRef, kinds);
    if (!records.length) return { found: 'none' };
    if (records.length > 1) return { found: 'ambiguous', kinds: records.map((r) => r.kind) };
    return { found: 'one', value: records[0] };
  }
}
