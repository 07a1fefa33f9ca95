import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CASE_KINDS } from '../../../contracts';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows, tenantsAllowing } from '../auth/admin.roles';
import { langOf, t, type ConsoleLang } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import { CaseSearchService, filtersOf, filtersQuery } from './case-search.service';
import { CaseTimelineService, type AdminMessageView } from './case-timeline.service';
import { available, checkCanRead, checkCaseRef, kindsOf, revealReason } from './cases.controller';
import './cases-words.config';
import { contactHash, type MaskedField } from './pii-mask.mapper';
import { PiiRevealService, type Revealed } from './pii-reveal.service';
import type { TimelineItem } from './timeline-source.port';

const SEARCH_PAGE_HTML = `<form class="filters" method="get" action="${CONSOLE_BASE}/cases" id="case-search">
<label>{{#t}}common.tenant{{/t}}<select name="tenant" id="f-tenant"><option value="">{{#t}}cases.allTenants{{/t}}</option>{{#tenants}}<option value="{{id}}"{{#sel}} selected{{/sel}}>{{id}}</option>{{/tenants}}</select></label>
<label>{{#t}}cases.caseRef{{/t}}<input name="caseRef" id="f-caseRef" value="{{f.caseRef}}" maxlength="128"></label>
<label>{{#t}}cases.registrationNumber{{/t}}<input name="registrationNumber" id="f-registrationNumber" value="{{f.registrationNumber}}" maxlength="64"></label>
<label>{{#t}}cases.externalId{{/t}}<input name="externalId" id="f-externalId" value="{{f.externalId}}" maxlength="256"></label>
<label>{{#t}}cases.eventId{{/t}}<input name="eventId" id="f-eventId" value="{{f.eventId}}" maxlength="256"></label>
<label>{{#t}}cases.kind{{/t}}<select name="kind" id="f-kind"><option value="">{{#t}}cases.anyKind{{/t}}</option>{{#kinds}}<option value="{{id}}"{{#sel}} selected{{/sel}}>{{id}}</option>{{/kinds}}</select></label>
<label>{{#t}}cases.status{{/t}}<input name="status" id="f-status" value="{{f.status}}" maxlength="64"></label>
<label>{{#t}}cases.adapter{{/t}}<input name="adapter" id="f-adapter" value="{{f.adapter}}" maxlength="128"></label>
<label>{{#t}}cases.dueFrom{{/t}}<input type="date" name="dueFrom" id="f-dueFrom" value="{{f.dueFrom}}"></label>
<label>{{#t}}cases.dueTo{{/t}}<input type="date" name="dueTo" id="f-dueTo" value="{{f.dueTo}}"></label>
<label>{{#t}}cases.overdue{{/t}}<select name="overdue" id="f-overdue"><option value=""></option><option value="true"{{#overdueYes}} selected{{/overdueYes}}>{{#t}}cases.yes{{/t}}</option><option value="false"{{#overdueNo}} selected{{/overdueNo}}>{{#t}}cases.no{{/t}}</option></select></label>
<label>{{#t}}cases.contactHash{{/t}}<input name="contactHash" id="f-contactHash" value="{{f.contactHash}}" maxlength="64" pattern="[0-9a-fA-F]{64}"></label>
<button type="submit" id="search-submit">{{#t}}common.filter{{/t}}</button></form>
<form class="filters action" method="post" action="${CONSOLE_BASE}/cases/contact" id="contact-search"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="tenant" value="{{tenant}}">
<label>{{#t}}cases.contact{{/t}}<input name="contact" id="f-contact" maxlength="320" autocomplete="off" required></label>
<button type="submit" class="secondary">{{#t}}cases.findByContact{{/t}}</button><span class="muted">{{#t}}cases.contactHint{{/t}}</span></form>
<table id="cases"><thead><tr><th>{{#t}}common.tenant{{/t}}</th><th>{{#t}}cases.caseRef{{/t}}</th><th>{{#t}}cases.kind{{/t}}</th><th>{{#t}}cases.status{{/t}}</th><th>{{#t}}cases.registrations{{/t}}</th><th>{{#t}}cases.due{{/t}}</th><th>{{#t}}cases.opened{{/t}}</th></tr></thead><tbody>
{{#cases}}<tr data-case-ref="{{caseRef}}" data-tenant="{{tenant}}"><td>{{tenant}}</td><td><a href="{{href}}" class="case-link">{{caseRef}}</a></td><td>{{kind}}</td><td><span class="badge">{{status}}</span></td><td>{{#registrations}}<div>{{system}}: <strong>{{registrationNumber}}</strong> <span class="muted">{{externalId}}</span></div>{{/registrations}}</td><td>{{#deadline}}{{dueDate}}{{#overdue}} <span class="badge bad">{{#t}}cases.overdue{{/t}}</span>{{/overdue}}{{/deadline}}</td><td>{{openedAt}}</td></tr>{{/cases}}
{{^cases}}<tr><td colspan="7" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/cases}}
</tbody></table>
{{#next}}<p><a href="{{next}}" id="next-page">{{#t}}common.more{{/t}} →</a></p>{{/next}}`;

