import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, exampleEvent } from '../../contracts';
import { AdminDryRunResult, AdminEffectiveConfig } from '../../contracts/model/admin-operations.schema';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { schemaErrors } from '../helpers/admin-schema.helper';
import { sql } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * The effective configuration with every secret masked (each secret kind the configuration has:
 * ingress tokens, publisher tokens, an adapter's password, S3 keys, the link signing key, the OIDC
 * client secret), a tenant's part for a tenant's principal, and the dry run, which must leave
 * the journal and the outbox as they were.
 */

const SECRETS = {
  OPS_INGRESS_TOKEN: `ingress-${randomUUID()}`,
  OPS_PUBLISHER_TOKEN: `publisher-${randomUUID()}`,
  OPS_ADAPTER_PASSWORD: `adapter-pw-${randomUUID()}`,
  OPS_S3_KEY_ID: `AKIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`,
  OPS_S3_SECRET: `s3-secret-${randomUUID()}`,
  OPS_SIGNING_KEY: `signing-key-${randomUUID()}-${randomUUID()}`,
  OPS_OIDC_SECRET: `oidc-secret-${randomUUID()}`,
  OPS_OTHER_TOKEN: `other-${randomUUID()}`,
};
Object.assign(process.env, SECRETS);

const fake = defineAdapter({
  type: 'edms.fake-cfg',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({ baseUrl: Type.String(), password: Type.String() }, { additionalProperties: false }),
  create: () => ({
    async handle(_event: CloudEvent) {
      return { results: [] };
    },
    async probe() {
      return { ok: true };
    },
  }),
});

const YAML = `
hub:
  source: urn:cabinet-hub:test
  amqp: { allowAnonymousPublishers: true }
  files:
    store: { kind: s3, endpoint: 'http://127.0.0.1:9', bucket: ops-test, accessKeyId: { env: OPS_S3_KEY_ID }, secretAccessKey: { env: OPS_S3_SECRET }, forcePathStyle: true }
    signingKey: { env: OPS_SIGNING_KEY }
tenants:
  demo: { name: Demo, ingressTokens: [{ env: OPS_INGRESS_TOKEN }] }
  other: { name: Other, ingressTokens: [{ env: OPS_OTHER_TOKEN }] }
publishers:
  demo-portal: { tenants: [demo], httpTokens: [{ env: OPS_PUBLISHER_TOKEN }] }
adapters:
  edms-cfg: { type: edms.fake-cfg, enabled: false, config: { baseUrl: 'https://1c.example/base', password: { env: OPS_ADAPTER_PASSWORD } } }
routes:
  - { name: demo-appeals, tenants: [demo], types: [appeal.submitted], to: [edms-cfg] }
  - { name: other-appeals, tenants: [other], types: [appeal.*], to: [edms-cfg] }
notifications:
  defaultRules: true
console:
  oidc: { issuer: 'http://127.0.0.1:9/realms/test', clientId: cabinet-hub, clientSecret: { env: OPS_OIDC_SECRET }, allowInsecure: true }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`;

