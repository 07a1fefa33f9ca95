import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { ContractError } from '../../../contracts';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows, tenantsAllowing } from '../auth/admin.roles';
import { langOf, t, type ConsoleLang } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import { rateOf } from './dead-letter.controller';
import type { PlanRow } from './dead-letter.repository';
import { DEFAULT_RATE, DeadLetterService, type ListedLetter } from './dead-letter.service';
import { filterOf, idOf, requiredReason, timeLeftText } from './dead-letter-wire.mapper';
import './dead-letter-words.config';

const B = `${CONSOLE_BASE}/dead-letters`;
const PAGE = 100;

const CSRF = `<input type="hidden" name="_csrf" value="{{csrf}}">`;
const REASON = `<label>{{#t}}common.reason{{/t}}<input name="reason" required minlength="3" maxlength="1000" placeholder="{{#t}}common.reasonHint{{/t}}"></label>`;

const LETTER_ROWS = `{{#letters}}<tr data-letter-id="{{id}}" data-status="{{status}}" data-queue="{{queue}}">
<td>{{failedAt}}</td><td><code>{{queue}}</code></td><td>{{caseRef}}</td><td class="{{dueClass}}">{{timeLeft}}</td><td>{{reason}} <span class="badge">{{errorClass}}</span></td><td>{{attempts}}</td>
<td><code>{{route}}</code></td><td><span class="badge">{{statusLabel}}</span></td><td><a href="${B}/{{tenant}}/letters/{{id}}" data-open="{{id}}">{{#t}}dl.open{{/t}}</a></td></tr>{{/letters}}
{{^letters}}<tr><td colspan="9" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/letters}}`;
const LETTER_HEAD = `<thead><tr><th>{{#t}}dl.failedAt{{/t}}</th><th>{{#t}}dl.queue{{/t}}</th><th>{{#t}}dl.case{{/t}}</th><th>{{#t}}dl.timeLeft{{/t}}</th><th>{{#t}}common.reason{{/t}}</th><th>{{#t}}dl.attempts{{/t}}</th><th>{{#t}}dl.route{{/t}}</th><th>{{#t}}dl.status{{/t}}</th><th></th></tr></thead>`;

