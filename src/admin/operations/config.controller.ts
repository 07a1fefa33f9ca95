import { Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows, tenantsAllowing } from '../auth/admin.roles';
import { langOf, t } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import { DryRunService, type DryRunResult } from './dry-run.service';
import { EffectiveConfigService } from './effective-config.service';
import './operations-words.config';

const PAGE = `<p class="muted">{{#t}}config.hint{{/t}}</p>
<h2>{{#t}}config.dryRun{{/t}}</h2>
<p class="muted">{{#t}}config.dryRunHint{{/t}}</p>
<form method="post" action="${CONSOLE_BASE}/config/dry-run" class="action" id="dry-run-form" hx-post="${CONSOLE_BASE}/config/dry-run" hx-target="#dry-run-result" hx-select="#dry-run-result" hx-swap="outerHTML">
<input type="hidden" name="_csrf" value="{{csrf}}">
<label>CloudEvent (JSON)<textarea name="message" id="dry-run-message" rows="12" cols="100" required maxlength="2000000">{{message}}</textarea></label>
{{#publishers.length}}<label>Publisher<select name="publisher" id="dry-run-publisher"><option value="">—</option>{{#publishers}}<option value="{{name}}"{{#sel}} selected{{/sel}}>{{name}}</option>{{/publishers}}</select></label>{{/publishers.length}}
<button type="submit" id="dry-run-submit">{{#t}}config.check{{/t}}</button></form>
<div id="dry-run-result"{{#result}} data-accepted="{{accepted}}"{{/result}}>{{#result}}
<p class="badge {{#accepted}}ok{{/accepted}}{{^accepted}}bad{{/accepted}}">{{#accepted}}{{#t}}config.accepted{{/t}}{{/accepted}}{{^accepted}}{{#t}}config.rejected{{/t}}{{/accepted}}</p>
{{#errors.length}}<table id="dry-run-errors"><thead><tr><th>{{#t}}config.pointer{{/t}}</th><th>{{#t}}common.reason{{/t}}</th></tr></thead><tbody>{{#errors}}<tr data-pointer="{{pointer}}"><td><code>{{pointer}}</code></td><td>{{reason}}</td></tr>{{/errors}}</tbody></table>{{/errors.length}}
{{#accepted}}<h3>{{#t}}config.targets{{/t}}</h3><ul id="dry-run-targets">{{#targets}}<li data-target="{{target}}"><code>{{target}}</code> ({{kind}}{{#type}}, {{type}}{{/type}}) → <code>{{queue}}</code>{{#routes.length}} · {{routes}}{{/routes.length}}{{#disabled}} <span class="badge warn">{{#t}}adapters.disabled{{/t}}</span>{{/disabled}}{{#refuses}} <span class="badge bad">≠ {{type}}</span>{{/refuses}}</li>{{/targets}}{{^targets}}<li class="muted">{{#t}}config.noTargets{{/t}}</li>{{/targets}}</ul>{{/accepted}}
<h3>{{#t}}config.rules{{/t}}</h3><ul id="dry-run-rules">{{#rules}}<li data-rule-template="{{template}}"><code>{{on}}</code> → {{template}}{{#mandatory}} <span class="badge warn">mandatory</span>{{/mandatory}}</li>{{/rules}}{{^rules}}<li class="muted">{{#t}}config.noRules{{/t}}</li>{{/rules}}</ul>
{{#notes.length}}<ul class="muted" id="dry-run-notes">{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/notes.length}}
{{/result}}</div>
<h2>{{#t}}config.routes{{/t}}</h2>
<table id="config-routes"><thead><tr><th>name</th><th>{{#t}}common.tenant{{/t}}</th><th>types</th><th>→</th></tr></thead><tbody>
{{#routes}}<tr data-route="{{name}}"><td>{{name}}</td><td>{{tenants}}</td><td><code>{{types}}</code></td><td>{{to}}</td></tr>{{/routes}}
{{^routes}}<tr><td colspan="4" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/routes}}</tbody></table>
<h2>{{#t}}config.rules{{/t}}</h2>
<table id="config-rules"><thead><tr><th>on</th><th>{{#t}}config.template{{/t}}</th><th>{{#t}}common.tenant{{/t}}</th><th>statuses</th><th></th></tr></thead><tbody>
{{#rules}}<tr data-rule-template="{{template}}"><td><code>{{on}}</code></td><td>{{template}}</td><td>{{tenants}}</td><td>{{statuses}}{{#exceptStatuses}} ≠ {{exceptStatuses}}{{/exceptStatuses}}</td><td>{{#mandatory}}mandatory{{/mandatory}} {{priority}}</td></tr>{{/rules}}
{{^rules}}<tr><td colspan="5" class="muted">{{#t}}common.none{{/t}}</td></tr>{{/rules}}</tbody></table>
<h2>{{#t}}config.effective{{/t}}</h2>
<pre id="config-effective" data-scope="{{scope}}">{{effective}}</pre>`;

