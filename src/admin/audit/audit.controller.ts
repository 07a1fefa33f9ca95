import { Controller, Get, Inject, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import type { AdminAuditLine } from '../../cases/case.repository';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { tenantsAllowing } from '../auth/admin.roles';
import { langOf, t } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import { AdminAudit } from './admin-audit.service';
import { queryReader } from '../console/admin-query.codec';

const PAGE = 100;

const AUDIT_PAGE = `<p class="muted">{{#t}}audit.hint{{/t}}</p>
<form class="filters" method="get" action="${CONSOLE_BASE}/audit">
<label>{{#t}}common.tenant{{/t}}<select name="tenant">{{#tenants}}<option value="{{id}}"{{#sel}} selected{{/sel}}>{{label}}</option>{{/tenants}}</select></label>
<label>{{#t}}common.what{{/t}}<input name="action" value="{{action}}" maxlength="100"></label>
<label>{{#t}}common.who{{/t}}<input name="actor" value="{{actor}}" maxlength="300"></label>
<button type="submit">{{#t}}common.filter{{/t}}</button></form>
<table id="audit"><thead><tr><th>{{#t}}common.when{{/t}}</th><th>{{#t}}common.who{{/t}}</th><th>{{#t}}common.what{{/t}}</th><th>{{#t}}common.target{{/t}}</th><th>{{#t}}common.reason{{/t}}</th><th>{{#t}}common.before{{/t}} → {{#t}}common.after{{/t}}</th></tr></thead><tbody>
{{#lines}}<tr data-action="{{action}}"><td>{{at}}</td><td>{{actor}}</td><td><code>{{action}}</code></td><td>{{target}}</td><td>{{reason}}</td><td>{{#before}}<pre>{{before}}</pre>{{/before}}{{#after}}<pre>{{after}}</pre>{{/after}}</td></tr>{{/lines}}
{{^lines}}<tr><td colspan="6" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/lines}}
</tbody></table>`;

/** The audit line as the API shows it. */
function wire(l: AdminAuditLine): Record<string, unknown> {
  return { id: l.id, at: l.at.toISOString(), tenant: l.tenant, actor: l.actor, action: l.action, target: l.target, reason: l.reason ?? null, before: l.before ?? null, after: l.after ?? null };
}

/**
 * The admin actions' audit: `GET /v1/admin/{tenant}/audit`, `GET /v1/admin/audit` for hub-wide actions (sign-ins, breakers, tokens), and the
 * console page. For auditors and admins; it changes nothing, so reading it is not itself audited.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class AuditController {
  constructor(
    private readonly audit: AdminAudit,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get('v1/admin/:tenant/audit')
  @Requires('audit.read')
  async api(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lines = await this.audit.list({ ...this.filters(req), tenants: [tenant], limit: PAGE });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ lines: lines.map(wire) });
  }

  @Get('v1/admin/audit')
  @Requires('audit.read', 'hub')
  async hubApi(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lines = await this.audit.list({ ...this.filters(req), tenants: ['*'], limit: PAGE });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ lines: lines.map(wire) });
  }

  @Get('console/audit')
  @Requires('audit.read', 'any')
  async page(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const allowed = [...tenantsAllowing(req.principal.grants, 'audit.read', Object.keys(this.config.tenants)), ...(tenantsAllowing(req.principal.grants, 'audit.read', ['*']).length ? ['*'] : [])];
    const chosen = typeof req.query.tenant === 'string' && allowed.includes(req.query.tenant) ? req.query.tenant : allowed[0];
    if (!chosen) throw new AdminDenied(403, 'audit.read is not among your permissions');
    const f = this.filters(req);
    const lines = await this.audit.list({ ...f, tenants: [chosen], limit: PAGE });
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(
      renderPage({
        lang,
        principal: req.principal,
        title: t(lang, 'audit.title'),
        active: 'audit',
        body: renderPart(AUDIT_PAGE, lang, {
          tenants: allowed.map((id) => ({ id, label: id === '*' ? t(lang, 'audit.hubWide') : id, sel: id === chosen })),
          action: f.action ?? '',
          actor: f.actor ?? '',
          lines: lines.map((l) => ({
            ...l,
            at: l.at.toISOString(),
            before: l.before === undefined ? '' : JSON.stringify(l.before),
            after: l.after === undefined ? '' : JSON.stringify(l.after),
          })),
        }),
      }),
    );
  }

  private filters(req: AdminRequest): { action?: string; actor?: string; target?: string; from?: Date; to?: Date } {
    const { text: str, date } = queryReader(req.query as Record<string, unknown>);
    const action = str('action', 100);
    const actor = str('actor', 300);
    const target = str('target', 300);
    const from = date('from');
    const to = date('to');
    return { ...(action ? { action } : {}), ...(actor ? { actor } : {}), ...(target ? { target } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  }
}