const LIST_PAGE = `<p class="muted">{{#t}}dl.hint{{/t}}</p>
<h2>{{#t}}dl.queues{{/t}}</h2>
<table id="dl-queues"><thead><tr><th>{{#t}}dl.queue{{/t}}</th>{{#statuses}}<th>{{label}}</th>{{/statuses}}</tr></thead><tbody>
{{#queues}}<tr data-queue="{{queue}}"><td><a href="${B}?tenant={{tenant}}&amp;queue={{queue}}">{{queue}}</a></td>{{#cells}}<td data-status="{{status}}">{{n}}</td>{{/cells}}</tr>{{/queues}}
{{^queues}}<tr><td colspan="6" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/queues}}</tbody></table>
<form class="filters" id="dl-filters" method="get" action="${B}">
<label>{{#t}}common.tenant{{/t}}<select name="tenant">{{#tenants}}<option value="{{id}}"{{#sel}} selected{{/sel}}>{{id}}</option>{{/tenants}}</select></label>
<label>{{#t}}dl.queue{{/t}}<input name="queue" value="{{f.queue}}" maxlength="255"></label>
<label>{{#t}}dl.status{{/t}}<input name="status" value="{{f.status}}" maxlength="200" placeholder="kept,redriving"></label>
<label>{{#t}}dl.errorClass{{/t}}<input name="errorClass" value="{{f.errorClass}}" maxlength="40"></label>
<label>{{#t}}dl.case{{/t}}<input name="caseRef" value="{{f.caseRef}}" maxlength="200"></label>
<label>{{#t}}dl.type{{/t}}<input name="type" value="{{f.type}}" maxlength="100"></label>
<label>{{#t}}dl.from{{/t}}<input name="from" value="{{f.from}}" maxlength="40"></label>
<label>{{#t}}dl.to{{/t}}<input name="to" value="{{f.to}}" maxlength="40"></label>
<button type="submit">{{#t}}common.filter{{/t}}</button></form>
<table id="dl-list">${LETTER_HEAD}<tbody>${LETTER_ROWS}</tbody></table>
{{#canRedrive}}<form class="action" id="dl-plan-create" method="post" action="${B}/{{tenant}}/plans">${CSRF}
<input type="hidden" name="queue" value="{{f.queue}}"><input type="hidden" name="errorClass" value="{{f.errorClass}}"><input type="hidden" name="caseRef" value="{{f.caseRef}}">
<input type="hidden" name="type" value="{{f.type}}"><input type="hidden" name="from" value="{{f.from}}"><input type="hidden" name="to" value="{{f.to}}">
<button type="submit">{{#t}}dl.plan{{/t}}</button></form>{{/canRedrive}}
<p><a href="${B}/{{tenant}}/approvals" id="dl-approvals-link">{{#t}}dl.approvals{{/t}} ({{pending}})</a></p>
<h2>{{#t}}dl.plans{{/t}}</h2>
<table id="dl-plans"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}dl.status{{/t}}</th><th>{{#t}}dl.planCount{{/t}}</th><th>{{#t}}dl.progress{{/t}}</th><th></th></tr></thead><tbody>
{{#plans}}<tr data-plan-id="{{id}}" data-status="{{status}}"><td>{{createdAt}}</td><td><span class="badge">{{statusLabel}}</span></td><td>{{total}}</td><td>{{redriven}} / {{total}}</td><td><a href="${B}/{{tenant}}/plans/{{id}}">{{#t}}dl.open{{/t}}</a></td></tr>{{/plans}}
{{^plans}}<tr><td colspan="5" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/plans}}</tbody></table>`;

const PROGRESS = `<div id="dl-progress" data-status="{{plan.status}}" data-redriven="{{plan.redriven}}" data-position="{{plan.position}}"{{#running}} hx-get="${B}/{{tenant}}/plans/{{plan.id}}/progress" hx-trigger="every 2s" hx-swap="outerHTML"{{/running}}>
<p><span class="badge{{#running}} warn{{/running}}">{{statusLabel}}</span> {{plan.position}} / {{plan.total}} · {{plan.redriven}} {{#t}}dl.redriven{{/t}} · {{plan.skipped}} {{#t}}dl.skipped{{/t}}{{#plan.ratePerSecond}} · {{plan.ratePerSecond}}/s{{/plan.ratePerSecond}}</p>
{{#plan.lastError}}<p class="error">{{plan.lastError}}</p>{{/plan.lastError}}
{{#plan.startReason}}<p class="muted">{{#t}}common.reason{{/t}}: {{plan.startReason}} ({{plan.startedBy}})</p>{{/plan.startReason}}
{{#plan.cancelReason}}<p class="muted">{{#t}}dl.cancel{{/t}}: {{plan.cancelReason}} ({{plan.cancelledBy}})</p>{{/plan.cancelReason}}
</div>`;

const PLAN_PAGE = `<div class="cards" id="dl-plan" data-plan-id="{{plan.id}}" data-status="{{plan.status}}">
<div class="card"><div class="n" id="dl-plan-total">{{plan.total}}</div>{{#t}}dl.planCount{{/t}}</div>
<div class="card"><div class="n" id="dl-plan-breach">{{plan.breach24h}}</div>{{#t}}dl.breach24h{{/t}}</div></div>
<p class="muted">{{#t}}dl.order{{/t}}</p>
${PROGRESS}
{{#canRedrive}}{{#planned}}<form class="action filters" id="dl-plan-start" method="post" action="${B}/{{tenant}}/plans/{{plan.id}}/start">${CSRF}
<label>{{#t}}dl.rate{{/t}}<input name="ratePerSecond" type="number" min="1" max="{{maxRate}}" value="${DEFAULT_RATE}"></label>${REASON}<button type="submit">{{#t}}dl.start{{/t}}</button></form>{{/planned}}
{{#cancellable}}<form class="action filters" id="dl-plan-cancel" method="post" action="${B}/{{tenant}}/plans/{{plan.id}}/cancel">${CSRF}${REASON}<button class="danger" type="submit">{{#t}}dl.cancel{{/t}}</button></form>{{/cancellable}}{{/canRedrive}}
<table id="dl-plan-letters">${LETTER_HEAD}<tbody>${LETTER_ROWS}</tbody></table>
<p><a href="${B}?tenant={{tenant}}">{{#t}}dl.back{{/t}}</a></p>`;

