import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { reasonOf } from '../audit/admin-audit.service';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows, tenantsAllowing } from '../auth/admin.roles';
import { langOf, t } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import '../operations/operations-words.config';
import { AdapterStatusService, type AdapterStatus } from './adapter-status.service';

const PAGE = `<p class="muted">{{#t}}adapters.hint{{/t}}</p>
{{#flash}}<p class="card" id="breaker-result" data-adapter="{{adapter}}">{{text}}</p>{{/flash}}
<table id="adapters"><thead><tr><th>{{#t}}adapters.instance{{/t}}</th><th>{{#t}}adapters.breaker{{/t}}</th><th>{{#t}}adapters.rate{{/t}}</th><th>{{#t}}adapters.queue{{/t}} / {{#t}}adapters.consumers{{/t}}</th><th>{{#t}}adapters.lastError{{/t}}</th><th>{{#t}}adapters.probe{{/t}}</th></tr></thead><tbody>
{{#adapters}}<tr data-adapter="{{id}}">
<td><strong>{{id}}</strong><br><span class="muted">{{type}}</span>{{^enabled}} <span class="badge warn">{{#t}}adapters.disabled{{/t}}</span>{{/enabled}}</td>
<td><span class="badge {{breakerClass}}" data-breaker="{{breaker.state}}" data-forced="{{breaker.forcedOpen}}">{{breaker.state}}{{#breaker.forcedOpen}} · {{#t}}adapters.manual{{/t}}{{/breaker.forcedOpen}}</span>
{{#held}}<br><span class="muted">{{held}} {{#t}}adapters.held{{/t}}</span>{{/held}}
{{#breaker.manual}}<br><span class="muted" data-manual-actor>{{actor}} · {{at}}</span><br><span class="muted">{{reason}}</span>{{/breaker.manual}}
{{#canBreak}}<form method="post" action="${CONSOLE_BASE}/adapters/{{id}}/breaker/{{action}}" class="action" id="breaker-{{action}}-{{id}}"><input type="hidden" name="_csrf" value="{{csrf}}">
<label>{{#t}}common.reason{{/t}}<input name="reason" required minlength="3" maxlength="1000" placeholder="{{#t}}common.reasonHint{{/t}}"></label>
<button type="submit" class="{{buttonClass}}">{{actionLabel}}</button></form>{{/canBreak}}</td>
<td>{{rate}} · ×{{rateLimit.concurrency}}</td>
<td>{{#queues}}<div data-queue="{{name}}" data-lane="{{lane}}" data-messages="{{messages}}" data-consumers="{{consumers}}"><code>{{name}}</code> {{messagesText}} / {{consumersText}}</div>{{/queues}}</td>
<td>{{#lastError}}<span class="badge bad">{{outcome}}</span> <span class="muted">{{at}}</span><br>{{error}}{{/lastError}}{{^lastError}}—{{/lastError}}</td>
<td>{{#probe}}<span class="badge {{probeClass}}" data-probe="{{ok}}">{{ok}}</span> {{detail}}{{/probe}}{{^probe}}—{{/probe}}</td>
</tr>{{/adapters}}
{{^adapters}}<tr><td colspan="6" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/adapters}}
</tbody></table>`;

/**
 * Adapter health (issue 10, item 7): `GET /v1/admin/adapters`, `POST /v1/admin/adapters/{id}/breaker/open|close`
 * and the console page. Reading needs `adapters.read` for some tenant ('any'): a tenant's operator
 * must be able to see that the back office its appeals go to is down. The instances shown are
 * those serving its tenants (hub-wide grants see all), and journal ids are only for hub-wide
 * readers. Opening and closing a breaker acts on the whole hub, so it needs `adapters.breaker`
 * hub-wide ('hub'), a reason, and is audited with before/after.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class AdaptersController {
  constructor(
    private readonly adapters: AdapterStatusService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get('v1/admin/adapters')
  @Requires('adapters.read', 'any')
  async api(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const list = await this.read(req);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ adapters: list });
  }

  @Post('v1/admin/adapters/:id/breaker/open')
  @Requires('adapters.breaker', 'hub')
  async openApi(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(await this.adapters.setBreaker(req.principal, id, true, this.reason(req)));
  }

  @Post('v1/admin/adapters/:id/breaker/close')
  @Requires('adapters.breaker', 'hub')
  async closeApi(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(await this.adapters.setBreaker(req.principal, id, false, this.reason(req)));
  }

  @Get('console/adapters')
  @Requires('adapters.read', 'any')
  async page(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const lang = langOf(req);
    const list = await this.read(req);
    const canBreak = allows(req.principal.grants, 'adapters.breaker', '*');
    const done = typeof req.query.done === 'string' && /^(open|close):[a-z0-9-]{1,63}$/.test(req.query.done) ? req.query.done.split(':') : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(
      renderPage({
        lang,
        principal: req.principal,
        title: t(lang, 'adapters.title'),
        active: 'adapters',
        body: renderPart(PAGE, lang, {
          flash: done ? { adapter: done[1], text: `${done[1]}: ${t(lang, done[0] === 'open' ? 'adapters.open' : 'adapters.close')} ✓` } : undefined,
          adapters: list.map((a) => view(a, lang, canBreak, req.principal.csrf)),
        }),
      }),
    );
  }

  @Post('console/adapters/:id/breaker/open')
  @Requires('adapters.breaker', 'hub')
  async openForm(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.adapters.setBreaker(req.principal, id, true, this.reason(req));
    res.redirect(303, `${CONSOLE_BASE}/adapters?done=open:${encodeURIComponent(id)}`);
  }

  @Post('console/adapters/:id/breaker/close')
  @Requires('adapters.breaker', 'hub')
  async closeForm(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.adapters.setBreaker(req.principal, id, false, this.reason(req));
    res.redirect(303, `${CONSOLE_BASE}/adapters?done=close:${encodeURIComponent(id)}`);
  }

  private read(req: AdminRequest): Promise<AdapterStatus[]> {
    const hubWide = allows(req.principal.grants, 'adapters.read', '*');
    const tenants = tenantsAllowing(req.principal.grants, 'adapters.read', Object.keys(this.config.tenants));
    return this.adapters.list(this.adapters.visibleIds(hubWide, tenants), { hubWide, probe: req.query.probe !== '0' });
  }

  private reason(req: AdminRequest): string {
    const r = reasonOf(req.body?.reason);
    if (!r.ok) throw new AdminDenied(400, r.error);
    return r.reason;
  }
}

function view(a: AdapterStatus, lang: Parameters<typeof t>[0], canBreak: boolean, csrf: string | undefined): Record<string, unknown> {
  const close = a.breaker.forcedOpen || a.breaker.state === 'open' || a.breaker.state === 'half-open';
  return {
    ...a,
    breakerClass: a.breaker.state === 'closed' ? 'ok' : a.breaker.state === 'disabled' ? '' : a.breaker.state === 'half-open' ? 'warn' : 'bad',
    rate: a.rateLimit.ratePerSecond ?? t(lang, 'adapters.unlimited'),
    queues: a.queues.map((q) => ({ ...q, messagesText: q.messages ?? '?', consumersText: q.consumers ?? '?' })),
    probe: a.probe ? { ...a.probe, probeClass: a.probe.ok ? 'ok' : 'bad' } : null,
    canBreak,
    action: close ? 'close' : 'open',
    actionLabel: t(lang, close ? 'adapters.close' : 'adapters.open'),
    buttonClass: close ? 'secondary' : 'danger',
    csrf,
  };
}
