import type { KpiRow } from './deadline.repository';

/** The KPIs of seed 004 («Добродел») the hub computes, by their API names. */
export const KPI_NAMES = ['repeat', 'postponed', 'late', 'taken', 'solvedByT3'] as const;
/** One KPI. */
export type KpiName = (typeof KPI_NAMES)[number];

/** A KPI's count: how many cases meet it out of how many it is about, and the share (null when none are). */
export interface KpiFigure {
  numerator: number;
  denominator: number;
  share: number | null;
}

/** The KPIs of one tenant over a period, overall or per addressee. */
export interface KpiReport {
  tenant: string;
  from: string;
  to: string;
  timeZone: string;
  by?: 'addressee';
  groups: { addressee?: string; kpis: Record<KpiName, KpiFigure> }[];
  computedAt: string;
}

const figure = (n: number, d: number): KpiFigure => ({ numerator: n, denominator: d, share: d ? Math.round((n / d) * 10_000) / 10_000 : null });

/** A group with no cases: every KPI 0 of 0. */
export function emptyRow(): KpiRow {
  return { group: '', repeat_n: 0, repeat_d: 0, postponed_n: 0, postponed_d: 0, late_n: 0, late_d: 0, taken_n: 0, taken_d: 0, t3_n: 0, t3_d: 0 };
}

/** The figures of one group's counts. */
export function kpisOf(r: KpiRow): Record<KpiName, KpiFigure> {
  return {
    repeat: figure(r.repeat_n, r.repeat_d),
    postponed: figure(r.postponed_n, r.postponed_d),
    late: figure(r.late_n, r.late_d),
    taken: figure(r.taken_n, r.taken_d),
    solvedByT3: figure(r.t3_n, r.t3_d),
  };
}

/** The report as CSV (one line per group and KPI), for a spreadsheet. */
export function kpiCsv(r: KpiReport): string {
  const lines = ['tenant,from,to,addressee,kpi,numerator,denominator,share'];
  const cell = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);
  for (const g of r.groups) {
    for (const k of KPI_NAMES) {
      const f = g.kpis[k];
      lines.push([r.tenant, r.from, r.to, g.addressee ?? '', k, String(f.numerator), String(f.denominator), f.share === null ? '' : String(f.share)].map(cell).join(','));
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}
