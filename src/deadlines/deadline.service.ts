import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { AppealKind, CaseDeadlineView } from '../../contracts';
import { CLOCK, HUB_CONFIG, type Clock } from '../config/injection.tokens';
import type { HubConfig, TenantDeadlineSettings } from '../config/hub-config.schema';
import { JournalRepository } from '../persistence/journal.repository';
import { TransactionRunner } from '../persistence/transaction.runner';
import { CLOCK_BODY_TYPES, CLOCK_ENTRY_TYPES, type CaseClock, clockOf } from './clock-events.mapper';
import type { BusinessCalendar, DeadlineResult } from './deadline.types';
import { type AppealSubject, subjectOf } from './repeat-appeal.mapper';
import { TenantCalendars } from './tenant.calendars';
import { deadlineFor } from './term.resolver';

/** A case's term as computed now, with what it was computed from. */
export interface CaseDeadline {
  settings: TenantDeadlineSettings;
  calendar: BusinessCalendar;
  appealKind: AppealKind;
  /** What the journal said: the clock events the result was computed from, and the KPI facts. */
  clock: CaseClock;
  result: DeadlineResult;
}

/**
 * Computes a case's statutory term on demand, from the case's own journaled events and the
 * tenant's calendar and profile: the API answers with it, and the scheduler decides its alerts
 * from it. Nothing is counted up or down between reads, so nothing can drift.
 */
@Injectable()
export class DeadlineService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly journal: JournalRepository,
    private readonly calendars: TenantCalendars,
    private readonly transactions: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The term of an appeal for the portal API, computed now in one read-only snapshot; `none`
   * when the tenant has no deadlines or no such appeal.
   */
  async view(tenant: string, caseRef: string): Promise<{ found: 'none' } | { found: 'one'; value: CaseDeadlineView }> {
    return this.transactions.snapshot(async (tx) => {
      const now = this.clock.now();
      const c = await this.compute(tx, tenant, caseRef, now);
      if (!c) return { found: 'none' };
      const r = c.result;
      return {
        found: 'one',
        value: {
          tenant,
          caseRef,
          caseKind: 'appeal',
          profile: r.profile,
          variant: r.variant,
          unit: r.unit,
          calendar: { country: c.calendar.country, timeZone: c.calendar.timeZone, version: c.calendar.version },
          ...(r.startedAt ? { startedAt: r.startedAt } : {}),
          ...(r.dueAt ? { dueAt: r.dueAt } : {}),
          ...(r.dueDate ? { dueDate: r.dueDate } : {}),
          ...(r.originalDueDate ? { originalDueDate: r.originalDueDate } : {}),
          extended: r.extended,
          extensions: r.extensions,
          paused: r.paused,
          pausedDays: r.pausedDays,
          ...(r.answeredAt ? { answeredAt: r.answeredAt } : {}),
          overdue: r.overdue,
          milestones: r.milestones,
          days: r.days,
          notes: r.notes,
          computedAt: now.toISOString(),
        },
      };
    });
  }

  /** The topic and place of these appeals' submissions (repeat detection), by caseRef, in one read. */
  async subjectsOf(tx: PoolClient, tenant: string, caseRefs: readonly string[]): Promise<Map<string, AppealSubject>> {
    const bodies = await this.journal.firstAcceptedOf(tx, tenant, caseRefs, 'appeal.submitted');
    const out = new Map<string, AppealSubject>();
    for (const [caseRef, body] of bodies) {
      try {
        out.set(caseRef, subjectOf(caseRef, (JSON.parse(body.toString('utf8')) as { data?: Record<string, unknown> }).data ?? {}));
      } catch {
        // A body that cannot be read (none should: the journal holds what the contract accepted) is no candidate.
      }
    }
    return out;
  }

  /** Tenants whose cases have statutory terms. */
  tenantsWithDeadlines(): string[] {
    return Object.keys(this.config.tenants).filter((t) => this.config.tenants[t].deadlines);
  }

  /** The tenant's deadline settings; undefined when its cases have no statutory terms. */
  settingsOf(tenant: string): TenantDeadlineSettings | undefined {
    return Object.hasOwn(this.config.tenants, tenant) ? this.config.tenants[tenant].deadlines : undefined;
  }

  /**
   * The term of the appeal with this caseRef at `now`; undefined when the tenant has no deadlines,
   * or the case has no submission journaled yet (a back-office result that arrived first).
   */
  async compute(tx: PoolClient, tenant: string, caseRef: string, now: Date): Promise<CaseDeadline | undefined> {
    const settings = this.settingsOf(tenant);
    if (!settings) return undefined;
    const entries = await this.journal.caseEntries(tx, { tenant, subject: caseRef, ...CLOCK_ENTRY_TYPES }, CLOCK_BODY_TYPES);
    const clock = clockOf(entries);
    if (!clock.appealKind) return undefined;
    const calendar = await this.calendars.forTenant(tx, tenant, settings);
    const result = deadlineFor(settings.profiles[clock.appealKind], clock.events, calendar, now, settings.municipal);
    return { settings, calendar, appealKind: clock.appealKind, clock, result };
  }
}
