import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, DeliveryReport, exampleEvent, NotificationDispatch, PermanentError, validateEvent, WebhookRequest } from '../../contracts';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * The notification core (planning, fallback, statuses, deadlines, webhooks, bot linking) with
 * scriptable in-process channels standing in for providers. The real adapters run against their
 * mocks in their contract tests and in notifications-roundtrip.e2e.ts.
 */

type Behaviour = 'accept' | 'refuse-recipient' | 'throw-permanent';

/** A channel provider: what it received, how it answers, and callbacks it "sends". */
class FakeProvider {
  received: NotificationDispatch[] = [];
  behaviour: Behaviour = 'accept';
  next = 0;
}

function fakeChannel(type: string, capability: 'notify.sms' | 'notify.viber', provider: FakeProvider) {
  return defineAdapter({
    type,
    capabilities: [capability],
    consumes: ['notification.dispatch'],
    mock: 'fake',
    configSchema: Type.Object({ secret: Type.String() }, { additionalProperties: false }),
    create: (config) => ({
      async handle(event: CloudEvent) {
        const d = event.data as NotificationDispatch;
        if (provider.behaviour === 'throw-permanent') throw new PermanentError('provider refused the credentials (401)');
        provider.received.push(d);
        const providerMessageId = `${type}-${++provider.next}`;
        const report: DeliveryReport =
          provider.behaviour === 'refuse-recipient'
            ? {
                dispatchId: d.dispatchId,
                providerMessageId,
                status: 'failed',
                failure: { code: 'fake:5', message: 'receiver not subscribed' },
                addressInactive: true,
                occurredAt: new Date().toISOString(),
              }
            : { dispatchId: d.dispatchId, providerMessageId, status: 'sent', occurredAt: new Date().toISOString() };
        return { results: [], deliveries: [report], summary: { request: { channel: d.channel }, response: { providerMessageId } } };
      },
      async probe() {
        return { ok: true };
      },
      // Callbacks are JSON `{ deliveries, inbound, key }`, signed by a header equal to the secret.
      async webhook(req: WebhookRequest) {
        if (req.headers['x-fake-signature'] !== config.secret) return { verified: false, deliveries: [], inbound: [], detail: 'bad signature' };
        try {
          const body = JSON.parse(req.rawBody.toString('utf8'));
          return { verified: true, dedupKey: String(body.key), deliveries: body.deliveries ?? [], inbound: body.inbound ?? [] };
        } catch {
          return { verified: true, deliveries: [], inbound: [] };
        }
      },
    }),
  });
}

const viber = new FakeProvider();
const sms = new FakeProvider();
const edms = { registered: 0 };
const fakeEdms = defineAdapter({
  type: 'edms.fake',
  capabilities: ['edms.appeal.register'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({}, { additionalProperties: false }),
  create: () => ({
    async handle(event: CloudEvent) {
      const data = event.data as { caseRef: string };
      const n = ++edms.registered;
      const at = '2026-01-10T10:00:00+02:00';
      return {
        results: [
          {
            type: 'appeal.registered' as const,
            tenant: event.tenant,
            caseRef: data.caseRef,
            occurredAt: at,
            data: { caseRef: data.caseRef, system: 'edms.fake', externalId: `EXT-${n}`, registrationNumber: `ВХ-${n}`, registeredAt: at },
          },
        ],
      };
    },
    async probe() {
      return { ok: true };
    },
  }),
});

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Демо громада, locale: uk }
adapters:
  viber-fake: { type: messenger.viber-fake, config: { secret: { env: FAKE_VIBER_SECRET } }, runner: { timeoutMs: 2000 } }
  sms-fake: { type: sms.fake, config: { secret: { env: FAKE_SMS_SECRET } }, runner: { timeoutMs: 2000, ratePerSecond: 40 } }
  edms-fake: { type: edms.fake }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-fake] }
