import { Controller, Get, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { HUB_CONFIG, LOGGER } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { safeError } from '../../logging/pii.mask';
import { AdminAudit } from '../audit/admin-audit.service';
import { AdminAuthService, sameSecret, SESSION_COOKIE } from '../auth/admin-auth.service';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { grantStrings, PERMISSIONS_OF } from '../auth/admin.roles';
import { OidcLogin } from '../auth/oidc-login.service';
import { langOf, LANG_COOKIE, t } from './console.i18n';
import { CONSOLE_BASE, CONSOLE_CSS, renderError, renderPage, renderPart } from './console.layout';

/** htmx, served from the installed package (pinned 2.0.x): no CDN, the console works offline. */
const HTMX = readFileSync(require.resolve('htmx.org/dist/htmx.min.js'));

/** Where a sign-in may return to: a console path of this hub, never another site. */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/console(\/|\?|$)/.test(v) && !/[\\\s]|\/\//.test(v) && v.length <= 2000 ? v : CONSOLE_BASE;
}

const HOME = `<h2>{{#t}}home.tenants{{/t}}</h2>
<table><thead><tr><th>{{#t}}common.tenant{{/t}}</th><th>{{#t}}home.roles{{/t}}</th></tr></thead><tbody>
{{#tenants}}<tr><td><a href="${CONSOLE_BASE}/cases?tenant={{id}}">{{name}}</a> <span class="muted">{{id}}</span></td><td>{{roles}}</td></tr>{{/tenants}}
</tbody></table>`;

/**
 * The console's shell: sign-in through OpenID Connect, sign-out, the home page, assets, and the
 * language cookie. Every page after sign-in is guarded (AdminGuard) like the API.
 */
@Controller()
@UseFilters(AdminDeniedFilter)
export class ConsoleController {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly oidc: OidcLogin,
    private readonly audit: AdminAudit,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('console/assets/htmx.min.js')
  htmx(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('application/javascript').send(HTMX);
  }

  @Get('console/assets/console.css')
  css(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('text/css').send(CONSOLE_CSS);
  }

  @Get('console')
  @UseGuards(AdminGuard)
  @Requires('cases.read', 'any')
  home(@Req() req: AdminRequest, @Res() res: Response): void {
    const lang = this.page(req, res);
    const g = req.principal.grants;
    const ids = g['*'] ? Object.keys(this.config.tenants) : Object.keys(g).filter((x) => Object.hasOwn(this.config.tenants, x));
    const tenants = ids.map((id) => ({ id, name: this.config.tenants[id].name, roles: [...new Set([...(g['*'] ?? []), ...(Object.hasOwn(g, id) ? g[id] : [])])].join(', ') }));
    res.send(renderPage({ lang, principal: req.principal, title: t(lang, 'app.title'), body: renderPart(HOME, lang, { tenants }) }));
  }

  /** Starts a sign-in: the browser goes to the provider and comes back to the callback. */
  @Get('console/login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = this.page(req, res);
    if (!this.config.console.enabled) return void res.status(404).send(renderError(lang, 404, 'the admin console is disabled in this installation'));
    if (!this.oidc.enabled) return void res.status(503).send(renderError(lang, 503, t(lang, 'auth.noOidc')));
    const returnTo = safeReturnTo(req.query.returnTo);
    try {
      const b = await this.oidc.begin(`${this.base(req)}${CONSOLE_BASE}/auth/callback`);
      await this.auth.saveLogin(b.state, b.codeVerifier, b.nonce, returnTo);
      res.redirect(302, b.url);
    } catch (e) {
      this.logger.warn({ event: 'oidc.begin-failed', error: safeError(e) }, 'could not start an OIDC sign-in');
      res.status(503).send(renderError(lang, 503, 'the identity provider is not reachable; try again shortly'));
    }
  }