const LETTER_PAGE = `{{#notice}}<p class="badge ok" id="dl-notice">{{notice}}</p>{{/notice}}
<table id="dl-letter" data-letter-id="{{l.id}}" data-status="{{l.status}}"><tbody>
<tr><th>{{#t}}dl.queue{{/t}}</th><td><code>{{l.queue}}</code></td></tr>
<tr><th>{{#t}}dl.status{{/t}}</th><td><span class="badge">{{statusLabel}}</span> ×{{l.redriveCount}}</td></tr>
<tr><th>{{#t}}common.reason{{/t}}</th><td>{{l.reason}} <span class="badge">{{l.errorClass}}</span></td></tr>
<tr><th>{{#t}}dl.attempts{{/t}}</th><td>{{l.attempts}}</td></tr>
<tr><th>{{#t}}dl.failedAt{{/t}}</th><td>{{failedAt}}</td></tr>
<tr><th>{{#t}}dl.route{{/t}}</th><td><code>{{route}}</code></td></tr>
<tr><th>{{#t}}dl.case{{/t}}</th><td>{{l.caseRef}}</td></tr>
<tr><th>{{#t}}dl.timeLeft{{/t}}</th><td>{{timeLeft}}</td></tr>
<tr><th>{{#t}}dl.type{{/t}}</th><td>{{l.type}} <span class="muted">{{l.messageId}}</span></td></tr></tbody></table>
{{#canReveal}}{{^revealed}}<p><a id="dl-reveal" href="${B}/{{tenant}}/letters/{{l.id}}?reveal=1">{{#t}}dl.reveal{{/t}}</a></p>{{/revealed}}{{/canReveal}}
<h2>{{#t}}dl.message{{/t}}</h2><pre id="dl-message">{{message}}</pre>
<details><summary>{{#t}}dl.headers{{/t}}</summary><pre id="dl-headers">{{headers}}</pre></details>
{{#kept}}
{{#canDiscard}}<form class="action filters" id="dl-discard" method="post" action="${B}/{{tenant}}/letters/{{l.id}}/discard">${CSRF}${REASON}<button class="danger" type="submit">{{#t}}dl.discard{{/t}}</button></form>{{/canDiscard}}
{{#canReplay}}<h2>{{#t}}dl.replay{{/t}}</h2><p class="muted">{{#t}}dl.replayHint{{/t}}</p>
{{#errors.length}}<div class="error" id="dl-contract-errors"><p>{{#t}}dl.contractErrors{{/t}}</p><ul>{{#errors}}<li data-pointer="{{pointer}}"><code>{{pointer}}</code> {{reason}}</li>{{/errors}}</ul></div>{{/errors.length}}
<form class="action" id="dl-replay" method="post" action="${B}/{{tenant}}/letters/{{l.id}}/replay">${CSRF}
<label>{{#t}}dl.message{{/t}}<textarea name="message" id="dl-replay-message" rows="20" cols="100" required>{{edited}}</textarea></label>${REASON}<button type="submit">{{#t}}dl.replay{{/t}}</button></form>{{/canReplay}}
{{/kept}}
{{#edits.length}}<h2>{{#t}}dl.edits{{/t}}</h2><table id="dl-edits"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}dl.proposedBy{{/t}}</th><th>{{#t}}dl.status{{/t}}</th><th>{{#t}}dl.diff{{/t}}</th></tr></thead><tbody>
{{#edits}}<tr data-edit-id="{{id}}" data-status="{{status}}"><td>{{proposedAt}}</td><td>{{proposedBy}}</td><td>{{status}}{{#citizenData}} <span class="badge warn">{{#t}}dl.citizenData{{/t}}</span>{{/citizenData}}</td><td><pre>{{diff}}</pre></td></tr>{{/edits}}</tbody></table>{{/edits.length}}
<p><a href="${B}?tenant={{tenant}}">{{#t}}dl.back{{/t}}</a></p>`;

