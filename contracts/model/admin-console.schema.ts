import { Type } from '@sinclair/typebox';
import { AdminAuditEntry, Reason, type AdminRouteDoc } from './admin-route.schema';

/** An API token as listed (never its value). */
export const AdminTokenView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    grants: Type.Array(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

const Grant = Type.String({
  pattern: '^([a-z0-9][a-z0-9_-]{0,62}|\\*):(viewer|operator|admin|auditor|pii-reader)$',
  description: '`<tenant>:<role>`, or `*:<role>` for every tenant and the hub-wide pages.',
});

const auditQuery: AdminRouteDoc['query'] = {
  action: { schema: Type.String({ maxLength: 100 }), description: 'Only this action (e.g. `dead-letter.redrive`, `breaker.open`, `pii.reveal`, `login`).' },
  actor: { schema: Type.String({ maxLength: 300 }), description: 'Only this actor, as the audit names them.' },
  target: { schema: Type.String({ maxLength: 300 }), description: 'Only actions on this target.' },
  from: { schema: Type.String({ maxLength: 40 }), description: 'From this time (ISO 8601).' },
  to: { schema: Type.String({ maxLength: 40 }), description: 'Before this time (ISO 8601).' },
};

/** The console's shell, sign-in, the audit and API tokens. */
export const ADMIN_CONSOLE_ROUTES: AdminRouteDoc[] = [
  { method: 'get', path: '/console', permission: 'cases.read', scope: 'any', summary: 'The console home: the tenants and roles of the signed-in person', html: true },
  { method: 'get', path: '/console/login', permission: 'none', scope: 'any', summary: 'Starts an OpenID Connect sign-in (authorization code with PKCE); `returnTo` is a console path', html: true },
  {
    method: 'get',
    path: '/console/auth/callback',
    permission: 'none',
    scope: 'any',
    summary: "The provider's redirect back; starts a session (audited as `login`, or `login.denied` without a role)",
    html: true,
  },
  { method: 'post', path: '/console/logout', permission: 'none', scope: 'any', summary: 'Ends the session (form with the CSRF token; audited)', html: true },
  { method: 'get', path: '/console/signed-out', permission: 'none', scope: 'any', summary: 'After signing out', html: true },
  { method: 'get', path: '/console/assets/htmx.min.js', permission: 'none', scope: 'any', summary: 'htmx 2, served by the hub (no CDN)', html: true },
  { method: 'get', path: '/console/assets/console.css', permission: 'none', scope: 'any', summary: "The console's style sheet", html: true },
  {
    method: 'get',
    path: '/v1/admin/{tenant}/audit',
    permission: 'audit.read',
    scope: 'tenant',
    summary: 'Admin actions in a tenant, newest first (100 a page)',
    query: auditQuery,
    status: 200,
    response: Type.Object({ lines: Type.Array(AdminAuditEntry) }),
  },
  {
    method: 'get',
    path: '/v1/admin/audit',
    permission: 'audit.read',
    scope: 'hub',
    summary: 'Hub-wide admin actions: sign-ins, breakers, tokens',
    query: auditQuery,
    status: 200,
    response: Type.Object({ lines: Type.Array(AdminAuditEntry) }),
  },
  {
    method: 'get',
    path: '/console/audit',
    permission: 'audit.read',
    scope: 'any',
    summary: 'The audit page',
    query: { tenant: { schema: Type.String(), description: 'A tenant, or `*` for hub-wide actions.' }, ...auditQuery },
    html: true,
  },
  {
    method: 'get',
    path: '/v1/admin/tokens',
    permission: 'tokens.manage',
    scope: 'hub',
    summary: 'API tokens (never their values)',
    status: 200,
    response: Type.Object({ tokens: Type.Array(AdminTokenView) }),
  },
  {
    method: 'post',
    path: '/v1/admin/tokens',
    permission: 'tokens.manage',
    scope: 'hub',
    summary: 'Creates an API token; its value is in this answer only (audited)',
    body: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 100 }),
        grants: Type.Array(Grant, { minItems: 1 }),
        expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })),
        reason: Reason,
      },
      { additionalProperties: false },
    ),
    status: 201,
    response: Type.Object({ id: Type.String({ format: 'uuid' }), token: Type.String({ pattern: '^chb_' }), grants: Type.Array(Type.String()), expiresAt: Type.String({ format: 'date-time' }) }),
  },
  {
    method: 'post',
    path: '/v1/admin/tokens/{id}/revoke',
    permission: 'tokens.manage',
    scope: 'hub',
    summary: 'Revokes an API token (audited)',
    params: { id: { schema: Type.String({ format: 'uuid' }), description: 'The token id.' } },
    body: Type.Object({ reason: Reason }, { additionalProperties: false }),
    status: 200,
    response: AdminTokenView,
  },
  {
    method: 'get',
    path: '/v1/admin/{tenant}/evidence/{caseRef}.zip',
    permission: 'evidence.export',
    scope: 'tenant',
    summary: 'The evidence pack of a case (ZIP); audited as `evidence.export` with the reason before anything is read',
    description: 'The same pack as `GET /v1/evidence/{tenant}/{caseRef}.zip`, for auditors and admins; check it offline with `cabinet-hub evidence verify`.',
    params: { caseRef: { schema: Type.String({ minLength: 1, maxLength: 128 }), description: "The portal's case reference." } },
    query: { reason: { schema: Reason, description: 'Why the pack is taken (required).', required: true } },
    status: 200,
  },
  { method: 'get', path: '/console/tokens', permission: 'tokens.manage', scope: 'hub', summary: 'The API tokens page', html: true },
  { method: 'post', path: '/console/tokens', permission: 'tokens.manage', scope: 'hub', summary: 'Creates a token from the console form', html: true },
  {
    method: 'post',
    path: '/console/tokens/{id}/revoke',
    permission: 'tokens.manage',
    scope: 'hub',
    summary: 'Revokes a token from the console form',
    params: { id: { schema: Type.String({ format: 'uuid' }), description: 'The token id.' } },
    html: true,
  },
];