/**
 * Routes and configuration (issue 10, item 8): `GET /v1/admin/config`, `POST /v1/admin/config/dry-run`
 * and the console page. `config.read` for some tenant ('any'): a hub-wide grant reads the whole
 * configuration, a tenant's grant its tenants' part (EffectiveConfigService). The dry run is a
 * read: nothing is journaled or published, so it leaves no audit line.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class ConfigController {
  constructor(
    private readonly effective: EffectiveConfigService,
    private readonly dryRun: DryRunService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Get('v1/admin/config')
  @Requires('config.read', 'any')
  api(@Req() req: AdminRequest, @Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.json(this.effective.view(this.scope(req)));
  }

  @Post('v1/admin/config/dry-run')
  @Requires('config.read', 'any')
  dryRunApi(@Req() req: AdminRequest, @Res() res: Response): void {
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(this.run(req));
  }

  @Get('console/config')
  @Requires('config.read', 'any')
  page(@Req() req: AdminRequest, @Res() res: Response): void {
    this.render(req, res);
  }

  @Post('console/config/dry-run')
  @Requires('config.read', 'any')
  dryRunForm(@Req() req: AdminRequest, @Res() res: Response): void {
    this.render(req, res, this.run(req));
  }

  private run(req: AdminRequest): DryRunResult {
    const b = req.body ?? {};
    return this.dryRun.run({ message: b.message, publisher: b.publisher }, (tenant) => allows(req.principal.grants, 'config.read', tenant));
  }

  private scope(req: AdminRequest): 'hub' | string[] {
    return allows(req.principal.grants, 'config.read', '*') ? 'hub' : tenantsAllowing(req.principal.grants, 'config.read', Object.keys(this.config.tenants));
  }

  private render(req: AdminRequest, res: Response, result?: DryRunResult): void {
    const lang = langOf(req);
    const view = this.effective.view(this.scope(req));
    const c = view.config as { routes?: HubConfig['routes']; notifications?: { rules?: HubConfig['notifications']['rules'] }; publishers?: { name: string }[] };
    const given = typeof req.body?.publisher === 'string' ? req.body.publisher : '';
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(200)
      .type('text/html')
      .send(
        renderPage({
          lang,
          principal: req.principal,
          title: t(lang, 'config.title'),
          active: 'config',
          body: renderPart(PAGE, lang, {
            csrf: req.principal.csrf,
            message: typeof req.body?.message === 'string' ? req.body.message : '',
            publishers: (c.publishers ?? []).map((p) => ({ name: p.name, sel: p.name === given })),
            result: result
              ? {
                  ...result,
                  targets: result.targets.map((x) => ({ ...x, routes: x.routes.join(', '), disabled: x.kind === 'adapter' && !x.enabled, refuses: x.kind === 'adapter' && !x.handles })),
                }
              : undefined,
            routes: (c.routes ?? []).map((r) => ({ name: r.name, tenants: r.tenants.join(', '), types: r.types.join(', '), to: r.to.join(', ') })),
            rules: (c.notifications?.rules ?? []).map((r) => ({ ...r, tenants: r.tenants.join(', '), statuses: r.statuses?.join(', ') ?? '', exceptStatuses: r.exceptStatuses?.join(', ') ?? '' })),
            scope: view.scope === 'hub' ? 'hub' : view.scope.tenants.join(','),
            effective: JSON.stringify(view.config, null, 2),
          }),
        }),
      );
  }
}
