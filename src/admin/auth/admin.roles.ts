/**
 * Roles and permissions of the admin API and console. Every route names one permission and the
 * server checks it on every request (AdminGuard); pages only hide what the server would refuse.
 *
 * A grant is `<tenant>:<role>` or `*:<role>` (every tenant, and the hub-wide pages: adapters,
 * configuration). A small table instead of a rules engine: five roles and fourteen permissions
 * with no conditions beyond the tenant fit in one screen, and a reader can check it by eye.
 */
export const ROLES = ['viewer', 'operator', 'admin', 'auditor', 'pii-reader'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'cases.read',
  'pii.reveal',
  'dead-letters.read',
  'dead-letters.redrive',
  'dead-letters.discard',
  'dead-letters.replay',
  'dead-letters.approve',
  'adapters.read',
  'adapters.breaker',
  'config.read',
  'dashboard.read',
  'audit.read',
  'evidence.export',
  'tokens.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: Permission[] = ['cases.read', 'dead-letters.read', 'adapters.read', 'config.read', 'dashboard.read'];
const OPERATOR: Permission[] = [...VIEWER, 'dead-letters.redrive', 'dead-letters.discard', 'dead-letters.replay', 'dead-letters.approve', 'adapters.breaker'];

/**
 * What each role may do. The auditor reads everything and the audit but changes nothing; revealing
 * personal data is its own grant (`pii-reader`), held by admins and by nobody else by default.
 */
export const PERMISSIONS_OF: Record<Role, readonly Permission[]> = {
  viewer: VIEWER,
  operator: OPERATOR,
  admin: [...OPERATOR, 'pii.reveal', 'audit.read', 'evidence.export', 'tokens.manage'],
  auditor: [...VIEWER, 'audit.read', 'evidence.export'],
  'pii-reader': ['pii.reveal'],
};

/** Roles per tenant (`*`: every tenant). */
export type Grants = Readonly<Record<string, readonly Role[]>>;

/** Permissions that change state: a reason is required and the action is audited. */
export const CHANGES_STATE: ReadonlySet<Permission> = new Set(['dead-letters.redrive', 'dead-letters.discard', 'dead-letters.replay', 'dead-letters.approve', 'adapters.breaker', 'tokens.manage']);

/** The grants written as `<tenant>:<role>` strings; unknown roles and malformed entries are left out. */
export function parseGrants(values: readonly unknown[]): Grants {
  const out: Record<string, Role[]> = {};
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = /^([a-z0-9][a-z0-9_-]{0,62}|\*):([a-z-]+)$/.exec(v);
    if (!m || !(ROLES as readonly string[]).includes(m[2])) continue;
    const list = (out[m[1]] ??= []);
    if (!list.includes(m[2] as Role)) list.push(m[2] as Role);
  }
  return out;
}

/** Grants back to their string form, sorted (stored with sessions and tokens, shown in the audit). */
export function grantStrings(grants: Grants): string[] {
  return Object.entries(grants)
    .flatMap(([t, roles]) => roles.map((r) => `${t}:${r}`))
    .sort();
}

/** Two sets of grants joined. */
export function mergeGrants(a: Grants, b: Grants): Grants {
  return parseGrants([...grantStrings(a), ...grantStrings(b)]);
}

/**
 * Whether the grants allow a permission for a tenant. `'*'` as the tenant means hub-wide (adapters,
 * configuration): only a `*:` grant allows it.
 */
export function allows(grants: Grants, permission: Permission, tenant: string): boolean {
  const roles = tenant === '*' ? (grants['*'] ?? []) : [...(grants['*'] ?? []), ...(Object.hasOwn(grants, tenant) ? grants[tenant] : [])];
  return roles.some((r) => PERMISSIONS_OF[r].includes(permission));
}

/** The tenants (of those configured) where a permission is allowed. */
export function tenantsAllowing(grants: Grants, permission: Permission, configured: readonly string[]): string[] {
  return configured.filter((t) => allows(grants, permission, t));
}
