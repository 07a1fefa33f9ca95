import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqplib from 'amqplib';
import { exampleEvent } from '../../contracts';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, rabbitUrl, sql, uniqueName, withVhost } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub, TestSpace } from '../helpers/test-hub.helper';

const run = promisify(execFile);
const CT = 'application/cloudevents+json';

/**
 * Publishers bound to tenants, with a real second broker user in the test's own vhost, given
 * exactly the permissions the README tells operators to give a portal (and deleted afterwards).
 */
describe('publisher rights (real broker user with README permissions)', () => {
  const user = uniqueName('portal');
  const password = randomUUID();
  const queue = `${user}.out`;
  const token = randomUUID();
  let space: TestSpace;
  let hub: TestHub;
  let operator: AmqpProbe;
  let portal: amqplib.ChannelModel;
  const got: Received[] = [];

  beforeAll(async () => {
    space = await createTestSpace();
    await run('rabbitmqctl', ['add_user', user, password]);
    // configure: its own queue; write: cabinet.in; read: its own queue. Nothing else.
    const q = `^${queue.replace(/\./g, '\\.')}$`;
    await run('rabbitmqctl', ['set_permissions', '-p', space.vhost, user, q, '^cabinet\\.in$', q]);
    process.env.PR_PORTAL_TOKEN = token;
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test }
tenants:
  demo: { name: Demo }
  other: { name: Other, http: { open: true } }
publishers:
  demo-portal: { tenants: [demo], types: [appeal.submitted], amqpUser: ${user}, httpTokens: [{ env: PR_PORTAL_TOKEN }] }
adapters:
  edms-test: { type: edms.1c-docflow, enabled: false }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-test] }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`,
    });
    // The operator (not the portal) binds the portal's queue to its tenant's events only.
    operator = await AmqpProbe.connect(space.amqpUrl);
    const op = await amqplib.connect(space.amqpUrl);
    const och = await op.createChannel();
    await och.assertQueue(queue, { durable: true });
    await och.bindQueue(queue, 'cabinet.out', 'demo.#');
    await op.close();
    portal = await amqplib.connect(withVhost(rabbitUrl().replace(/\/\/[^@]*@/, `//${user}:${password}@`), space.vhost));
    const ch = await portal.createChannel();
    await ch.assertQueue(queue, { durable: true }); // configure on its own queue is allowed
    await ch.consume(queue, (m) => m && got.push({ routingKey: m.fields.routingKey, properties: m.properties, body: m.content, json: () => JSON.parse(m.content.toString()) }), { noAck: true });
  });
  afterAll(async () => {
    await portal?.close().catch(() => undefined);
    await operator?.close();
    await hub?.close();
    await run('rabbitmqctl', ['delete_user', user]).catch(() => undefined);
    await space?.cleanup();
  });

  const appeal = (tenant: string) => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant, subject: undefined }) as any;
    ev.data.caseRef = `EP-${ev.id}`;
    return ev;
  };
  const publish = async (ev: unknown, options: amqplib.Options.Publish) => {
    const ch = await portal.createConfirmChannel();
    ch.publish('cabinet.in', 'appeal.submitted', Buffer.isBuffer(ev) ? ev : Buffer.from(JSON.stringify(ev)), { contentType: CT, persistent: true, ...options });
    await ch.waitForConfirms();
    await ch.close();
  };

  it('accepts its own tenant, rejects another tenant on its own routing key, and asks for user_id when missing', async () => {
    const mine = appeal('demo');
    const foreign = appeal('other');
    const anonymous = appeal('demo');
    await publish(mine, { userId: user });
    await publish(foreign, { userId: user });
    await publish(anonymous, {});

    await eventually('own appeal accepted', async () => (await sql(space.schema, `SELECT 1 FROM journal WHERE event_id = $1 AND status = 'accepted'`, [mine.id])).length === 1);
    const wrong = await eventually('rejection for the other tenant', () => got.find((m) => m.json().data.originalId === foreign.id));
    expect(wrong.routingKey).toBe('demo.message.rejected');
    expect(wrong.json().data.errors).toEqual([{ pointer: '/tenant', reason: 'this publisher may not publish for this tenant' }]);
    const unnamed = await eventually('rejection without user_id', () => got.find((m) => m.json().data.originalId === anonymous.id));
    expect(unnamed.json().data.errors).toEqual([{ pointer: '', reason: expect.stringMatching(/^publisher not identified: set the user_id property/) }]);
    expect(await sql(space.schema, `SELECT 1 FROM journal WHERE event_id = ANY($1) AND status = 'accepted'`, [[foreign.id, anonymous.id]])).toHaveLength(0);
  });

  it('an unreadable body from a known publisher is answered on its tenant, not on "unknown"', async () => {
    await publish(Buffer.from('{"not json'), { userId: user, messageId: 'broken-1' });
    const m = await eventually('rejection', () => got.find((x) => x.json().data.originalId === 'broken-1'));
    expect(m.routingKey).toBe('demo.message.rejected');
  });

  it('the broker refuses a forged user_id (the channel closes) and everything outside the permissions', async () => {
    const closed = async (act: (ch: amqplib.ConfirmChannel) => Promise<unknown> | void) => {
      const ch = await portal.createConfirmChannel();
      const error = new Promise<Error>((resolve) => ch.on('error', resolve));
      ch.on('close', () => undefined);
      await Promise.resolve(act(ch)).catch(() => undefined);
      return Promise.race([error, new Promise<undefined>((r) => setTimeout(() => r(undefined), 3000))]);
    };
    const forged = await closed(async (ch) => {
      ch.publish('cabinet.in', 'appeal.submitted', Buffer.from(JSON.stringify(appeal('other'))), { contentType: CT, userId: 'guest' });
      await ch.waitForConfirms();
    });
    expect(String(forged)).toMatch(/PRECONDITION_FAILED.*user_id property set to 'guest' but authenticated user was/);
    expect(
      String(
        await closed((ch) => {
          ch.publish('cabinet.out', 'other.appeal.registered', Buffer.from('{}'));
        }),
      ),
    ).toMatch(/ACCESS_REFUSED/);
    expect(String(await closed((ch) => ch.bindQueue(queue, 'cabinet.out', '#')))).toMatch(/ACCESS_REFUSED/);
    expect(String(await closed((ch) => ch.checkQueue('hub.ingress').then(() => ch.get('hub.ingress'))))).toMatch(/ACCESS_REFUSED/);
    expect(String(await closed((ch) => ch.assertQueue('somebody-else', { durable: true })))).toMatch(/ACCESS_REFUSED/);
  });

  it('HTTP: 401 without or with a wrong token, 403 and a rejection on its tenant outside its rights, 202 inside', async () => {
    const post = (ev: unknown, auth?: string) => fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': CT, ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(ev) });
    expect((await post(appeal('demo'))).status).toBe(401);
    expect((await post(appeal('demo'), 'Bearer wrong')).status).toBe(401);
    const foreign = appeal('other');
    const res = await post(foreign, `Bearer ${token}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).errors).toEqual([{ pointer: '/tenant', reason: 'this publisher may not publish for this tenant' }]);
    const m = await eventually('http rejection', () => got.find((x) => x.json().data.originalId === foreign.id));
    expect(m.routingKey).toBe('demo.message.rejected');
    const mine = appeal('demo');
    expect((await post(mine, `Bearer ${token}`)).status).toBe(202);
    await eventually('http appeal accepted through cabinet.in', async () => (await sql(space.schema, `SELECT 1 FROM journal WHERE event_id = $1 AND status = 'accepted'`, [mine.id])).length === 1);
  });

  it('HTTP: a tenant configured open takes events without a token (400 for an invalid one), is warned about at startup, and opens nothing else', async () => {
    const post = (body: string) => fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': CT }, body });
    const open = appeal('other');
    expect((await post(JSON.stringify(open))).status).toBe(202);
    await eventually('open tenant appeal accepted', async () => (await sql(space.schema, `SELECT 1 FROM journal WHERE event_id = $1 AND status = 'accepted'`, [open.id])).length === 1);
    const invalid = { ...appeal('other'), data: { kind: 'wish' } };
    expect((await post(JSON.stringify(invalid))).status).toBe(400);
    expect((await post('{"not json')).status).toBe(401);
    expect(hub.logs.join('')).toMatch(/tenant \\"other\\" is open on the HTTP ingress/);
    expect(hub.logs.join('')).not.toMatch(/any broker user may publish/);
  });
});
