import { allows, grantStrings, parseGrants, PERMISSIONS, PERMISSIONS_OF, ROLES, tenantsAllowing } from './admin.roles';
import { claimAt, grantsOf } from './oidc-login.service';
import { safeReturnTo } from '../console/console.controller';
import { reasonOf } from '../audit/admin-audit.service';

describe('roles and permissions', () => {
  it('gives each role what its name says, and no role more than admin (but the reveal grant)', () => {
    expect(PERMISSIONS_OF.viewer.some((p) => /redrive|discard|replay|approve|breaker|reveal|tokens/.test(p))).toBe(false);
    expect(PERMISSIONS_OF.operator).toEqual(expect.arrayContaining(['dead-letters.redrive', 'dead-letters.approve', 'adapters.breaker']));
    expect(PERMISSIONS_OF.operator).not.toContain('pii.reveal');
    expect(PERMISSIONS_OF.auditor).toEqual(expect.arrayContaining(['audit.read', 'evidence.export']));
    expect(PERMISSIONS_OF.auditor.some((p) => /redrive|discard|replay|approve|breaker|reveal|tokens/.test(p))).toBe(false);
    expect(PERMISSIONS_OF['pii-reader']).toEqual(['pii.reveal']);
    for (const r of ROLES) for (const p of PERMISSIONS_OF[r]) expect(PERMISSIONS).toContain(p);
    expect(PERMISSIONS.filter((p) => !ROLES.some((r) => PERMISSIONS_OF[r].includes(p)))).toEqual([]);
  });

  it('scopes grants to tenants; `*` covers every tenant and alone the hub-wide scope', () => {
    const g = parseGrants(['demo:operator', 'other:viewer']);
    expect(allows(g, 'dead-letters.redrive', 'demo')).toBe(true);
    expect(allows(g, 'dead-letters.redrive', 'other')).toBe(false);
    expect(allows(g, 'cases.read', 'third')).toBe(false);
    expect(allows(g, 'adapters.breaker', '*')).toBe(false);
    const star = parseGrants(['*:operator']);
    expect(allows(star, 'adapters.breaker', '*')).toBe(true);
    expect(allows(star, 'cases.read', 'anything')).toBe(true);
    expect(tenantsAllowing(g, 'cases.read', ['demo', 'other', 'third'])).toEqual(['demo', 'other']);
  });

  it('ignores malformed grants and unknown roles, and keeps no prototype keys', () => {
    const g = parseGrants(['demo:root', 'Demo:viewer', '__proto__:admin', 'demo:viewer', 'demo:viewer', 42, 'x:y:z']);
    expect(grantStrings(g)).toEqual(['demo:viewer']);
    expect(allows(parseGrants(['demo:viewer']), 'cases.read', 'constructor')).toBe(false);
  });
});

describe('grants from the identity provider', () => {
  const users = [
    { email: 'ops@city.example', grants: ['demo:operator'] },
    { subject: 'abc', grants: ['*:auditor'] },
  ];
  it('reads the roles claim by dot path, as an array or a space-separated string', () => {
    expect(claimAt({ realm_access: { roles: ['demo:viewer'] } }, 'realm_access.roles')).toEqual(['demo:viewer']);
    expect(grantStrings(grantsOf({ sub: 'x', realm_access: { roles: ['demo:viewer', 'offline_access'] } }, { rolesClaim: 'realm_access.roles' }, []))).toEqual(['demo:viewer']);
    expect(grantStrings(grantsOf({ sub: 'x', roles: 'demo:viewer other:admin' }, { rolesClaim: 'roles' }, []))).toEqual(['demo:viewer', 'other:admin']);
  });
  it('adds configured grants by subject or verified e-mail only', () => {
    expect(grantStrings(grantsOf({ sub: 'x', email: 'OPS@city.example', email_verified: true }, { rolesClaim: 'roles' }, users))).toEqual(['demo:operator']);
    expect(grantStrings(grantsOf({ sub: 'x', email: 'ops@city.example', email_verified: false }, { rolesClaim: 'roles' }, users))).toEqual([]);
    expect(grantStrings(grantsOf({ sub: 'abc' }, { rolesClaim: 'roles' }, users))).toEqual(['*:auditor']);
  });
});

describe('console inputs', () => {
  it('returns after sign-in only to a console path of this hub', () => {
    expect(safeReturnTo('/console/cases?tenant=demo')).toBe('/console/cases?tenant=demo');
    for (const bad of ['https://evil.example/console', '//evil.example/console', '/console//evil', '/consolex', '/v1/admin/tokens', '/console\\evil', 42, undefined])
      expect(safeReturnTo(bad)).toBe('/console');
  });
  it('requires a reason of sensible length without control characters', () => {
    expect(reasonOf('  the 1C server is back  ')).toEqual({ ok: true, reason: 'the 1C server is back' });
    for (const bad of [undefined, '', '  ', 'ab', 'x'.repeat(1001), 'bell\u0007', 7]) expect(reasonOf(bad).ok).toBe(false);
  });
});
