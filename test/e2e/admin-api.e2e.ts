import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { runCliCaptured } from '../helpers/cli.helper';
import { sql } from '../helpers/infra.helper';
import { TEST_CONFIG_YAML, TEST_HTTP_TOKEN, useTestHub } from '../helpers/test-hub.helper';
import { newAppeal } from '../helpers/appeal.fixture';
import { eventually } from '../helpers/infra.helper';

/** The admin API's front door: tokens, refusals, hostile bodies, the audit of token actions, the CLI. */
describe('admin API: tokens, refusals and the audit', () => {
  const { hub } = useTestHub();

  it('refuses requests without a valid token, and tokens of the wrong tenant or role', async () => {
    const anon = await fetch(`${hub().url}/v1/admin/demo/audit`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toEqual({ errors: [{ pointer: '', reason: 'sign in first' }] });
    expect((await adminCall(hub(), 'chb_not-a-token', 'GET', '/v1/admin/demo/audit')).status).toBe(401);
    // A publisher's ingress token is not an admin token.
    expect((await adminCall(hub(), 'test-demo-http-token', 'GET', '/v1/admin/demo/audit')).status).toBe(401);
    const otherAuditor = await adminToken(hub(), ['other:auditor']);
    expect((await adminCall(hub(), otherAuditor, 'GET', '/v1/admin/other/audit')).status).toBe(200);
    const refused = await adminCall<{ errors: { reason: string }[] }>(hub(), otherAuditor, 'GET', '/v1/admin/demo/audit');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].reason).toBe('audit.read is not among your permissions for tenant demo');
    const viewer = await adminToken(hub(), ['demo:viewer']);
    expect((await adminCall(hub(), viewer, 'GET', '/v1/admin/demo/audit')).status).toBe(403);
    expect((await adminCall(hub(), viewer, 'POST', '/v1/admin/tokens', { name: 'x', grants: ['demo:admin'], reason: 'escalate' })).status).toBe(403);
    // A tenant admin is not a hub-wide admin: tokens are hub-wide.
    const tenantAdmin = await adminToken(hub(), ['demo:admin']);
    expect((await adminCall(hub(), tenantAdmin, 'POST', '/v1/admin/tokens', { name: 'x', grants: ['*:admin'], reason: 'escalate' })).status).toBe(403);
    const nosuch = await adminToken(hub(), ['*:auditor']);
    expect((await adminCall(hub(), nosuch, 'GET', '/v1/admin/nosuch/audit')).status).toBe(404);
  });

  it('creates, uses and revokes a token, each step audited with who, why, before and after', async () => {
    const admin = await adminToken(hub(), ['*:admin'], 'root');
    const noReason = await adminCall(hub(), admin, 'POST', '/v1/admin/tokens', { name: 'ci', grants: ['demo:viewer'] });
    expect(noReason.status).toBe(400);
    const made = await adminCall<{ id: string; token: string }>(hub(), admin, 'POST', '/v1/admin/tokens', { name: 'ci', grants: ['demo:viewer'], expiresInDays: 7, reason: 'the CI smoke job' });
    expect(made.status).toBe(201);
    expect((await adminCall(hub(), made.body.token, 'GET', '/v1/admin/demo/audit')).status).toBe(403); // a viewer
    const listed = await adminCall<{ tokens: { id: string; lastUsedAt: string | null }[] }>(hub(), admin, 'GET', '/v1/admin/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);
    expect(listed.body.tokens.find((t) => t.id === made.body.id)?.lastUsedAt).not.toBeNull();
    expect((await adminCall(hub(), admin, 'POST', `/v1/admin/tokens/${made.body.id}/revoke`, { reason: 'rotated' })).status).toBe(200);
    expect((await adminCall(hub(), made.body.token, 'GET', '/v1/admin/demo/audit')).status).toBe(401);
    expect((await adminCall(hub(), admin, 'POST', `/v1/admin/tokens/${made.body.id}/revoke`, { reason: 'again' })).status).toBe(404);
    const audit = await adminCall<{ lines: { actor: string; action: string; target: string; reason: string; before: unknown; after: unknown }[] }>(
      hub(),
      admin,
      'GET',
      `/v1/admin/audit?target=${made.body.id}`,
    );
    expect(audit.body.lines.map((l) => [l.action, l.reason, l.actor.replace(/[0-9a-f-]{36}/, 'ID')])).toEqual([
      ['token.revoke', 'rotated', 'token:ID (root)'],
      ['token.create', 'the CI smoke job', 'token:ID (root)'],
    ]);
    expect(audit.body.lines[0].before).toEqual({ name: 'ci', grants: ['demo:viewer'] });
    expect(audit.body.lines[1].after).toMatchObject({ name: 'ci', grants: ['demo:viewer'] });
    // The audit lines are chained: each joins the hub's chain (hub-wide actions).
    await new Promise((r) => setTimeout(r, 1500));
    const chained = await sql<{ n: string }>(hub().space.schema, `SELECT count(*) AS n FROM chain_entry e JOIN audit_log a ON e.kind = 'audit' AND e.row_id = a.id::text WHERE a.entity = 'admin'`);
    expect(Number(chained[0].n)).toBeGreaterThanOrEqual(2);
  });

  it('answers hostile bodies with a reason and nothing else', async () => {
    const admin = await adminToken(hub(), ['*:admin']);
    const post = (body: string, type = 'application/json') => fetch(`${hub().url}/v1/admin/tokens`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': type }, body });
    expect((await post('{"name":')).status).toBe(400);
    expect((await post('{"__proto__":{"x":1},"name":"a","grants":["demo:viewer"],"reason":"pp"}')).status).toBe(400);
    expect((await post('[1,2]')).status).toBe(400);
    expect((await post('name=a', 'text/plain')).status).toBe(415);
    expect((await post(`{"name":"${'x'.repeat(3 * 1024 * 1024)}"}`)).status).toBe(413);
    expect(
      (await fetch(`${hub().url}/v1/admin/tokens`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0x7d]) }))
        .status,
    ).toBe(400);
    // Forms work too (the console's), prototype keys are plain fields there.
    const form = await post('name=form&grants=demo%3Aviewer&reason=from+a+form&__proto__=x', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(201);
    expect((await fetch(`${hub().url}/health`)).status).toBe(200);
  });

  it('makes the first token from the CLI, audited as the OS user, and revokes it', async () => {
    const file = join(tmpdir(), `${hub().space.schema}.yaml`);
    writeFileSync(file, TEST_CONFIG_YAML);
    const saved = { ...process.env };
    Object.assign(process.env, { CABINET_HUB_CONFIG: file, DATABASE_URL: hub().space.env.databaseUrl, DATABASE_SCHEMA: hub().space.schema });
    try {
      expect((await runCliCaptured(['token', 'create', '--name', 'first', '--grant', 'nosuch:admin', '--reason', 'bootstrap'])).code).toBe(1);
      expect((await runCliCaptured(['token', 'create', '--name', 'first', '--grant', '*:admin'])).code).toBe(2);
      const made = await runCliCaptured(['token', 'create', '--name', 'first', '--grant', '*:admin', '--grant', 'demo:pii-reader', '--days', '1', '--reason', 'bootstrap the console']);
      expect(made.code).toBe(0);
      const token = made.out.trim();
      expect(token).toMatch(/^chb_/);
      expect(made.err).not.toContain(token);
      const me = await adminCall<{ tokens: { id: string; name: string; createdBy: string }[] }>(hub(), token, 'GET', '/v1/admin/tokens');
      const row = me.body.tokens.find((t) => t.name === 'first');
      expect(row?.createdBy).toMatch(/^cli:/);
      const listed = await runCliCaptured(['token', 'list']);
      expect(listed.out).toContain('first');
      expect(listed.out).not.toContain(token);
      expect((await runCliCaptured(['token', 'revoke', row?.id ?? '', '--reason', 'done'])).code).toBe(0);
      expect((await adminCall(hub(), token, 'GET', '/v1/admin/tokens')).status).toBe(401);
      // Admin actions joined the hash chains, and the chains still verify.
      await new Promise((r) => setTimeout(r, 1500));
      const verified = await runCliCaptured(['journal', 'verify']);
      expect([verified.code, verified.err]).toEqual([0, '']);
    } finally {
      process.env = saved;
    }
  });

  it('gives an auditor a case’s evidence pack for a reason, audited before anything is read', async () => {
    const ev = newAppeal(`ev-${Date.now()}`);
    const sent = await fetch(`${hub().url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${TEST_HTTP_TOKEN}` },
      body: JSON.stringify(ev),
    });
    expect(sent.status).toBe(202);
    const caseRef = ev.data.caseRef as string;
    await eventually('case opened', async () => (await sql(hub().space.schema, 'SELECT 1 FROM cases WHERE case_ref = $1', [caseRef])).length > 0);
    const auditor = await adminToken(hub(), ['demo:auditor'], 'auditor');
    const viewer = await adminToken(hub(), ['demo:viewer']);
    const path = `/v1/admin/demo/evidence/${encodeURIComponent(caseRef)}.zip`;
    expect((await adminCall(hub(), viewer, 'GET', `${path}?reason=curious`)).status).toBe(403);
    expect((await adminCall(hub(), auditor, 'GET', path)).status).toBe(400);
    const res = await fetch(`${hub().url}${path}?reason=${encodeURIComponent('complaint 17/2026 to the ombudsman')}`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    const lines = await adminCall<{ lines: { action: string; target: string; reason: string; actor: string }[] }>(
      hub(),
      await adminToken(hub(), ['*:admin']),
      'GET',
      '/v1/admin/demo/audit?action=evidence.export',
    );
    expect(lines.body.lines.map((l) => [l.target, l.reason, l.actor.endsWith('(auditor)')])).toEqual([[caseRef, 'complaint 17/2026 to the ombudsman', true]]);
  });
});
