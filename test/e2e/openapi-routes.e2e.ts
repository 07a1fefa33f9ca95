import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ADMIN_ROUTES } from '../../contracts/model/admin-routes.registry';
import { REQUIRES } from '../../src/admin/auth/admin.guard';
import { HubModule } from '../../src/app/hub.module';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { useTestHub } from '../helpers/test-hub.helper';

type Route = { method: string; path: string; requires?: { permission: string; scope: string } };

/** `:tenant` → `{tenant}`, leading slash, no trailing one. */
const openApiPath = (...parts: string[]) =>
  `/${parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every route the hub's controllers declare, with the permission its handler requires (if any). */
function declaredRoutes(config: unknown): Route[] {
  const controllers = (HubModule.forRoot({ config } as never).controllers ?? []) as (new (...a: never[]) => object)[];
  return controllers.flatMap((c) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, c) ?? '');
    return Object.getOwnPropertyNames(c.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => (c.prototype as Record<string, unknown>)[name])
      .filter((fn): fn is (...a: unknown[]) => unknown => typeof fn === 'function' && Reflect.getMetadata(PATH_METADATA, fn) !== undefined)
      .map((fn) => ({
        method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, fn) as number].toLowerCase(),
        path: openApiPath(base, String(Reflect.getMetadata(PATH_METADATA, fn))),
        requires: Reflect.getMetadata(REQUIRES, fn) as Route['requires'],
      }));
  });
}

/**
 * The OpenAPI document, checked against the running hub: every route the hub serves is in the
 * document and every documented operation is served; each admin route documents the very
 * permission its handler enforces; and answers of the running hub validate against the
 * documented schemas.
 */
describe('the OpenAPI document and the running hub', () => {
  const { hub } = useTestHub();
  let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    const res = await fetch(`${hub().url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });

  it('documents exactly the routes the hub serves', () => {
    const served = declaredRoutes(hub().config).map((r) => `${r.method} ${r.path}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(served.length).toBeGreaterThan(20);
    // The evidence route serves `{file}` = `<caseRef>.zip`; the document names the parts.
    const normalise = (k: string) =>
      k.replace('/v1/evidence/{tenant}/{caseRef}.zip', '/v1/evidence/{tenant}/{file}').replace('/v1/admin/{tenant}/evidence/{caseRef}.zip', '/v1/admin/{tenant}/evidence/{file}');
    expect([...new Set(documented.map(normalise))].sort()).toEqual([...new Set(served)].sort());
  });

  it('documents for each admin route the permission its handler enforces', () => {
    const byKey = new Map(declaredRoutes(hub().config).map((r) => [`${r.method} ${r.path.replace('/evidence/{file}', '/evidence/{caseRef}.zip')}`, r]));
    const mismatches = ADMIN_ROUTES.flatMap((d) => {
      const r = byKey.get(`${d.method} ${d.path}`);
      const enforced = r?.requires ? `${r.requires.permission}/${r.requires.scope}` : 'none';
      const said = d.permission === 'none' ? 'none' : `${d.permission}/${d.scope}`;
      return enforced === said ? [] : [`${d.method} ${d.path}: documented ${said}, enforced ${enforced}`];
    });
    expect(mismatches).toEqual([]);
    // And no admin JSON route is without a permission.
    const open = declaredRoutes(hub().config).filter((r) => r.path.startsWith('/v1/admin') && !r.requires);
    expect(open).toEqual([]);
  });

  it("validates the running hub's admin answers against the documented schemas", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const token = await adminToken(hub(), ['*:admin']);
    const check = async (path: string, docPath: string) => {
      const res = await adminCall(hub(), token, 'GET', path);
      expect(res.status).toBe(200);
      const schema = doc.paths[docPath].get.responses['200'].content?.['application/json'].schema;
      const validate = ajv.compile(schema as object);
      expect(validate(res.body) ? [] : validate.errors).toEqual([]);
    };
    await check('/v1/admin/tokens', '/v1/admin/tokens');
    await check('/v1/admin/audit', '/v1/admin/audit');
    await check('/v1/admin/demo/audit', '/v1/admin/{tenant}/audit');
  });
});
