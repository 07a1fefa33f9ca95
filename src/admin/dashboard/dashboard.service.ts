import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../../config/injection.tokens';
import { DeadlineRepository, type DueDayRow, type SlaRow } from '../../deadlines/deadline.repository';
import { DeadlineService } from '../../deadlines/deadline.service';
import { KPI_NAMES, type KpiFigure, type KpiName } from '../../deadlines/kpi-report.mapper';
import { KpiService } from '../../deadlines/kpi.service';
import { addDays, daysBetween, isLocalDate, localDateOf } from '../../deadlines/local-date.codec';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminDenied } from '../auth/admin.guard';

/** Longest period of one dashboard: a year and a day. */
export const MAX_PERIOD_DAYS = 366;

/** Open terms by state. */
export interface SlaCounts {
  dueToday: number;
  atRisk: number;
  overdue: number;
  paused: number;
  open: number;
}

/** The SLA and KPI dashboard of one tenant. */
export interface Dashboard {
  tenant: string;
  /** false: the tenant has no statutory deadlines (nothing below but the period). */
  deadlines: boolean;
  timeZone?: string;
  today?: string;
  from: string;
  to: string;
  computedAt: string;
  totals?: SlaCounts;
  /** Per executor (the appeal's addressee id; '' when none was given). */
  byAddressee?: ({ addressee: string } & SlaCounts)[];
  kpis?: Record<KpiName, KpiFigure>;
  kpisByAddressee?: { addressee: string; kpis: Record<KpiName, KpiFigure> }[];
  dueByDay?: { day: string; onTime: number; late: number; openLate: number; open: number }[];
}

const counts = (r: SlaRow): SlaCounts => ({ dueToday: r.due_today, atRisk: r.at_risk, overdue: r.overdue, paused: r.paused, open: r.open });

/**
 * The SLA and KPI dashboard (issue 10, item 9): open terms due today, at risk (inside the last
 * warning threshold, T−3), overdue and paused, overall and per executor, from what the deadline
 * scheduler keeps per case (case_deadline); and the seed-004 KPIs of a period with the same
 * engine as `GET /v1/kpi` (KpiService). "Today" is the local date in the tenant's zone on the hub's
 * clock. Everything is read in snapshots; nothing is written.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly repo: DeadlineRepository,
    private readonly deadlines: DeadlineService,
    private readonly kpis: KpiService,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The period asked for, checked; by default the current month of the tenant's calendar (or UTC). */
  period(tenant: string, from: unknown, to: unknown): { from: string; to: string } {
    const zone = this.deadlines.settingsOf(tenant)?.timeZone ?? 'UTC';
    const today = localDateOf(this.clock.now(), zone);
    const first = `${today.slice(0, 8)}01`;
    const f = from === undefined || from === '' ? first : from;
    const t = to === undefined || to === '' ? addDays(addDays(first, 31).slice(0, 8) + '01', -1) : to;
    if (!isLocalDate(f)) throw new AdminDenied(400, 'from: the first day of the period as YYYY-MM-DD');
    if (!isLocalDate(t)) throw new AdminDenied(400, 'to: the last day of the period as YYYY-MM-DD');
    if (t < f || daysBetween(f, t) >= MAX_PERIOD_DAYS) throw new AdminDenied(400, `to: on or after from, at most ${MAX_PERIOD_DAYS} days later`);
    return { from: f, to: t };
  }

  async report(tenant: string, from: string, to: string): Promise<Dashboard> {
    const settings = this.deadlines.settingsOf(tenant);
    const now = this.clock.now();
    if (!settings) return { tenant, deadlines: false, from, to, computedAt: now.toISOString() };
    const today = localDateOf(now, settings.timeZone);
    const [rows, days] = await this.tx.snapshot(async (tx) => [await this.repo.slaCounts(tx, { tenant, now, today }), await this.repo.dueByDay(tx, { tenant, from, to, now })] as const);
    const [overall, byAddressee] = await Promise.all([this.kpis.report(tenant, from, to), this.kpis.report(tenant, from, to, 'addressee')]);
    const totals = rows.reduce<SlaCounts>(
      (acc, r) => ({ dueToday: acc.dueToday + r.due_today, atRisk: acc.atRisk + r.at_risk, overdue: acc.overdue + r.overdue, paused: acc.paused + r.paused, open: acc.open + r.open }),
      { dueToday: 0, atRisk: 0, overdue: 0, paused: 0, open: 0 },
    );
    return {
      tenant,
      deadlines: true,
      timeZone: settings.timeZone,
      today,
      from,
      to,
      computedAt: now.toISOString(),
      totals,
      byAddressee: rows.map((r) => ({ addressee: r.addressee, ...counts(r) })),
      ...(overall ? { kpis: overall.groups[0].kpis } : {}),
      ...(byAddressee ? { kpisByAddressee: byAddressee.groups.filter((g) => KPI_NAMES.some((k) => g.kpis[k].denominator > 0)).map((g) => ({ addressee: g.addressee ?? '', kpis: g.kpis })) } : {}),
      dueByDay: days.map((d: DueDayRow) => ({ day: d.day, onTime: d.on_time, late: d.late, openLate: d.open_late, open: d.open })),
    };
  }
}
