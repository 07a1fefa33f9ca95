import type { HubConfig } from '../config/hub-config.schema';
import { Router, typeMatches } from './event.router';

function routerWith(routes: { tenants: string[]; types: string[]; to: string[] }[]): Router {
  const config = { routes: routes.map((r, i) => ({ name: `route-${i}`, ...r })) } as unknown as HubConfig;
  return new Router(config);
}

type RoutedType = Parameters<Router['route']>[0]['type'];
const event = (tenant: string, type: string) => ({ tenant, type: type as RoutedType });

describe('router', () => {
  describe('typeMatches', () => {
    it('matches an exact type only', () => {
      expect(typeMatches('appeal.submitted', 'appeal.submitted')).toBe(true);
      expect(typeMatches('appeal.submitted', 'appeal.registered')).toBe(false);
      expect(typeMatches('appeal.submitted', 'appeal.submitted.v2')).toBe(false);
    });

    it('matches every type under a prefix wildcard', () => {
      expect(typeMatches('appeal.*', 'appeal.submitted')).toBe(true);
      expect(typeMatches('appeal.*', 'appeal.status-changed')).toBe(true);
    });

    it('does not match a prefix wildcard against other families or the bare prefix', () => {
      expect(typeMatches('appeal.*', 'application.submitted')).toBe(false);
      expect(typeMatches('appeal.*', 'appeals.submitted')).toBe(false);
      expect(typeMatches('appeal.*', 'appeal')).toBe(false);
    });

    it('matches everything with "*"', () => {
      expect(typeMatches('*', 'appeal.submitted')).toBe(true);
      expect(typeMatches('*', 'application.document-added')).toBe(true);
    });
  });

  describe('Router', () => {
    it('routes an exact type to its targets', () => {
      const router = routerWith([{ tenants: ['kyiv'], types: ['appeal.submitted'], to: ['edms'] }]);

      expect(router.route(event('kyiv', 'appeal.submitted'))).toEqual(['edms']);
      expect(router.route(event('kyiv', 'appeal.registered'))).toEqual([]);
    });

    it('routes by prefix wildcard and by "*"', () => {
      const router = routerWith([
        { tenants: ['kyiv'], types: ['appeal.*'], to: ['edms'] },
        { tenants: ['kyiv'], types: ['*'], to: ['audit'] },
      ]);

      expect(router.route(event('kyiv', 'appeal.submitted'))).toEqual(['edms', 'audit']);
      expect(router.route(event('kyiv', 'application.submitted'))).toEqual(['audit']);
    });

    it('honours tenant lists, with "*" meaning every tenant', () => {
      const router = routerWith([
        { tenants: ['kyiv', 'lviv'], types: ['appeal.submitted'], to: ['edms'] },
        { tenants: ['*'], types: ['appeal.submitted'], to: ['notify'] },
      ]);

      expect(router.route(event('lviv', 'appeal.submitted'))).toEqual(['edms', 'notify']);
      expect(router.route(event('odesa', 'appeal.submitted'))).toEqual(['notify']);
    });

    it('merges targets of several routes in route order without duplicates', () => {
      const router = routerWith([
        { tenants: ['kyiv'], types: ['appeal.*'], to: ['edms', 'notify'] },
        { tenants: ['*'], types: ['appeal.submitted'], to: ['cnap', 'edms'] },
        { tenants: ['kyiv'], types: ['*'], to: ['notify', 'audit', 'audit'] },
      ]);

      expect(router.route(event('kyiv', 'appeal.submitted'))).toEqual(['edms', 'notify', 'cnap', 'audit']);
    });

    it('returns [] when no route matches', () => {
      const router = routerWith([{ tenants: ['kyiv'], types: ['appeal.*'], to: ['edms'] }]);

      expect(router.route(event('lviv', 'appeal.submitted'))).toEqual([]);
      expect(router.route(event('kyiv', 'application.submitted'))).toEqual([]);
      expect(routerWith([]).route(event('kyiv', 'appeal.submitted'))).toEqual([]);
    });

    it('gives the same answer when asked again for the same tenant and type', () => {
      const router = routerWith([
        { tenants: ['kyiv'], types: ['appeal.*'], to: ['edms'] },
        { tenants: ['lviv'], types: ['appeal.*'], to: ['cnap'] },
      ]);

      expect(router.route(event('kyiv', 'appeal.submitted'))).toEqual(['edms']);
      expect(router.route(event('lviv', 'appeal.submitted'))).toEqual(['cnap']);
      expect(router.route(event('kyiv', 'appeal.submitted'))).toEqual(['edms']);
    });
  });
});
