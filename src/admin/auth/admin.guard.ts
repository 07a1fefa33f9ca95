import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { TransientError } from '../../../contracts';
import { HUB_CONFIG, LOGGER } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { AdminAuthService, logActor, sameSecret, type Principal } from './admin-auth.service';
import { allows, type Permission } from './admin.roles';

/** A request that passed the guard: who asks, and the tenant it acts in (`*`: hub-wide). */
export interface AdminRequest extends Request {
  principal: Principal;
  adminTenant: string;
  /** The body of a POST, parsed by adminBody (JSON or a form). */
  body: Record<string, unknown>;
}

/**
 * How a route's tenant is found: `tenant` from the `:tenant` route parameter; `hub` for hub-wide
 * pages (only a `*:` grant allows them); `any` when holding the permission for some tenant is
 * enough (lists that then show only the tenants allowed, e.g. the home page).
 */
export type TenantScope = 'tenant' | 'hub' | 'any';

/** Metadata key of `@Requires` (read by the guard, and by the test that checks the OpenAPI document against the routes). */
export const REQUIRES = 'cabinet-hub:admin-requires';

/** The permission a route needs; AdminGuard checks it on every request. */
export const Requires = (permission: Permission, scope: TenantScope = 'tenant') => SetMetadata(REQUIRES, { permission, scope });

/** The principal of a guarded request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<AdminRequest>().principal);

/** A refusal of the admin API or console: its status and a reason fit to show. */
export class AdminDenied extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 503,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Methods a foreign page can make a browser send with its cookie; they need the CSRF token. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Sign-in, permission, tenant and CSRF, checked on the server for every admin route. A route
 * without `@Requires` is refused: forgetting the decorator closes a route, it never opens one.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AdminAuthService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    if (!this.config.console.enabled) throw new AdminDenied(404, 'the admin console is disabled in this installation');
    const need = this.reflector.get<{ permission: Permission; scope: TenantScope } | undefined>(REQUIRES, ctx.getHandler());
    if (!need) throw new AdminDenied(403, 'this route declares no permission');
    let p: Awaited<ReturnType<AdminAuthService['principalOf']>>;
    try {
      p = await this.auth.principalOf(req);
    } catch (e) {
      if (e instanceof TransientError) throw new AdminDenied(503, 'the database is not available; try again shortly');
      throw e;
    }
    if (p === 'invalid-token') throw new AdminDenied(401, 'the API token is not valid (unknown, expired or revoked)');
    if (!p) throw new AdminDenied(401, 'sign in first');
    const tenant = need.scope === 'hub' ? '*' : need.scope === 'any' ? undefined : String(req.params.tenant ?? '');
    const ok = tenant === undefined ? Object.keys(p.grants).some((t) => allows(p.grants, need.permission, t)) : allows(p.grants, need.permission, tenant);
    if (!ok) {
      this.logger.warn({ event: 'admin.denied', actor: logActor(p), permission: need.permission, tenant: tenant?.slice(0, 64), method: req.method, route: req.route?.path }, 'admin request refused');
      throw new AdminDenied(403, `${need.permission} is not among your permissions${tenant && tenant !== '*' ? ` for tenant ${tenant.slice(0, 64)}` : tenant === '*' ? ' for the whole hub' : ''}`);
    }
    if (tenant && tenant !== '*' && !Object.hasOwn(this.config.tenants, tenant)) throw new AdminDenied(404, 'no such tenant');
    if (p.kind === 'session' && UNSAFE.has(req.method)) this.checkCsrf(req, p);
    req.principal = p;
    req.adminTenant = tenant ?? '';
    return true;
  }

  /** The session's token in `X-CSRF-Token` (htmx) or `_csrf` (forms), and no foreign Origin. */
  private checkCsrf(req: AdminRequest, p: Principal): void {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let host: string | undefined;
      try {
        host = new URL(origin).host;
      } catch {
        host = undefined;
      }
      if (host !== req.headers.host) throw new AdminDenied(403, 'the request comes from another site');
    }
    const header = req.headers['x-csrf-token'];
    const given = typeof header === 'string' ? header : typeof req.body?._csrf === 'string' ? req.body._csrf : '';
    if (!p.csrf || !given || !sameSecret(given, p.csrf)) throw new AdminDenied(403, 'the form is out of date or comes from another site (CSRF token missing or wrong); reload the page');
  }
}