const APPROVALS_PAGE = `<table id="dl-approvals"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}dl.proposedBy{{/t}}</th><th>{{#t}}common.reason{{/t}}</th><th>{{#t}}dl.diff{{/t}}</th><th></th></tr></thead><tbody>
{{#edits}}<tr data-edit-id="{{id}}" data-letter-id="{{deadLetterId}}"><td>{{proposedAt}}</td><td>{{proposedBy}}</td><td>{{reason}}</td><td><pre>{{diff}}</pre><a href="${B}/{{tenant}}/letters/{{deadLetterId}}">{{#t}}dl.open{{/t}}</a></td>
<td>{{#canApprove}}<form class="action dl-approve" method="post" action="${B}/{{tenant}}/edits/{{id}}/approve">${CSRF}${REASON}<button type="submit">{{#t}}dl.approve{{/t}}</button></form>
<form class="action dl-reject" method="post" action="${B}/{{tenant}}/edits/{{id}}/reject">${CSRF}${REASON}<button class="danger" type="submit">{{#t}}dl.reject{{/t}}</button></form>{{/canApprove}}</td></tr>{{/edits}}
{{^edits}}<tr><td colspan="5" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/edits}}</tbody></table>
<p><a href="${B}?tenant={{tenant}}">{{#t}}dl.back{{/t}}</a></p>`;

const STATUSES = ['kept', 'redriving', 'redriven', 'discarded', 'replayed'] as const;

/** A letter as a table row shows it. */
function row(lang: ConsoleLang, tenant: string, l: ListedLetter, now: Date): Record<string, unknown> {
  const left = l.dueAt ? l.dueAt.getTime() - now.getTime() : null;
  return {
    ...l,
    tenant,
    failedAt: l.failedAt.toISOString().replace('T', ' ').slice(0, 19),
    timeLeft: timeLeftText(left),
    dueClass: left === null ? 'muted' : left < 0 ? 'error' : left < 86_400_000 ? 'warn' : '',
    route: `${l.originalExchange ?? ''} → ${l.originalRoutingKey ?? ''}`,
    statusLabel: t(lang, `dl.status.${l.status}`),
  };
}

/**
 * The dead-letter console: queues with counts and the filtered list; a redrive plan, started and
 * cancelled with a reason, its progress polled with htmx (a plain reload works the same); a
 * letter with discard and edit-and-replay (contract errors shown); the approvals waiting for a
 * second person. The guard checks each form's permission; the page only hides what it would refuse.
 */