describe('admin: effective configuration (secrets masked) and the dry run', () => {
  let hub: TestHub;
  let viewer: string;
  beforeAll(async () => {
    hub = await startTestHub({ yaml: YAML, adapters: [fake] });
    viewer = await adminToken(hub, ['*:viewer']);
  });
  afterAll(async () => {
    await hub?.close();
    await hub?.space.cleanup();
  });

  const noSecretIn = (text: string) => {
    for (const [name, value] of Object.entries(SECRETS)) {
      expect({ name, found: text.includes(value) }).toEqual({ name, found: false });
      // Not even a recognisable part of it.
      expect({ name, found: text.includes(value.slice(-12)) }).toEqual({ name, found: false });
    }
  };

  it('shows the whole configuration with defaults to a hub-wide viewer, every secret masked with its variable named', async () => {
    const r = await adminCall<any>(hub, viewer, 'GET', '/v1/admin/config');
    expect(r.status).toBe(200);
    const text = JSON.stringify(r.body);
    noSecretIn(text);
    expect(schemaErrors(AdminEffectiveConfig, r.body)).toEqual([]);
    expect(r.body.scope).toBe('hub');
    const c = r.body.config;
    expect(c.tenants.demo.ingressTokens).toEqual([{ secret: true, env: 'OPS_INGRESS_TOKEN', set: true }]);
    expect(c.publishers[0].httpTokens).toEqual([{ secret: true, env: 'OPS_PUBLISHER_TOKEN', set: true }]);
    expect(c.adapters['edms-cfg'].config).toEqual({ baseUrl: 'https://1c.example/base', password: { secret: true, env: 'OPS_ADAPTER_PASSWORD', set: true } });
    expect(c.hub.files.store).toMatchObject({ accessKeyId: { secret: true, env: 'OPS_S3_KEY_ID' }, secretAccessKey: { secret: true, env: 'OPS_S3_SECRET' }, bucket: 'ops-test' });
    expect(c.hub.files.signingKey).toEqual({ secret: true, env: 'OPS_SIGNING_KEY', set: true });
    expect(c.console.oidc.clientSecret).toEqual({ secret: true, env: 'OPS_OIDC_SECRET', set: true });
    // Defaults applied: the runner's, the retry tiers.
    expect(c.adapters['edms-cfg'].runner).toMatchObject({ concurrency: 8, breakerFailures: 5 });
    expect(c.retry.delaysMs.length).toBeGreaterThan(0);
    const page = await (await fetch(`${hub.url}/console/config?lang=ru`, { headers: { authorization: `Bearer ${viewer}` } })).text();
    noSecretIn(page);
    expect(page).toContain('id="config-effective"');
    expect(page).toContain('data-route="demo-appeals"');
    expect(page).toContain('OPS_INGRESS_TOKEN');
    expect(page).not.toMatch(/style=/);
  });

  it('shows a tenant’s principal only its tenants’ part', async () => {
    const demo = await adminToken(hub, ['demo:viewer']);
    const r = await adminCall<any>(hub, demo, 'GET', '/v1/admin/config');
    expect(r.status).toBe(200);
    noSecretIn(JSON.stringify(r.body));
    expect(r.body.scope).toEqual({ tenants: ['demo'] });
    expect(Object.keys(r.body.config.tenants)).toEqual(['demo']);
    expect(r.body.config.routes.map((x: { name: string }) => x.name)).toEqual(['demo-appeals']);
    expect(r.body.config.adapters['edms-cfg']).toEqual({ type: 'edms.fake-cfg', enabled: false, runner: expect.any(Object) });
    expect(r.body.config.hub).toBeUndefined();
    expect(r.body.config.console).toBeUndefined();
    expect(JSON.stringify(r.body)).not.toContain('other');
  });

  const appeal = (tenant = 'demo') => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant, subject: undefined }) as any;
    ev.data.caseRef = `EP-DRY-${randomUUID().slice(0, 8)}`;
    delete ev.data.files;
    return ev;
  };
  const counts = async () => {
    const [j] = await sql<{ n: number }>(hub.space.schema, 'SELECT count(*)::int AS n FROM journal');
    const [o] = await sql<{ n: number }>(hub.space.schema, 'SELECT count(*)::int AS n FROM outbox');
    const [c] = await sql<{ n: number }>(hub.space.schema, 'SELECT count(*)::int AS n FROM cases');
    return { journal: j.n, outbox: o.n, cases: c.n };
  };

  it('dry-runs a submission: the route and instance it reaches, no rule, nothing journaled', async () => {
    const before = await counts();
    const r = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(appeal()) });
    expect(r.status).toBe(200);
    expect(schemaErrors(AdminDryRunResult, r.body)).toEqual([]);
    expect(r.body).toMatchObject({ accepted: true, errors: [], sideEffects: 'none', event: { type: 'appeal.submitted', tenant: 'demo' } });
    expect(r.body.targets).toEqual([{ target: 'edms-cfg', kind: 'adapter', queue: 'hub.work.edms-cfg', routes: ['demo-appeals'], type: 'edms.fake-cfg', enabled: false, handles: true }]);
    expect(r.body.rules).toEqual([]);
    // A pasted object works as well as pasted text; a publisher's rights are checked when one is named.
    const asObject = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: appeal('other'), publisher: 'demo-portal' });
    expect(asObject.body).toMatchObject({ accepted: false, errors: [expect.objectContaining({ pointer: '/tenant' })] });
    expect(await counts()).toEqual(before);
  });

  it('lists the rules the hub’s own case events would fire, by status', async () => {
    const before = await counts();
    const ev = exampleEvent('application.status-changed', { id: randomUUID(), tenant: 'demo' }) as any;
    ev.data.status = 'rejected';
    const r = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(ev) });
    expect(r.status).toBe(200);
    // A back office may publish status changes on cabinet.in: accepted, and the rules its type and status fire.
    expect(r.body).toMatchObject({ accepted: true, errors: [] });
    expect(r.body.rules).toEqual([expect.objectContaining({ on: 'application.status-changed', template: 'application.rejected', mandatory: true })]);
    ev.data.status = 'under-review';
    const other = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(ev) });
    expect(other.body.rules.map((x: { template: string }) => x.template)).toEqual(['application.status-changed']);
    // A type only the hub emits is refused from outside, and says so; the rules are those the hub's own event fires.
    const ext = exampleEvent('deadline.extended', { id: randomUUID(), tenant: 'demo' }) as any;
    const hubOnly = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(ext) });
    expect(hubOnly.body).toMatchObject({ accepted: false, errors: [expect.objectContaining({ pointer: '/type' })], targets: [] });
    expect(hubOnly.body.rules).toEqual([expect.objectContaining({ on: 'deadline.extended', template: 'deadline.extended', mandatory: true })]);
    expect(hubOnly.body.notes.join(' ')).toContain('emitted by the hub');
    expect(await counts()).toEqual(before);
  });

  it('answers a broken message with the errors message.rejected would list', async () => {
    const bad = appeal();
    delete bad.data.caseRef;
    bad.tenant = 'demo';
    const r = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(bad) });
    expect(r.body.accepted).toBe(false);
    expect(r.body.errors.some((e: { pointer: string }) => e.pointer.startsWith('/data'))).toBe(true);
    expect(r.body.targets).toEqual([]);
    const notJson = await adminCall<any>(hub, viewer, 'POST', '/v1/admin/config/dry-run', { message: '{"id": ' });
    expect(notJson.body).toMatchObject({ accepted: false, errors: [{ pointer: '', reason: expect.stringContaining('not valid JSON') }] });
    expect((await adminCall(hub, viewer, 'POST', '/v1/admin/config/dry-run', {})).status).toBe(400);
  });

  it('keeps tenants apart in the dry run, and renders it on the console page', async () => {
    const demo = await adminToken(hub, ['demo:viewer']);
    expect((await adminCall(hub, demo, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(appeal('other')) })).status).toBe(403);
    expect((await adminCall(hub, demo, 'POST', '/v1/admin/config/dry-run', { message: JSON.stringify(appeal('demo')) })).status).toBe(200);
    const before = await counts();
    const res = await fetch(`${hub.url}/console/config/dry-run?lang=uk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demo}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ message: JSON.stringify(appeal('demo')) }).toString(),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('id="dry-run-result" data-accepted="true"');
    expect(html).toContain('data-target="edms-cfg"');
    noSecretIn(html);
    expect(await counts()).toEqual(before);
  });
});