/** Masked fields with a reveal form each (pii.reveal holders only); the row is what htmx swaps. */
const FIELDS_HTML = `<table class="masked-fields" id="{{fieldsId}}"><thead><tr><th>{{#t}}cases.field{{/t}}</th><th>{{#t}}cases.value{{/t}}</th><th></th></tr></thead><tbody>
{{#fields}}{{> field}}{{/fields}}{{^fields}}<tr><td colspan="3" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/fields}}
</tbody></table>`;

const FIELD_ROW = `<tr data-pointer="{{pointer}}" data-kind="{{kind}}"><td><code>{{pointer}}</code> <span class="muted">{{kind}}</span></td>
<td>{{#revealed}}<span class="revealed" data-revealed="true">{{value}}</span>{{/revealed}}{{^revealed}}<span class="masked">•••{{hint}}</span>{{/revealed}}</td>
<td>{{^revealed}}{{#canReveal}}{{#revealable}}<form method="post" action="{{action}}" class="action reveal" hx-post="{{action}}" hx-target="closest tr" hx-swap="outerHTML"><input type="hidden" name="_csrf" value="{{csrf}}"><input type="hidden" name="pointer" value="{{pointer}}"><input name="reason" required minlength="3" maxlength="1000" placeholder="{{#t}}common.reasonHint{{/t}}"><button type="submit" class="secondary">{{#t}}cases.reveal{{/t}}</button></form>{{/revealable}}{{/canReveal}}{{/revealed}}</td></tr>`;

const CASE_PAGE_HTML = `<div class="split">
<section>
<dl class="case-head" id="case-head" data-case-ref="{{head.caseRef}}" data-kind="{{head.kind}}" data-status="{{head.status}}">
<dt>{{#t}}common.tenant{{/t}}</dt><dd>{{head.tenant}}</dd>
<dt>{{#t}}cases.kind{{/t}}</dt><dd>{{head.kind}}</dd>
<dt>{{#t}}cases.status{{/t}}</dt><dd><span class="badge" id="case-status">{{head.status}}</span> <span class="muted">{{head.statusSince}}</span></dd>
<dt>{{#t}}cases.registrations{{/t}}</dt><dd id="case-registrations">{{#head.registrations}}<div data-system="{{system}}">{{system}}: <strong class="registration-number">{{registrationNumber}}</strong> <span class="muted">{{externalId}}</span></div>{{/head.registrations}}</dd>
<dt>{{#t}}cases.due{{/t}}</dt><dd id="case-deadline">{{#head.deadline}}{{dueDate}} <span class="muted">{{profile}}</span>{{#overdue}} <span class="badge bad">{{#t}}cases.overdue{{/t}}</span>{{/overdue}}{{/head.deadline}}</dd>
<dt>{{#t}}cases.opened{{/t}}</dt><dd>{{head.openedAt}}</dd>
</dl>
<h2>{{#t}}cases.contacts{{/t}}</h2><p class="muted">{{#t}}cases.maskedHint{{/t}}</p>
{{> fields}}
<h2>{{#t}}cases.timeline{{/t}}</h2>
{{#truncated}}<p class="error">{{#t}}cases.truncated{{/t}}</p>{{/truncated}}
<table id="timeline"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}common.what{{/t}}</th><th></th><th></th></tr></thead><tbody>
{{#items}}<tr class="step" data-category="{{category}}" data-source="{{source}}" data-type="{{type}}"{{#journalId}} data-journal-id="{{journalId}}"{{/journalId}}><td>{{at}}</td><td><span class="badge {{tone}}">{{label}}</span> <code>{{type}}</code></td>
<td class="summary">{{#summary}}<div><span class="muted">{{k}}:</span> {{v}}</div>{{/summary}}</td>
<td>{{#journalId}}<a href="{{messageHref}}" hx-get="{{messageHref}}" hx-target="#message-view" hx-swap="innerHTML" class="message-link">{{#t}}cases.open{{/t}}</a>{{/journalId}}</td></tr>{{/items}}
</tbody></table>
</section>
<aside id="message-view"><p class="muted">{{#t}}cases.pickStep{{/t}}</p></aside>
</div>`;