@Controller('console/dead-letters')
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class DeadLetterConsoleController {
  constructor(
    private readonly letters: DeadLetterService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get()
  @Requires('dead-letters.read', 'any')
  async list(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const allowed = tenantsAllowing(req.principal.grants, 'dead-letters.read', Object.keys(this.config.tenants));
    const q = req.query as Record<string, unknown>;
    const tenant = typeof q.tenant === 'string' && allowed.includes(q.tenant) ? q.tenant : allowed[0];
    if (!tenant) throw new AdminDenied(403, 'dead-letters.read is not among your permissions for any tenant');
    const f = filterOf(tenant, q);
    const now = new Date();
    const [counts, letters, plans, pending] = [await this.letters.counts(tenant), await this.letters.list(f, PAGE), await this.letters.plans(tenant), await this.letters.pending(tenant)];
    const queues = [...new Set(counts.map((c) => c.queue))].map((queue) => ({
      queue,
      tenant,
      cells: STATUSES.map((status) => ({ status, n: counts.find((c) => c.queue === queue && c.status === status)?.n ?? 0 })),
    }));
    const fv = Object.fromEntries(['queue', 'status', 'errorClass', 'caseRef', 'type', 'from', 'to'].map((k) => [k, typeof q[k] === 'string' ? q[k] : '']));
    this.page(res, req, lang, t(lang, 'dl.title'), LIST_PAGE, {
      tenant,
      tenants: allowed.map((id) => ({ id, sel: id === tenant })),
      statuses: STATUSES.map((s) => ({ label: t(lang, `dl.status.${s}`) })),
      queues,
      f: fv,
      letters: letters.map((l) => row(lang, tenant, l, now)),
      canRedrive: allows(req.principal.grants, 'dead-letters.redrive', tenant),
      pending: pending.length,
      plans: plans.map((p) => ({ ...p, tenant, createdAt: p.createdAt.toISOString().replace('T', ' ').slice(0, 19), statusLabel: t(lang, `dl.plan.${p.status}`) })),
    });
  }

  @Get(':tenant/letters/:id')
  @Requires('dead-letters.read')
  async letter(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const reveal = req.query.reveal === '1';
    if (reveal && !allows(req.principal.grants, 'pii.reveal', tenant)) throw new AdminDenied(403, `pii.reveal is not among your permissions for tenant ${tenant}`);
    const notice = req.query.done === 'pending' ? 'dl.pendingSent' : req.query.done === 'replayed' ? 'dl.replayed' : undefined;
    await this.renderLetter(req, res, tenant, idOf(id, 'dead letter'), reveal, notice ? { notice } : {});
  }

  @Post(':tenant/letters/:id/discard')
  @Requires('dead-letters.discard')
  async discard(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.letters.discard(req.principal, tenant, idOf(id, 'dead letter'), requiredReason(req.body));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/letters/${id}`);
  }

  @Post(':tenant/letters/:id/replay')
  @Requires('dead-letters.replay')
  async replay(@Param('tenant') tenant: string, @Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const letterId = idOf(id, 'dead letter');
    const reason = requiredReason(req.body);
    const message = typeof req.body?.message === 'string' ? req.body.message : '';
    const out = await this.letters.propose(req.principal, tenant, letterId, message, reason);
    if (out.outcome === 'invalid') return this.renderLetter(req, res, tenant, letterId, false, { errors: out.errors, edited: message }, 400);
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/letters/${letterId}?done=${out.outcome}`);
  }

  @Post(':tenant/plans')
  @Requires('dead-letters.redrive')
  async createPlan(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const { plan } = await this.letters.createPlan(req.principal, filterOf(tenant, req.body ?? {}, ['kept']));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/plans/${plan.id}`);
  }

  @Get(':tenant/plans/:planId')
  @Requires('dead-letters.read')
  async plan(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const { plan, letters } = await this.letters.plan(tenant, idOf(planId, 'redrive plan'));
    const now = new Date();
    this.page(res, req, lang, t(lang, 'dl.planTitle'), PLAN_PAGE, {
      ...this.progressView(lang, tenant, plan),
      letters: letters.map((l) => row(lang, tenant, l, now)),
      canRedrive: allows(req.principal.grants, 'dead-letters.redrive', tenant),
      planned: plan.status === 'planned',
      cancellable: plan.status === 'planned' || plan.status === 'running',
      maxRate: this.config.deadLetters.maxRatePerSecond,
    });
  }

  @Get(':tenant/plans/:planId/progress')
  @Requires('dead-letters.read')
  async progress(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const { plan } = await this.letters.plan(tenant, idOf(planId, 'redrive plan'), 0);
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(renderPart(PROGRESS, lang, this.progressView(lang, tenant, plan)));
  }

  @Post(':tenant/plans/:planId/start')
  @Requires('dead-letters.redrive')
  async start(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const id = idOf(planId, 'redrive plan');
    await this.letters.startPlan(req.principal, tenant, id, requiredReason(req.body), rateOf(req.body?.ratePerSecond));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/plans/${id}`);
  }

  @Post(':tenant/plans/:planId/cancel')
  @Requires('dead-letters.redrive')
  async cancel(@Param('tenant') tenant: string, @Param('planId') planId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const id = idOf(planId, 'redrive plan');
    await this.letters.cancelPlan(req.principal, tenant, id, requiredReason(req.body));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/plans/${id}`);
  }

  @Get(':tenant/approvals')
  @Requires('dead-letters.read')
  async approvals(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const edits = await this.letters.pending(tenant);
    const canApprove = allows(req.principal.grants, 'dead-letters.approve', tenant);
    this.page(res, req, lang, t(lang, 'dl.approvals'), APPROVALS_PAGE, {
      tenant,
      edits: edits.map((e) => ({
        ...e,
        proposedAt: e.proposedAt.toISOString().replace('T', ' ').slice(0, 19),
        diff: JSON.stringify(e.diff, null, 1),
        canApprove: canApprove && e.proposedBy !== req.principal.actor,
      })),
    });
  }

  @Post(':tenant/edits/:editId/approve')
  @Requires('dead-letters.approve')
  async approve(@Param('tenant') tenant: string, @Param('editId') editId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.letters.approve(req.principal, tenant, idOf(editId, 'edit'), requiredReason(req.body));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/approvals`);
  }

  @Post(':tenant/edits/:editId/reject')
  @Requires('dead-letters.approve')
  async reject(@Param('tenant') tenant: string, @Param('editId') editId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.letters.reject(req.principal, tenant, idOf(editId, 'edit'), requiredReason(req.body));
    res.redirect(303, `${B}/${encodeURIComponent(tenant)}/approvals`);
  }

  private progressView(lang: ConsoleLang, tenant: string, plan: PlanRow): Record<string, unknown> {
    return { tenant, plan, running: plan.status === 'running', statusLabel: t(lang, `dl.plan.${plan.status}`) };
  }

  private async renderLetter(
    req: AdminRequest,
    res: Response,
    tenant: string,
    id: string,
    reveal: boolean,
    extra: { notice?: string; errors?: ContractError[]; edited?: string },
    status = 200,
  ): Promise<void> {
    const lang = langOf(req);
    const d = await this.letters.detail(req.principal, tenant, id, reveal);
    const g = req.principal.grants;
    const shown = d.message.json !== undefined ? JSON.stringify(d.message.json, null, 2) : (d.message.text ?? d.message.base64 ?? '');
    const view = row(lang, tenant, d.letter, new Date());
    res.status(status);
    this.page(res, req, lang, t(lang, 'dl.title'), LETTER_PAGE, {
      tenant,
      l: d.letter,
      ...view,
      notice: extra.notice ? t(lang, extra.notice) : undefined,
      message: shown,
      headers: JSON.stringify(d.headers, null, 1),
      edited: extra.edited ?? (d.message.json !== undefined ? shown : ''),
      errors: extra.errors ?? [],
      revealed: d.revealed,
      kept: d.letter.status === 'kept',
      canReveal: allows(g, 'pii.reveal', tenant),
      canDiscard: allows(g, 'dead-letters.discard', tenant),
      canReplay: allows(g, 'dead-letters.replay', tenant) && d.message.json !== undefined,
      edits: d.edits.map((e) => ({ ...e, proposedAt: e.proposedAt.toISOString().replace('T', ' ').slice(0, 19), diff: JSON.stringify(e.diff, null, 1) })),
    });
  }

  private page(res: Response, req: AdminRequest, lang: ConsoleLang, title: string, template: string, view: Record<string, unknown>): void {
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(renderPage({ lang, principal: req.principal, title, active: 'dead-letters', body: renderPart(template, lang, { ...view, csrf: req.principal.csrf }) }));
  }
}
