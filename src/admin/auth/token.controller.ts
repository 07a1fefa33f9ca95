import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AdminAudit, reasonOf } from '../audit/admin-audit.service';
import { langOf, t } from '../console/console.i18n';
import { CONSOLE_BASE, renderPage, renderPart } from '../console/console.layout';
import { AdminAuthService } from './admin-auth.service';
import type { TokenRow } from './admin-session.repository';
import { AdminDeniedFilter } from './admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from './admin.guard';
import { grantStrings, parseGrants } from './admin.roles';

/** Longest life of an API token: a year; default 90 days. */
const MAX_DAYS = 366;

/** A token request's fields, checked: name, grants, lifetime, reason. */
export function tokenRequestOf(body: Record<string, unknown>): { name: string; grants: string[]; days: number; reason: string } {
  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (!/^[\p{L}\p{N} ._:@-]{1,100}$/u.test(name)) throw new AdminDenied(400, 'name: 1 to 100 letters, digits, spaces or . _ : @ -');
  const rawGrants = Array.isArray(body.grants) ? body.grants : typeof body.grants === 'string' ? body.grants.split(/[\s,]+/).filter(Boolean) : [];
  const grants = grantStrings(parseGrants(rawGrants));
  if (!grants.length || grants.length !== new Set(rawGrants).size)
    throw new AdminDenied(400, 'grants: one or more of <tenant>:<role> or *:<role> (roles viewer, operator, admin, auditor, pii-reader)');
  const days = body.expiresInDays === undefined || body.expiresInDays === '' ? 90 : Number(body.expiresInDays);
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new AdminDenied(400, `expiresInDays: a whole number from 1 to ${MAX_DAYS}`);
  const r = reasonOf(body.reason);
  if (!r.ok) throw new AdminDenied(400, r.error);
  return { name, grants, days, reason: r.reason };
}

const TOKENS_PAGE = `{{#created}}<div class="card" id="new-token"><p>{{#t}}tokens.shownOnce{{/t}}</p><pre>{{created}}</pre></div>{{/created}}
<table id="tokens"><thead><tr><th>{{#t}}tokens.name{{/t}}</th><th>{{#t}}tokens.grants{{/t}}</th><th>{{#t}}tokens.expires{{/t}}</th><th></th></tr></thead><tbody>
{{#tokens}}<tr><td>{{name}} <span class="muted">{{id}}</span></td><td>{{grants}}</td><td>{{expires}}{{#revoked}} <span class="badge bad">{{#t}}tokens.revoked{{/t}}</span>{{/revoked}}</td>
<td>{{^revoked}}<form method="post" action="${CONSOLE_BASE}/tokens/{{id}}/revoke" class="action"><input type="hidden" name="_csrf" value="{{csrf}}"><input name="reason" required minlength="3" placeholder="{{#t}}common.reasonHint{{/t}}"><button class="danger" type="submit">{{#t}}tokens.revoke{{/t}}</button></form>{{/revoked}}</td></tr>{{/tokens}}
</tbody></table>
<h2>{{#t}}tokens.create{{/t}}</h2>
<form method="post" action="${CONSOLE_BASE}/tokens" class="filters action"><input type="hidden" name="_csrf" value="{{csrf}}">
<label>{{#t}}tokens.name{{/t}}<input name="name" required maxlength="100"></label>
<label>{{#t}}tokens.grants{{/t}}<input name="grants" required placeholder="kyiv:viewer" maxlength="2000"></label>
<label>{{#t}}tokens.expires{{/t}} (days)<input name="expiresInDays" type="number" min="1" max="${MAX_DAYS}" value="90"></label>
<label>{{#t}}common.reason{{/t}}<input name="reason" required minlength="3" placeholder="{{#t}}common.reasonHint{{/t}}"></label>
<button type="submit">{{#t}}tokens.create{{/t}}</button></form>`;

const wire = (x: TokenRow) => ({
  id: x.id,
  name: x.name,
  grants: x.grants,
  createdBy: x.createdBy,
  createdAt: x.createdAt.toISOString(),
  expiresAt: x.expiresAt.toISOString(),
  revokedAt: x.revokedAt?.toISOString() ?? null,
  lastUsedAt: x.lastUsedAt?.toISOString() ?? null,
});

/**
 * API tokens for automation: `POST /v1/admin/tokens`, `GET /v1/admin/tokens`,
 * `POST /v1/admin/tokens/{id}/revoke`, and the console page. Hub-wide admins only; the value is
 * shown once. A token can hold no grant its creator lacks: an admin of one tenant cannot mint a
 * token for another (hub-wide `tokens.manage` is required anyway, and checked here too).
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class TokenController {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly audit: AdminAudit,
  ) {}

  @Get('v1/admin/tokens')
  @Requires('tokens.manage', 'hub')
  async list(@Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ tokens: (await this.auth.listTokens()).map(wire) });
  }

  @Post('v1/admin/tokens')
  @Requires('tokens.manage', 'hub')
  async create(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const created = await this.mint(req);
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(created);
  }

  @Post('v1/admin/tokens/:id/revoke')
  @Requires('tokens.manage', 'hub')
  async revokeApi(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    res.status(200).json(wire(await this.revoke(id, req)));
  }

  @Get('console/tokens')
  @Requires('tokens.manage', 'hub')
  async page(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.render(req, res);
  }

  @Post('console/tokens')
  @Requires('tokens.manage', 'hub')
  async createForm(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const created = await this.mint(req);
    await this.render(req, res, created.token);
  }

  @Post('console/tokens/:id/revoke')
  @Requires('tokens.manage', 'hub')
  async revokeForm(@Param('id') id: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    await this.revoke(id, req);
    res.redirect(303, `${CONSOLE_BASE}/tokens`);
  }

  private async mint(req: AdminRequest): Promise<{ id: string; token: string; grants: string[]; expiresAt: string }> {
    const r = tokenRequestOf(req.body ?? {});
    const expiresAt = new Date(Date.now() + r.days * 86_400_000);
    const { id, token } = await this.auth.createToken(r.name, parseGrants(r.grants), req.principal.actor, expiresAt);
    await this.audit.record(req.principal, { tenant: '*', action: 'token.create', target: id, reason: r.reason, after: { name: r.name, grants: r.grants, expiresAt: expiresAt.toISOString() } });
    return { id, token, grants: r.grants, expiresAt: expiresAt.toISOString() };
  }

  private async revoke(id: string, req: AdminRequest): Promise<TokenRow> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new AdminDenied(404, 'no such token');
    const r = reasonOf(req.body?.reason);
    if (!r.ok) throw new AdminDenied(400, r.error);
    const row = await this.auth.revokeToken(id);
    if (!row) throw new AdminDenied(404, 'no such live token');
    await this.audit.record(req.principal, { tenant: '*', action: 'token.revoke', target: id, reason: r.reason, before: { name: row.name, grants: row.grants } });
    return row;
  }

  private async render(req: AdminRequest, res: Response, created?: string): Promise<void> {
    const lang = langOf(req);
    const tokens = (await this.auth.listTokens()).map((x) => ({
      id: x.id,
      name: x.name,
      grants: x.grants.join(', '),
      expires: x.expiresAt.toISOString().slice(0, 10),
      revoked: !!x.revokedAt,
      csrf: req.principal.csrf,
    }));
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('text/html')
      .send(renderPage({ lang, principal: req.principal, title: t(lang, 'tokens.title'), active: 'tokens', body: renderPart(TOKENS_PAGE, lang, { tokens, created, csrf: req.principal.csrf }) }));
  }
}
