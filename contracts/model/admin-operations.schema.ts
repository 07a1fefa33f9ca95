import { Type } from '@sinclair/typebox';
import { Reason, type AdminRouteDoc } from './admin-route.schema';

/**
 * The admin API's operations pages (issue 10, items 7-9): adapters and their breakers, the
 * effective configuration and the dry run, the SLA and KPI dashboard. Bodies and responses as
 * TypeBox schemas, and every route (API and console page) as an {@link AdminRouteDoc}.
 */

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

/** One queue of an adapter instance: ready messages and consumers as the broker counts them now (null: the broker did not answer). */
export const AdminAdapterQueue = Type.Object(
  {
    name: Type.String(),
    lane: Type.Union([Type.Literal('normal'), Type.Literal('bulk'), Type.Literal('dlq')]),
    messages: Type.Union([Count, Type.Null()]),
    consumers: Type.Union([Count, Type.Null()]),
  },
  { additionalProperties: false },
);

/** An adapter instance as the console shows it. */
export const AdminAdapter = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    enabled: Type.Boolean(),
    running: Type.Boolean({ description: 'Running in the hub instance that answered.' }),
    breaker: Type.Object(
      {
        state: Type.String({ description: 'This hub instance’s breaker: closed, open, half-open, or disabled when not running here.' }),
        forcedOpen: Type.Boolean({ description: 'Opened by hand (hub-wide).' }),
        failureThreshold: Count,
        openMs: Count,
        manual: Type.Union([
          Type.Object({ forcedOpen: Type.Boolean(), actor: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) }, { additionalProperties: false }),
          Type.Null(),
        ]),
      },
      { additionalProperties: false },
    ),
    rateLimit: Type.Object({ ratePerSecond: Type.Union([Type.Number(), Type.Null()]), concurrency: Count, timeoutMs: Count }, { additionalProperties: false }),
    queues: Type.Array(AdminAdapterQueue),
    held: Type.Integer({ minimum: 0, description: 'Messages held in this hub instance waiting for a manual opening to be lifted.' }),
    lastError: Type.Union([
      Type.Object(
        {
          at: Type.String({ format: 'date-time' }),
          outcome: Type.String(),
          attempt: Count,
          error: Nullable(Type.String()),
          journalId: Type.Optional(Nullable(Type.String({ description: 'Only for hub-wide readers.' }))),
        },
        { additionalProperties: false },
      ),
      Type.Null(),
    ]),
    probe: Type.Union([Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const AdminAdapterList = Type.Object({ adapters: Type.Array(AdminAdapter) }, { additionalProperties: false });

/** Body of a breaker action. */
export const AdminBreakerRequest = Type.Object({ reason: Reason }, { additionalProperties: false });

/** What a breaker action did; every hub instance applies it within `appliesWithinMs`. */
export const AdminBreakerChange = Type.Object(
  {
    adapter: Type.String(),
    before: Type.Object({ forcedOpen: Type.Boolean(), breaker: Type.String() }, { additionalProperties: false }),
    after: Type.Object({ forcedOpen: Type.Boolean() }, { additionalProperties: false }),
    auditId: Type.String({ format: 'uuid' }),
    appliesWithinMs: Count,
  },
  { additionalProperties: false },
);

/** A secret as the configuration view shows it: the variable it comes from, never the value. */
export const AdminMaskedSecret = Type.Object({ secret: Type.Literal(true), env: Nullable(Type.String()), set: Type.Boolean() }, { additionalProperties: false });

/** The effective configuration (after defaults), secrets replaced by {@link AdminMaskedSecret}. */
export const AdminEffectiveConfig = Type.Object(
  {
    scope: Type.Union([Type.Literal('hub'), Type.Object({ tenants: Type.Array(Type.String()) }, { additionalProperties: false })]),
    config: Type.Record(Type.String(), Type.Unknown(), {
      description: 'HubConfig as resolved; a tenant’s principal gets tenants, routes, adapters (without their config), publishers, notifications.',
    }),
  },
  { additionalProperties: false },
);

/** Body of a dry run: the message as a portal would publish it (JSON text or an object), optionally the publisher whose rights apply. */
export const AdminDryRunRequest = Type.Object(
  { message: Type.Union([Type.String({ minLength: 1 }), Type.Record(Type.String(), Type.Unknown())]), publisher: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

/** What a dry run answers; nothing is journaled, published or audited. */
export const AdminDryRunResult = Type.Object(
  {
    accepted: Type.Boolean(),
    errors: Type.Array(Type.Object({ pointer: Type.String(), reason: Type.String() }, { additionalProperties: false })),
    event: Type.Union([
      Type.Object({ id: Type.String(), type: Type.String(), tenant: Type.String(), source: Type.String(), status: Type.Optional(Type.String()) }, { additionalProperties: false }),
      Type.Null(),
    ]),
    targets: Type.Array(
      Type.Object(
        {
          target: Type.String(),
          kind: Type.Union([Type.Literal('adapter'), Type.Literal('notifier')]),
          queue: Type.String(),
          routes: Type.Array(Type.String()),
          type: Type.Optional(Type.String()),
          enabled: Type.Optional(Type.Boolean()),
          handles: Type.Optional(Type.Boolean({ description: 'false: the instance’s adapter does not take this type (the copy would be dead-lettered).' })),
        },
        { additionalProperties: false },
      ),
    ),
    rules: Type.Array(
      Type.Object(
        {
          on: Type.String(),
          template: Type.String(),
          mandatory: Type.Boolean(),
          priority: Type.String(),
          statuses: Type.Optional(Type.Array(Type.String())),
          exceptStatuses: Type.Optional(Type.Array(Type.String())),
        },
        { additionalProperties: false },
      ),
    ),
    notes: Type.Array(Type.String()),
    sideEffects: Type.Literal('none'),
  },
  { additionalProperties: false },
);

const SlaCounts = { dueToday: Count, atRisk: Count, overdue: Count, paused: Count, open: Count };
const KpiFigure = Type.Object({ numerator: Count, denominator: Count, share: Type.Union([Type.Number(), Type.Null()]) }, { additionalProperties: false });
const Kpis = Type.Object({ repeat: KpiFigure, postponed: KpiFigure, late: KpiFigure, taken: KpiFigure, solvedByT3: KpiFigure }, { additionalProperties: false });

/** The SLA and KPI dashboard of one tenant. */
export const AdminDashboard = Type.Object(
  {
    tenant: Type.String(),
    deadlines: Type.Boolean({ description: 'false: the tenant has no statutory deadlines; nothing else but the period.' }),
    timeZone: Type.Optional(Type.String()),
    today: Type.Optional(Type.String({ format: 'date' })),
    from: Type.String({ format: 'date' }),
    to: Type.String({ format: 'date' }),
    computedAt: Type.String({ format: 'date-time' }),
    totals: Type.Optional(Type.Object(SlaCounts, { additionalProperties: false })),
    byAddressee: Type.Optional(Type.Array(Type.Object({ addressee: Type.String(), ...SlaCounts }, { additionalProperties: false }))),
    kpis: Type.Optional(Kpis),
    kpisByAddressee: Type.Optional(Type.Array(Type.Object({ addressee: Type.String(), kpis: Kpis }, { additionalProperties: false }))),
    dueByDay: Type.Optional(Type.Array(Type.Object({ day: Type.String({ format: 'date' }), onTime: Count, late: Count, openLate: Count, open: Count }, { additionalProperties: false }))),
  },
  { additionalProperties: false },
);

const AdapterId = { id: { schema: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }), description: 'The adapter instance.' } };
const Period = {
  from: { schema: Type.String({ format: 'date' }), description: 'First day (YYYY-MM-DD); default the first of the current month in the tenant’s zone.' },
  to: { schema: Type.String({ format: 'date' }), description: 'Last day; default the end of that month; at most 366 days after from.' },
};

/** Every route of the operations pages. */
export const ADMIN_OPERATIONS_ROUTES: AdminRouteDoc[] = [
  {
    method: 'get',
    path: '/v1/admin/adapters',
    permission: 'adapters.read',
    scope: 'any',
    summary: 'Adapter instances: breaker, rate limit, queues and consumers, last failure, probe',
    description: 'Hub-wide readers see every instance; a tenant’s reader sees the instances its tenants’ routes and notification channels use, without journal ids.',
    query: { probe: { schema: Type.Literal('0'), description: '0: skip the live probes.' } },
    status: 200,
    response: AdminAdapterList,
  },
  {
    method: 'post',
    path: '/v1/admin/adapters/{id}/breaker/open',
    permission: 'adapters.breaker',
    scope: 'hub',
    summary: 'Open a breaker by hand (hub-wide, audited)',
    description:
      'Every hub instance stops delivering to the instance within about two seconds: messages wait in the work queue, nothing is retried or dead-lettered for it. 409 when already open by hand.',
    params: AdapterId,
    body: AdminBreakerRequest,
    status: 200,
    response: AdminBreakerChange,
  },
  {
    method: 'post',
    path: '/v1/admin/adapters/{id}/breaker/close',
    permission: 'adapters.breaker',
    scope: 'hub',
    summary: 'Close a breaker by hand (hub-wide, audited)',
    description: 'Lifts a manual opening and resets the automatic breakers (failures forgotten); deliveries resume.',
    params: AdapterId,
    body: AdminBreakerRequest,
    status: 200,
    response: AdminBreakerChange,
  },
  { method: 'get', path: '/console/adapters', permission: 'adapters.read', scope: 'any', summary: 'Adapters page', html: true },
  { method: 'post', path: '/console/adapters/{id}/breaker/open', permission: 'adapters.breaker', scope: 'hub', summary: 'Open a breaker (form; redirects to the page)', params: AdapterId, html: true },
  {
    method: 'post',
    path: '/console/adapters/{id}/breaker/close',
    permission: 'adapters.breaker',
    scope: 'hub',
    summary: 'Close a breaker (form; redirects to the page)',
    params: AdapterId,
    html: true,
  },
  {
    method: 'get',
    path: '/v1/admin/config',
    permission: 'config.read',
    scope: 'any',
    summary: 'The effective configuration, secrets masked',
    description: 'Hub-wide readers get all of it; a tenant’s reader its tenants’ part.',
    status: 200,
    response: AdminEffectiveConfig,
  },
  {
    method: 'post',
    path: '/v1/admin/config/dry-run',
    permission: 'config.read',
    scope: 'any',
    summary: 'Dry run: which routes, adapter instances and notification rules a message would reach',
    description: 'Validated as the ingress validates; nothing is journaled or published, so it is a read and not audited. 403 for a message of a tenant the principal may not read.',
    body: AdminDryRunRequest,
    status: 200,
    response: AdminDryRunResult,
  },
  { method: 'get', path: '/console/config', permission: 'config.read', scope: 'any', summary: 'Configuration, routes, rules and the dry-run form', html: true },
  { method: 'post', path: '/console/config/dry-run', permission: 'config.read', scope: 'any', summary: 'Dry run (form; the page with the result)', html: true },
  {
    method: 'get',
    path: '/v1/admin/{tenant}/dashboard',
    permission: 'dashboard.read',
    scope: 'tenant',
    summary: 'SLA and KPI dashboard of a tenant',
    description: 'Open terms due today, at risk (inside T−3), overdue and paused, overall and per executor, at the hub’s clock; the KPIs and terms due per day of the period.',
    query: Period,
    status: 200,
    response: AdminDashboard,
  },
  {
    method: 'get',
    path: '/console/dashboard',
    permission: 'dashboard.read',
    scope: 'any',
    summary: 'SLA and KPI dashboard page with SVG charts',
    query: { tenant: { schema: Type.String(), description: 'The tenant (default: the first allowed).' }, ...Period },
    html: true,
  },
];