  /** The provider's redirect back: the code is exchanged, the person's grants read, a session started. */
  @Get('console/auth/callback')
  async callback(@Req() req: Request, @Res() res: Response): Promise<void> {
    const lang = this.page(req, res);
    if (!this.config.console.enabled || !this.oidc.enabled) return void res.status(404).send(renderError(lang, 404, 'no sign-in is configured'));
    const state = typeof req.query.state === 'string' && req.query.state.length <= 200 ? req.query.state : '';
    const login = state ? await this.auth.takeLogin(state) : undefined;
    if (!login) return void res.status(400).send(renderError(lang, 400, 'this sign-in has expired or was already used; sign in again'));
    let who;
    try {
      who = await this.oidc.finish(new URL(req.originalUrl, `${this.base(req)}/`), { state, nonce: login.nonce, codeVerifier: login.codeVerifier });
    } catch (e) {
      this.logger.warn({ event: 'oidc.callback-failed', error: safeError(e) }, 'an OIDC sign-in failed');
      return void res.status(400).send(renderError(lang, 400, 'the identity provider’s answer did not check out; sign in again'));
    }
    const actor = { actor: `oidc:${who.subject} (${who.name})` };
    if (!grantStrings(who.grants).length) {
      await this.audit.record(actor, { tenant: '*', action: 'login.denied', target: who.subject, reason: 'no cabinet-hub role in the provider’s claims or console.users' });
      return void res.status(403).send(renderError(lang, 403, t(lang, 'auth.noRoles')));
    }
    const { cookie } = await this.auth.startSession(who.subject, who.name, who.grants);
    await this.audit.record(actor, { tenant: '*', action: 'login', target: who.subject, after: { grants: grantStrings(who.grants) } });
    res.cookie(SESSION_COOKIE, cookie, { httpOnly: true, sameSite: 'lax', secure: this.base(req).startsWith('https:'), path: '/', maxAge: this.config.console.sessionMinutes * 60_000 });
    res.redirect(302, login.returnTo);
  }

  /** Ends the session (a form POST with the CSRF token: a foreign page cannot sign you out either). */
  @Post('console/logout')
  async logout(@Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const p = await this.auth.principalOf(req);
    if (p && p !== 'invalid-token' && p.kind === 'session' && p.sessionHash) {
      const given = typeof req.body?._csrf === 'string' ? req.body._csrf : String(req.headers['x-csrf-token'] ?? '');
      if (!p.csrf || !sameSecret(given, p.csrf)) return void res.status(403).send(renderError(langOf(req), 403, 'the form is out of date; reload the page'));
      await this.auth.endSession(p.sessionHash);
      await this.audit.record(p, { tenant: '*', action: 'logout', target: p.id });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(302, `${CONSOLE_BASE}/signed-out`);
  }

  @Get('console/signed-out')
  signedOut(@Req() req: Request, @Res() res: Response): void {
    const lang = this.page(req, res);
    res.send(renderPage({ lang, title: t(lang, 'auth.signOut'), body: renderPart(`<p><a href="${CONSOLE_BASE}/login">{{#t}}auth.signIn{{/t}}</a></p>`, lang, {}) }));
  }

  /** The hub's public address (hub.publicUrl), else what the request was sent to. */
  private base(req: Request): string {
    return (this.config.hub.publicUrl ?? `${req.protocol}://${req.headers.host}`).replace(/\/+$/, '');
  }

  /** Common page headers; remembers a `?lang=` choice. */
  private page(req: Request, res: Response): ReturnType<typeof langOf> {
    const lang = langOf(req);
    if (typeof req.query.lang === 'string' && req.query.lang === lang) res.cookie(LANG_COOKIE, lang, { sameSite: 'lax', path: '/', maxAge: 365 * 86_400_000 });
    res.setHeader('Cache-Control', 'no-store');
    res.type('text/html');
    return lang;
  }
}

/** For the README and tests: every role with what it may do. */
export const ROLE_TABLE = Object.entries(PERMISSIONS_OF).map(([role, permissions]) => ({ role, permissions }));
