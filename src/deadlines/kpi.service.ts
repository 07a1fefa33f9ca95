import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { CLOCK, type Clock } from '../config/injection.tokens';
import { MetricsService } from '../metrics/metrics.service';
import { TransactionRunner } from '../persistence/transaction.runner';
import { DeadlineRepository } from './deadline.repository';
import { emptyRow, KPI_NAMES, kpisOf, type KpiName, type KpiReport } from './kpi-report.mapper';
import { DeadlineService } from './deadline.service';

/** How long a scrape reuses the KPIs it computed (the query reads every case of the month). */
const GAUGE_TTL_MS = 300_000;

/**
 * The managers' KPIs (seed 004: repeat appeals, postponed decisions, late answers, taken into
 * work within a day, solved by T−3), counted from the facts the deadline scheduler keeps per case
 * (themselves recomputed from each case's journal), with the cases a KPI excludes left out: an
 * exclusion always names who decided it and why.
 */
@Injectable()
export class KpiService {
  constructor(
    private readonly repo: DeadlineRepository,
    private readonly deadlines: DeadlineService,
    private readonly tx: TransactionRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    // The current month's shares per tenant on /metrics, computed on scrape and reused for five minutes.
    let cached: { at: number; reports: KpiReport[] } | undefined;
    const month = (): { from: string; to: string } => {
      const now = this.clock.now();
      const y = now.getUTCFullYear();
      const m = now.getUTCMonth();
      const iso = (d: Date) => d.toISOString().slice(0, 10);
      return { from: iso(new Date(Date.UTC(y, m, 1))), to: iso(new Date(Date.UTC(y, m + 1, 0))) };
    };
    const tenants = () => this.deadlines.tenantsWithDeadlines();
    const report = (tenant: string, from: string, to: string) => this.report(tenant, from, to);
    new Gauge({
      name: 'hub_kpi_share',
      help: 'Share of cases meeting each seed-004 KPI this calendar month, per tenant (repeat, postponed, late, taken, solvedByT3)',
      labelNames: ['tenant', 'kpi'],
      registers: [metrics.registry],
      async collect() {
        if (!cached || Date.now() - cached.at > GAUGE_TTL_MS) {
          const { from, to } = month();
          const reports: KpiReport[] = [];
          for (const t of tenants()) {
            const r = await report(t, from, to).catch(() => undefined);
            if (r) reports.push(r);
          }
          cached = { at: Date.now(), reports };
        }
        this.reset();
        for (const r of cached.reports)
          for (const k of KPI_NAMES) {
            const share = r.groups[0]?.kpis[k].share;
            if (share !== null && share !== undefined) this.set({ tenant: r.tenant, kpi: k }, share);
          }
      },
    });
  }

  /** undefined when the tenant has no deadlines. */
  async report(tenant: string, from: string, to: string, by?: 'addressee'): Promise<KpiReport | undefined> {
    const settings = this.deadlines.settingsOf(tenant);
    if (!settings) return undefined;
    const now = this.clock.now();
    const rows = await this.tx.snapshot((tx) => this.repo.kpis(tx, { tenant, from, to, timeZone: settings.timeZone, now, byAddressee: by === 'addressee' }));
    return {
      tenant,
      from,
      to,
      timeZone: settings.timeZone,
      ...(by ? { by } : {}),
      groups: (rows.length ? rows : [emptyRow()]).map((r) => ({ ...(by ? { addressee: r.group } : {}), kpis: kpisOf(r) })),
      computedAt: now.toISOString(),
    };
  }

  /** Leaves a case out of a KPI; `unknown-case` when the tenant has no such appeal with a term. */
  async exclude(e: { tenant: string; caseRef: string; kpi: KpiName; reason: string; actor: string }): Promise<'excluded' | 'already' | 'unknown-case'> {
    return this.tx.run(async (tx) => {
      if (!(await this.repo.hasCase(tx, e.tenant, e.caseRef))) return 'unknown-case';
      return (await this.repo.exclude(tx, e)) ? 'excluded' : 'already';
    });
  }
}