const MESSAGE_HTML = `<div id="message" data-journal-id="{{m.journal.id}}">
<h2>{{#t}}cases.message{{/t}}</h2>
<table id="message-journal"><tbody>{{#journal}}<tr data-attribute="{{k}}"><th>{{k}}</th><td>{{v}}</td></tr>{{/journal}}</tbody></table>
<h2>{{#t}}cases.contacts{{/t}}</h2><p class="muted">{{#t}}cases.maskedHint{{/t}}</p>
{{> fields}}
<h2>{{#t}}cases.event{{/t}}</h2>
<pre id="message-event">{{event}}</pre>
<h2>{{#t}}cases.attempts{{/t}}</h2>
<table id="message-attempts"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}cases.adapter{{/t}}</th><th>#</th><th>{{#t}}cases.outcome{{/t}}</th><th>{{#t}}cases.duration{{/t}}</th><th>{{#t}}cases.breaker{{/t}}</th><th></th></tr></thead><tbody>
{{#attempts}}<tr data-outcome="{{outcome}}" data-breaker="{{breakerState}}"><td>{{startedAt}}</td><td>{{consumer}}</td><td>{{attempt}}</td><td>{{outcome}}</td><td>{{durationMs}}</td><td>{{breakerState}}</td><td>{{error}}</td></tr>{{/attempts}}
{{^attempts}}<tr><td colspan="7" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/attempts}}
</tbody></table></div>`;

const TONE: Record<string, string> = { rejection: 'bad', 'dead-letter': 'bad', validation: 'warn', deadline: 'warn', registration: 'ok', answer: 'ok' };

function summaryRows(s: Record<string, unknown>): { k: string; v: string }[] {
  return Object.entries(s)
    .filter(([, v]) => v !== undefined && v !== null && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => ({ k, v: typeof v === 'string' ? v : JSON.stringify(v) }));
}

