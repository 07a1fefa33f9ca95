import { Controller, Get, Inject, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { KPI_NAMES } from '../../deadlines/kpi-report.mapper';
import { addDays } from '../../deadlines/local-date.codec';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { tenantsAllowing } from '../auth/admin.roles';
import { langOf, t, type ConsoleLang } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import '../operations/operations-words.config';
import { CHART_COLOURS, CHART_SVG, columnChart, shareChart } from './dashboard-chart.mapper';
import { DashboardService, type Dashboard, type SlaCounts } from './dashboard.service';

const STATES = ['dueToday', 'atRisk', 'overdue', 'paused'] as const;
type State = (typeof STATES)[number];
const STATE_COLOUR: Record<State, string> = { dueToday: CHART_COLOURS.warn, atRisk: CHART_COLOURS.accent, overdue: CHART_COLOURS.bad, paused: CHART_COLOURS.muted };

const PAGE = `<form class="filters" method="get" action="${CONSOLE_BASE}/dashboard" id="dashboard-filters">
<label>{{#t}}common.tenant{{/t}}<select name="tenant">{{#tenants}}<option value="{{id}}"{{#sel}} selected{{/sel}}>{{id}}</option>{{/tenants}}</select></label>
<label>{{#t}}dashboard.from{{/t}}<input type="date" name="from" value="{{from}}"></label>
<label>{{#t}}dashboard.to{{/t}}<input type="date" name="to" value="{{to}}"></label>
<button type="submit">{{#t}}common.filter{{/t}}</button></form>
{{^deadlines}}<p class="muted" id="no-deadlines">{{#t}}dashboard.noDeadlines{{/t}}</p>{{/deadlines}}
{{#deadlines}}
<p class="muted">{{today}} · {{timeZone}} · {{#t}}dashboard.hint{{/t}}</p>
<div class="cards" id="sla-totals">{{#totals}}<div class="card" data-state="{{state}}"><div class="n"><a href="{{href}}" data-count="{{state}}">{{n}}</a></div>{{label}}</div>{{/totals}}</div>
<h2>{{#t}}dashboard.addressee{{/t}}</h2>
<table id="sla-by-addressee"><thead><tr><th>{{#t}}dashboard.addressee{{/t}}</th>{{#stateHeads}}<th>{{.}}</th>{{/stateHeads}}<th>{{#t}}dashboard.open{{/t}}</th></tr></thead><tbody>
{{#rows}}<tr data-addressee="{{addressee}}"><td>{{name}}</td>{{#cells}}<td data-state="{{state}}"><a href="{{href}}">{{n}}</a></td>{{/cells}}<td>{{open}}</td></tr>{{/rows}}
{{^rows}}<tr><td colspan="6" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/rows}}
</tbody></table>
{{#stateChart}}${CHART_SVG}{{/stateChart}}
<h2>{{#t}}dashboard.kpis{{/t}} {{from}} — {{to}}</h2>
<table id="kpis"><thead><tr><th>KPI</th><th>%</th><th>n / N</th></tr></thead><tbody>
{{#kpis}}<tr data-kpi="{{kpi}}"><td>{{label}}</td><td>{{percent}}</td><td>{{numerator}} / {{denominator}}</td></tr>{{/kpis}}
</tbody></table>
{{#kpiChart}}${CHART_SVG}{{/kpiChart}}
<h2>{{#t}}dashboard.dueByDay{{/t}}</h2>
{{#dayChart}}${CHART_SVG}{{/dayChart}}
{{/deadlines}}`;

/** The case search the counts link to (another page of the console): the filters by their query names. */
export function caseSearchLink(tenant: string, state: State, today: string, addressee?: string): string {
  const q = new URLSearchParams({ tenant });
  if (state === 'dueToday' || state === 'atRisk') {
    q.set('dueFrom', today);
    q.set('dueTo', state === 'dueToday' ? today : addDays(today, 3));
  } else q.set(state === 'overdue' ? 'overdue' : 'paused', '1');
  if (addressee !== undefined) q.set('addressee', addressee);
  return `${CONSOLE_BASE}/cases?${q.toString()}`;
}

/**
 * The SLA and KPI dashboard (issue 10, item 9): `GET /v1/admin/{tenant}/dashboard?from&to` and
 * `/console/dashboard?tenant&from&to` with server-drawn SVG charts. `dashboard.read` per tenant;
 * reading it changes nothing and is not audited.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class DashboardController {
  constructor(
    private readonly dashboard: DashboardService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get('v1/admin/:tenant/dashboard')
  @Requires('dashboard.read')
  async api(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { from, to } = this.dashboard.period(tenant, req.query.from, req.query.to);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await this.dashboard.report(tenant, from, to));
  }

  @Get('console/dashboard')
  @Requires('dashboard.read', 'any')
  async page(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const allowed = tenantsAllowing(req.principal.grants, 'dashboard.read', Object.keys(this.config.tenants));
    const asked = typeof req.query.tenant === 'string' && req.query.tenant ? req.query.tenant : undefined;
    if (asked !== undefined && !allowed.includes(asked)) throw new AdminDenied(403, `dashboard.read is not among your permissions for tenant ${asked.slice(0, 64)}`);
    const tenant = asked ?? allowed[0];
    if (!tenant) throw new AdminDenied(403, 'dashboard.read is not among your permissions');
    const { from, to } = this.dashboard.period(tenant, req.query.from, req.query.to);
    const d = await this.dashboard.report(tenant, from, to);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(
      renderPage({
        lang,
        principal: req.principal,
        title: `${t(lang, 'dashboard.title')} · ${this.config.tenants[tenant].name}`,
        active: 'dashboard',
        body: renderPart(PAGE, lang, { tenants: allowed.map((id) => ({ id, sel: id === tenant })), ...pageView(d, lang) }),
      }),
    );
  }
}

/** The page's view of a dashboard: cards, table rows with links, charts. */
export function pageView(d: Dashboard, lang: ConsoleLang): Record<string, unknown> {
  if (!d.deadlines || !d.totals || !d.today) return { from: d.from, to: d.to, deadlines: false };
  const today = d.today;
  const label = (s: State) => t(lang, `dashboard.${s}`);
  const name = (a: string) => a || t(lang, 'dashboard.none');
  const rows = d.byAddressee ?? [];
  const kpis = d.kpis;
  return {
    deadlines: true,
    from: d.from,
    to: d.to,
    today,
    timeZone: d.timeZone,
    totals: STATES.map((state) => ({ state, n: d.totals?.[state] ?? 0, label: label(state), href: caseSearchLink(d.tenant, state, today) })),
    stateHeads: STATES.map(label),
    rows: rows.map((r) => ({
      addressee: r.addressee,
      name: name(r.addressee),
      open: r.open,
      cells: STATES.map((state) => ({ state, n: r[state], href: caseSearchLink(d.tenant, state, today, r.addressee) })),
    })),
    stateChart: columnChart({
      id: 'chart-states',
      title: t(lang, 'dashboard.addressee'),
      categories: [t(lang, 'dashboard.all'), ...rows.map((r) => name(r.addressee))],
      series: STATES.map((s) => ({ name: label(s), key: s, fill: STATE_COLOUR[s], values: [d.totals?.[s] ?? 0, ...rows.map((r) => (r as SlaCounts)[s])] })),
    }),
    kpis: kpis ? KPI_NAMES.map((k) => ({ kpi: k, label: t(lang, `kpi.${k}`), ...kpis[k], percent: kpis[k].share === null ? '—' : `${Math.round(kpis[k].share * 1000) / 10}%` })) : [],
    kpiChart: kpis
      ? shareChart({
          id: 'chart-kpis',
          title: t(lang, 'dashboard.kpis'),
          rows: KPI_NAMES.map((k) => ({ label: t(lang, `kpi.${k}`), key: k, share: kpis[k].share, detail: `${kpis[k].numerator}/${kpis[k].denominator}` })),
        })
      : undefined,
    dayChart: columnChart({
      id: 'chart-due-by-day',
      title: t(lang, 'dashboard.dueByDay'),
      stacked: true,
      categories: (d.dueByDay ?? []).map((x) => x.day.slice(5)),
      categoryLabelEvery: Math.max(1, Math.ceil((d.dueByDay ?? []).length / 16)),
      series: [
        { name: t(lang, 'dashboard.onTime'), key: 'onTime', fill: CHART_COLOURS.ok, values: (d.dueByDay ?? []).map((x) => x.onTime) },
        { name: t(lang, 'dashboard.late'), key: 'late', fill: CHART_COLOURS.warn, values: (d.dueByDay ?? []).map((x) => x.late) },
        { name: t(lang, 'dashboard.openLate'), key: 'openLate', fill: CHART_COLOURS.bad, values: (d.dueByDay ?? []).map((x) => x.openLate) },
        { name: t(lang, 'dashboard.openInTime'), key: 'open', fill: CHART_COLOURS.accent, values: (d.dueByDay ?? []).map((x) => x.open) },
      ],
    }),
  };
}