retry: { delaysMs: [200, 400], jitter: 0.1 }
# The test reads the broker's DLQ directly; the dead-letter keeper would move its messages into PostgreSQL first.
deadLetters: { keep: false }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
notifications:
  channels: { viber: viber-fake, sms: sms-fake }
  order: [viber, sms]
  confirmWithinMs: { viber: 1500, sms: 0 }
  rules:
    - { on: appeal.registered, template: appeal.registered }
  templates:
    water-outage:
      sms:
        uk: "{{district}}: {{date}} не буде води."
        ru: "{{district}}: {{date}} не будет воды."
        en: "{{district}}: no water on {{date}}."
`;

describe('notifications: planning, fallback, statuses, webhooks, bot', () => {
  let hub: TestHub;
  let probe: AmqpProbe;
  let statuses: Received[];
  let linked: Received[];
  beforeAll(async () => {
    process.env.FAKE_VIBER_SECRET = 'viber-secret-1';
    process.env.FAKE_SMS_SECRET = 'sms-secret-1';
    hub = await startTestHub({ yaml: YAML, adapters: [fakeChannel('messenger.viber-fake', 'notify.viber', viber), fakeChannel('sms.fake', 'notify.sms', sms), fakeEdms] });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
    statuses = await probe.listen('cabinet.out', 'demo.notification.status-changed');
    linked = await probe.listen('cabinet.out', 'demo.contact.linked');
  });
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });
  beforeEach(() => {
    viber.behaviour = 'accept';
    sms.behaviour = 'accept';
  });

  const request = async (recipient: object, extra: object = {}) => {
    const ev = exampleEvent('notification.requested', { id: randomUUID(), tenant: 'demo' }) as any;
    ev.data = { recipient, template: 'water-outage', variables: { district: 'Оболонь', date: '04.06' }, ...extra };
    await probe.publishEvent(ev);
    return ev;
  };
  const statusesOf = (id: string) => statuses.map((m) => m.json()).filter((e) => e.data.notificationId === id);
  const callback = (instance: string, body: object, signature: string) =>
    fetch(`${hub.url}/v1/webhooks/${instance}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-fake-signature': signature }, body: JSON.stringify(body) });

  it('sends on the first preferred channel in the citizen language, and reports queued, sent and delivered', async () => {
    const ev = await request({ contacts: { phone: '+380501110001', viberUserId: 'vb-1=' }, locale: 'ru', channels: ['viber', 'sms'] });
    const d = await eventually('viber got it', () => viber.received.find((x) => x.notificationId === ev.id));
    expect(d).toMatchObject({ channel: 'viber', address: 'vb-1=', locale: 'ru', text: 'Оболонь: 04.06 не будет воды.', priority: 'normal' });
    await eventually('sent reported', () => statusesOf(ev.id).some((s) => s.data.status === 'sent'));
    const [row] = await sql<any>(hub.space.schema, `SELECT provider_message_id FROM notification_dispatch WHERE id = $1`, [d.dispatchId]);
    // The provider's delivery receipt arrives as a signed callback; a replay of it changes nothing.
    const receipt = { key: `delivered:${row.provider_message_id}`, deliveries: [{ providerMessageId: row.provider_message_id, status: 'delivered', occurredAt: new Date().toISOString() }] };
    expect((await callback('viber-fake', receipt, 'viber-secret-1')).status).toBe(200);
    expect((await callback('viber-fake', receipt, 'viber-secret-1')).status).toBe(200);
    await eventually('delivered reported', () => statusesOf(ev.id).some((s) => s.data.status === 'delivered'));
    await new Promise((r) => setTimeout(r, 300));
    const seen = statusesOf(ev.id);
    expect(seen.map((s) => [s.data.channel, s.data.status, s.data.outcome])).toEqual([
      ['viber', 'queued', 'in-progress'],
      ['viber', 'sent', 'in-progress'],
      ['viber', 'delivered', 'delivered'],
    ]);
    for (const s of seen) expect(validateEvent(s)).toMatchObject({ ok: true });
    expect(sms.received.some((x) => x.notificationId === ev.id)).toBe(false);
  });

  it('rejects a callback with a bad signature (403, counted, journaled) without changing anything', async () => {
    const res = await callback('viber-fake', { key: 'forged', deliveries: [{ providerMessageId: 'messenger.viber-fake-1', status: 'failed', occurredAt: new Date().toISOString() }] }, 'wrong');
    expect(res.status).toBe(403);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_webhooks_total\{adapter="viber-fake",result="rejected"\} [1-9]/);
    const rows = await sql<any>(hub.space.schema, `SELECT status FROM journal WHERE via = 'webhook:viber-fake' AND status = 'rejected'`);
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`${hub.url}/v1/webhooks/nope`, { method: 'POST', body: '{}' })).status).toBe(404);
    const huge = await fetch(`${hub.url}/v1/webhooks/viber-fake`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'body larger than 1048576 bytes' });
  });

  it('falls back to SMS once when Viber refuses the recipient, and never sends twice on a channel', async () => {
    viber.behaviour = 'refuse-recipient';
    const ev = await request({ contacts: { phone: '+380501110002', viberUserId: 'vb-2=' } });
    const d = await eventually('sms got it', () => sms.received.find((x) => x.notificationId === ev.id));
    expect(d).toMatchObject({ channel: 'sms', address: '+380501110002', locale: 'uk', text: 'Оболонь: 04.06 не буде води.' });
    await eventually('delivered outcome', () => statusesOf(ev.id).some((s) => s.data.outcome === 'delivered'));
    // The same request again (a portal retry) and the same dispatch again (a broker redelivery).
    await probe.publishEvent(ev);
    const [dispatch] = await sql<any>(
      hub.space.schema,
      `SELECT d.id::text AS id, j.id::text AS journal FROM notification_dispatch d JOIN journal j ON j.event_id = d.id::text WHERE d.notification_id = $1 AND d.channel = 'sms'`,
      [ev.id],
    );
    const copy = JSON.parse((await sql<any>(hub.space.schema, `SELECT convert_from(body, 'UTF8') AS b FROM journal WHERE id = $1`, [dispatch.journal]))[0].b);
    await probe.publish('hub.work', 'sms-fake', JSON.stringify(copy), { contentType: 'application/cloudevents+json', messageId: copy.id, headers: { 'x-hub-journal-id': dispatch.journal } });
    await new Promise((r) => setTimeout(r, 800));
    expect(sms.received.filter((x) => x.notificationId === ev.id)).toHaveLength(1);
    expect(viber.received.filter((x) => x.notificationId === ev.id)).toHaveLength(1);
    expect(
      statusesOf(ev.id)
        .map((s) => [s.data.channel, s.data.status, s.data.failure?.code])
        .sort(),
    ).toEqual([
      ['sms', 'queued', undefined],
      ['sms', 'sent', undefined],
      ['viber', 'failed', 'fake:5'],
      ['viber', 'queued', undefined],
    ]);
    const order = statusesOf(ev.id).map((s) => `${s.data.channel}:${s.data.status}`);
    expect(order.indexOf('viber:failed')).toBeLessThan(order.indexOf('sms:sent'));
    expect(new Set(order).size).toBe(order.length);
  });

  it('falls back when the channel does not confirm delivery in time', async () => {
    const ev = await request({ contacts: { phone: '+380501110003', viberUserId: 'vb-3=' } });
    await eventually('viber sent', () => viber.received.some((x) => x.notificationId === ev.id));
    const d = await eventually('sms after the deadline', () => sms.received.find((x) => x.notificationId === ev.id), 10000);
    expect(d.channel).toBe('sms');
    expect(statusesOf(ev.id).find((s) => s.data.channel === 'viber' && s.data.status === 'failed')?.data.failure.code).toBe('hub:no-confirmation');
  });

  it('a permanent error of the provider dead-letters the dispatch and the citizen still gets the SMS', async () => {
    viber.behaviour = 'throw-permanent';
    const ev = await request({ contacts: { phone: '+380501110004', viberUserId: 'vb-4=' } });
    await eventually('sms', () => sms.received.find((x) => x.notificationId === ev.id), 10000);
    const dead = await eventually('dlq', async () => {
      const got = await probe.drain('hub.work.viber-fake.dlq', 200);
      return got.find((m) => m.json().data.notificationId === ev.id);
    });
    expect(String(dead.properties.headers?.['x-hub-error'])).toMatch(/401/);
  });

  it('a muted citizen gets no ordinary notice, but a mandatory one all the same', async () => {
    const muted = await request({ contacts: { phone: '+380501110005' }, muted: true });
    await eventually('suppressed', () => statusesOf(muted.id).find((s) => s.data.outcome === 'suppressed'));
    expect(statusesOf(muted.id)[0].data).toMatchObject({ status: 'failed', failure: { code: 'hub:muted' } });
    const legal = await request({ contacts: { phone: '+380501110005' }, muted: true, channels: [] }, { mandatory: true });
    await eventually('mandatory sms', () => sms.received.find((x) => x.notificationId === legal.id));
  });

  it('refuses a request whose template needs a variable that is missing, naming it', async () => {
    const rejected = await probe.listen('cabinet.out', 'demo.message.rejected');
    const ev = await request({ contacts: { phone: '+380501110006' } }, { variables: { district: 'Оболонь' } });
    const r = await eventually('rejected', () => rejected.find((m) => m.json().data.originalId === ev.id));
    expect(r.json().data.errors).toEqual([{ pointer: '/data/variables/date', reason: 'required by template "water-outage"' }]);
  });

  it('lists and previews templates over HTTP, naming missing variables', async () => {
    const list = (await (await fetch(`${hub.url}/v1/templates`)).json()) as any;
    expect(list.templates).toEqual(expect.arrayContaining([{ id: 'water-outage', variables: ['district', 'date'], channels: ['viber', 'telegram', 'sms'] }]));
    const ok = await fetch(`${hub.url}/v1/templates/water-outage/preview`, {
      method: 'POST',
      body: JSON.stringify({ locale: 'en', channel: 'sms', variables: { district: 'Obolon', date: '4 June' } }),
    });
    expect(await ok.json()).toMatchObject({ ok: true, channels: [{ channel: 'sms', locale: 'en', text: 'Obolon: no water on 4 June.', sms: { encoding: 'GSM-7', segments: 1 } }] });
    const missing = await fetch(`${hub.url}/v1/templates/water-outage/preview`, { method: 'POST', body: '{"variables":{}}' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'variables missing: district, date', missing: ['district', 'date'] });
    expect((await fetch(`${hub.url}/v1/templates/nope/preview`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${hub.url}/v1/templates/water-outage/preview`, { method: 'POST', body: '{"__proto__":{"x":1}}' })).status).toBe(400);
  });

  it('an individual notice overtakes a broadcast waiting for the provider (bulk lane)', async () => {
    const bulkIds = new Set<string>();
    const events = Array.from({ length: 200 }, (_, i) => {
      const ev = exampleEvent('notification.requested', { id: randomUUID(), tenant: 'demo' }) as any;
      ev.data = {
        recipient: { contacts: { phone: `+38067${String(1_000_000 + i)}` }, channels: ['sms'] },
        template: 'water-outage',
        variables: { district: 'Оболонь', date: '05.06' },
        priority: 'bulk',
      };
      bulkIds.add(ev.id);
      return ev;
    });
    await probe.publishMany(events);
    await eventually('broadcast under way', () => sms.received.filter((d) => bulkIds.has(d.notificationId)).length >= 20, 15000);
    const single = await request({ contacts: { phone: '+380501110099' } }, { priority: 'high' });
    await eventually('individual notice sent', () => sms.received.find((d) => d.notificationId === single.id), 15000);
    const bulkBefore = sms.received.filter((d) => bulkIds.has(d.notificationId)).length;
    expect(bulkBefore).toBeLessThan(150);
    // The rest of the broadcast still waits in its own lane.
    expect(await probe.messageCount('hub.work.sms-fake.bulk')).toBeGreaterThan(0);
    await eventually('broadcast done', () => sms.received.filter((d) => bulkIds.has(d.notificationId)).length === 200, 20000);
  }, 40_000);

  it('tells the applicant of a registered appeal on their channel, by the tenant rule', async () => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    ev.data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
    ev.data.applicant.contacts = { phone: '+380501110007', locale: 'en', notificationChannels: ['sms'] };
    delete ev.subject;
    await probe.publishEvent(ev);
    const d = await eventually('registered sms', () => sms.received.find((x) => x.text.includes(ev.data.caseRef)), 10000);
    expect(d.text).toMatch(new RegExp(`^Your appeal ${ev.data.caseRef} was registered as No\\. ВХ-\\d+ on 10/01/2026 10:00\\. Демо громада$`));
  });

  it('links a Viber chat with a one-time token, answers /status with that citizen’s cases only, and deactivates on unsubscribe', async () => {
    const mine = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    mine.data.caseRef = `EP-MINE-${randomUUID().slice(0, 6)}`;
    mine.data.applicant.identity.subjectRef = 'cabinet:citizen-a';
    const theirs = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    theirs.data.caseRef = `EP-THEIRS-${randomUUID().slice(0, 6)}`;
    theirs.data.applicant.identity.subjectRef = 'cabinet:citizen-b';
    for (const e of [mine, theirs]) {
      delete e.subject;
      await probe.publishEvent(e);
    }
    const token = `tok_${randomUUID().replace(/-/g, '')}`;
    const link = exampleEvent('contact.link-requested', { id: randomUUID(), tenant: 'demo' }) as any;
    link.data = { citizenRef: 'cabinet:citizen-a', token, expiresAt: new Date(Date.now() + 600_000).toISOString(), locale: 'uk' };
    await probe.publishEvent(link);
    await eventually('token stored', async () => (await sql(hub.space.schema, 'SELECT 1 FROM link_token')).length > 0);
    await eventually('cases stored', async () => (await sql(hub.space.schema, `SELECT 1 FROM cases WHERE citizen_ref IN ('cabinet:citizen-a', 'cabinet:citizen-b')`)).length === 2);

    const start = { key: `start:${token}`, inbound: [{ kind: 'start', channel: 'viber', address: 'chat-a=', token }] };
    expect((await callback('viber-fake', start, 'viber-secret-1')).status).toBe(200);
    const l = await eventually('contact.linked', () => linked.find((m) => m.json().data.address === 'chat-a='));
    expect(l.json().data).toMatchObject({ citizenRef: 'cabinet:citizen-a', channel: 'viber', active: true });
    const hello = await eventually('welcome', () => viber.received.find((x) => x.address === 'chat-a=' && x.text.startsWith('Готово')));
    expect(hello.locale).toBe('uk');

    // The same token again, from another chat: it is spent.
    await callback('viber-fake', { key: `start2:${token}`, inbound: [{ kind: 'start', channel: 'viber', address: 'chat-x=', token }] }, 'viber-secret-1');
    await eventually('invalid link answer', () => viber.received.find((x) => x.address === 'chat-x=' && x.text.startsWith('Посилання недійсне')));

    await callback('viber-fake', { key: 'status-1', inbound: [{ kind: 'text', channel: 'viber', address: 'chat-a=', text: '/status' }] }, 'viber-secret-1');
    const answer = await eventually('status answer', () => viber.received.find((x) => x.address === 'chat-a=' && x.text.includes('Ваші звернення')));
    expect(answer.text).toContain(mine.data.caseRef);
    expect(answer.text).not.toContain(theirs.data.caseRef);

    // A chat nobody linked gets help, never someone's cases.
    await callback('viber-fake', { key: 'status-2', inbound: [{ kind: 'text', channel: 'viber', address: 'chat-z=', text: '/status' }] }, 'viber-secret-1');
    const help = await eventually('help', () => viber.received.find((x) => x.address === 'chat-z='));
    expect(help.text).not.toContain('EP-');

    await callback('viber-fake', { key: 'unsub-1', inbound: [{ kind: 'unsubscribed', channel: 'viber', address: 'chat-a=' }] }, 'viber-secret-1');
    await eventually('deactivated', () => linked.find((m) => m.json().data.address === 'chat-a=' && m.json().data.active === false));
  });
});