/**
 * The console's case pages: the search (`/console/cases`, every filter in the URL; a contact is
 * POSTed and turned into its hash, so it never reaches a URL, a log or a browser history), the
 * case with its timeline and the message view beside it (htmx loads a step's message into the
 * side panel; without JavaScript the link opens the message page), and the reveal forms.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class CasesConsoleController {
  constructor(
    private readonly search: CaseSearchService,
    private readonly timeline: CaseTimelineService,
    private readonly reveal: PiiRevealService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get('console/cases')
  @Requires('cases.read', 'any')
  async list(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const allowed = tenantsAllowing(req.principal.grants, 'cases.read', Object.keys(this.config.tenants));
    const chosen = typeof req.query.tenant === 'string' ? req.query.tenant : '';
    if (chosen && !allowed.includes(chosen)) throw new AdminDenied(403, `cases.read is not among your permissions for tenant ${chosen.slice(0, 64)}`);
    const q = filtersOf(req.query as Record<string, unknown>, ['tenant', 'lang']);
    const page = await available(this.search.search(chosen ? [chosen] : allowed, q.filters, { limit: q.limit, ...(q.after ? { after: q.after } : {}) }));
    const link = (extra: Record<string, string>) => {
      const u = filtersQuery(q.filters);
      if (chosen) u.set('tenant', chosen);
      for (const [k, v] of Object.entries(extra)) u.set(k, v);
      return `${CONSOLE_BASE}/cases?${u.toString()}`;
    };
    const body = renderPart(SEARCH_PAGE_HTML, lang, {
      tenants: allowed.map((id) => ({ id, sel: id === chosen })),
      tenant: chosen,
      kinds: CASE_KINDS.map((id) => ({ id, sel: id === q.filters.kind })),
      f: q.filters,
      overdueYes: q.filters.overdue === true,
      overdueNo: q.filters.overdue === false,
      csrf: req.principal.csrf,
      cases: page.cases.map((c) => ({ ...c, href: `${CONSOLE_BASE}/cases/${encodeURIComponent(c.tenant)}/${encodeURIComponent(c.caseRef)}?kind=${c.kind}` })),
      next: page.nextCursor ? link({ cursor: page.nextCursor }) : undefined,
    });
    this.send(res, renderPage({ lang, principal: req.principal, title: t(lang, 'cases.title'), active: 'cases', body }));
  }

  /** The contact typed by the clerk, hashed on the server: the redirect carries only the hash. */
  @Post('console/cases/contact')
  @Requires('cases.read', 'any')
  contact(@Req() req: AdminRequest, @Res() res: Response): void {
    const h = typeof req.body?.contact === 'string' ? contactHash(req.body.contact) : undefined;
    if (!h) throw new AdminDenied(400, 'a phone number with its country code, or an e-mail address');
    const u = new URLSearchParams({ contactHash: h.hash });
    if (typeof req.body?.tenant === 'string' && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(req.body.tenant)) u.set('tenant', req.body.tenant);
    res.redirect(303, `${CONSOLE_BASE}/cases?${u.toString()}`);
  }

  @Get('console/cases/:tenant/:caseRef')
  @Requires('cases.read')
  async casePage(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.renderCase(req, res, tenant, caseRef);
  }

  @Post('console/cases/:tenant/:caseRef/reveal')
  @Requires('pii.reveal')
  async revealCase(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    checkCanRead(req, tenant);
    checkCaseRef(caseRef);
    const kinds = kindsOf(req.query.kind ?? req.body?.kind);
    const r = await available(this.reveal.revealCase(req.principal, tenant, caseRef, kinds, req.body?.pointer, revealReason(req.body)));
    if (req.headers['hx-request']) return this.sendRow(req, res, r, this.caseRevealAction(tenant, caseRef, req.query.kind));
    await this.renderCase(req, res, tenant, caseRef, r);
  }

  @Get('console/messages/:tenant/:journalId')
  @Requires('cases.read')
  async messagePage(@Param('tenant') tenant: string, @Param('journalId') journalId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.renderMessage(req, res, tenant, journalId);
  }

  @Post('console/messages/:tenant/:journalId/reveal')
  @Requires('pii.reveal')
  async revealMessage(@Param('tenant') tenant: string, @Param('journalId') journalId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    checkCanRead(req, tenant);
    const r = await available(this.reveal.revealMessage(req.principal, tenant, journalId, req.body?.pointer, revealReason(req.body)));
    if (req.headers['hx-request']) return this.sendRow(req, res, r, this.messageRevealAction(tenant, journalId));
    await this.renderMessage(req, res, tenant, journalId, r);
  }

  private caseRevealAction(tenant: string, caseRef: string, kind: unknown): string {
    return `${CONSOLE_BASE}/cases/${encodeURIComponent(tenant)}/${encodeURIComponent(caseRef)}/reveal${typeof kind === 'string' && kind ? `?kind=${encodeURIComponent(kind)}` : ''}`;
  }

  private messageRevealAction(tenant: string, journalId: string): string {
    return `${CONSOLE_BASE}/messages/${encodeURIComponent(tenant)}/${encodeURIComponent(journalId)}/reveal`;
  }

  private fieldRows(req: AdminRequest, tenant: string, fields: readonly MaskedField[], action: string, revealed?: Revealed) {
    const canReveal = allows(req.principal.grants, 'pii.reveal', tenant);
    return fields.map((f) => ({
      ...f,
      hint: f.hint ? (f.hint.startsWith('@') || /^\d/.test(f.hint) ? f.hint : ` ${f.hint}`) : '',
      canReveal,
      action,
      csrf: req.principal.csrf,
      ...(revealed && revealed.pointer === f.pointer ? { revealed: true, value: typeof revealed.value === 'string' ? revealed.value : JSON.stringify(revealed.value) } : {}),
    }));
  }

  private sendRow(req: AdminRequest, res: Response, r: Revealed, action: string): void {
    const lang = langOf(req);
    const row = renderPart(FIELD_ROW, lang, this.fieldRows(req, '', [{ pointer: r.pointer, kind: r.kind, revealable: true }], action, r)[0]);
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type('text/html').send(row);
  }

  private async renderCase(req: AdminRequest, res: Response, tenant: string, caseRef: string, revealed?: Revealed): Promise<void> {
    const lang = langOf(req);
    checkCaseRef(caseRef);
    const found = await available(this.timeline.timeline(tenant, caseRef, kindsOf(req.query.kind)));
    if (found.found === 'none') throw new AdminDenied(404, 'this tenant has no case with this caseRef');
    if (found.found === 'ambiguous') throw new AdminDenied(409, `this tenant has an appeal and an application with this caseRef: open it with ?kind=${found.kinds.join(' or ?kind=')}`);
    const v = found.value;
    const action = this.caseRevealAction(tenant, caseRef, v.case.kind);
    const body = renderPart(CASE_PAGE_HTML.replace('{{> fields}}', FIELDS_HTML.replace('{{> field}}', FIELD_ROW)), lang, {
      head: v.case,
      fieldsId: 'case-contacts',
      fields: this.fieldRows(req, tenant, v.case.maskedFields, action, revealed),
      truncated: v.truncated,
      items: v.items.map((it: TimelineItem) => ({
        ...it,
        label: t(lang, `cases.cat.${it.category}`),
        tone: TONE[it.category] ?? '',
        summary: summaryRows(it.summary),
        messageHref: it.journalId ? `${CONSOLE_BASE}/messages/${encodeURIComponent(tenant)}/${encodeURIComponent(it.journalId)}` : undefined,
      })),
    });
    this.send(res, renderPage({ lang, principal: req.principal, title: `${v.case.caseRef} · ${v.case.tenant}`, active: 'cases', body }));
  }

  private async renderMessage(req: AdminRequest, res: Response, tenant: string, journalId: string, revealed?: Revealed): Promise<void> {
    const lang = langOf(req);
    const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(journalId) ? await available(this.timeline.message(tenant, journalId)) : undefined;
    if (!m) throw new AdminDenied(404, 'this tenant has no journal entry with this id');
    const body = this.messagePart(lang, req, tenant, m, revealed);
    // htmx loads the message into the timeline's side panel: the part alone.
    if (req.headers['hx-request']) {
      res.setHeader('Cache-Control', 'no-store');
      return void res.status(200).type('text/html').send(body);
    }
    this.send(res, renderPage({ lang, principal: req.principal, title: t(lang, 'cases.message'), active: 'cases', body }));
  }

  private messagePart(lang: ConsoleLang, req: AdminRequest, tenant: string, m: AdminMessageView, revealed?: Revealed): string {
    return renderPart(MESSAGE_HTML.replace('{{> fields}}', FIELDS_HTML.replace('{{> field}}', FIELD_ROW)), lang, {
      m,
      journal: summaryRows(m.journal as unknown as Record<string, unknown>),
      fieldsId: 'message-fields',
      fields: this.fieldRows(req, tenant, m.maskedFields, this.messageRevealAction(tenant, m.journal.id), revealed),
      event: m.event === null ? '' : typeof m.event === 'string' ? m.event : JSON.stringify(m.event, null, 2),
      attempts: m.attempts.map((a) => ({ ...a, startedAt: a.startedAt.toISOString(), breakerState: a.breakerState ?? '' })),
    });
  }

  private send(res: Response, html: string): void {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).type('text/html').send(html);
  }
}
