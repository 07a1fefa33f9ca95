import { randomUUID } from 'node:crypto';
import { exampleEvent } from '../../contracts';
import { RunningTurboSmsMock, startTurboSmsMock } from '../../mocks/turbosms';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub } from '../helpers/test-hub.helper';

/*
 * Channels without callbacks (TurboSMS): the hub asks the gateway for statuses of sent messages
 * and applies them, and a message that never confirms hands over to the next channel.
 */
describe('notifications: delivery statuses polled from TurboSMS', () => {
  let turbo: RunningTurboSmsMock;
  let hub: TestHub;
  let probe: AmqpProbe;
  let out: Received[];

  beforeAll(async () => {
    turbo = await startTurboSmsMock({ autoProgress: { enabled: true, deliveredAfterMs: 50 } });
    process.env.POLL_TURBOSMS_TOKEN = 'turbosms-demo-token';
    const space = await createTestSpace();
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Демо, locale: uk }
adapters:
  turbo:
    type: sms.turbosms
    config: { token: { env: POLL_TURBOSMS_TOKEN }, baseUrl: "${turbo.url}", sender: CityInfo, batch: { windowMs: 0 } }
    runner: { pollIntervalMs: 300 }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
notifications:
  channels: { sms: turbo }
  order: [sms]
  confirmWithinMs: { sms: 3000 }
  templates:
    notice: { sms: { uk: 'Повідомлення {{n}}', en: 'Notice {{n}}' } }
`,
    });
    probe = await AmqpProbe.connect(space.amqpUrl);
    out = await probe.listen('cabinet.out', 'demo.notification.status-changed');
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
    await turbo?.close();
  });

  const send = async (phone: string) => {
    const ev = exampleEvent('notification.requested', { id: randomUUID(), tenant: 'demo' }) as any;
    ev.data = { recipient: { contacts: { phone } }, template: 'notice', variables: { n: '1' } };
    await probe.publishEvent(ev);
    return ev.id as string;
  };
  const of = (id: string) =>
    out
      .map((m) => m.json())
      .filter((e) => e.data.notificationId === id)
      .map((e) => `${e.data.status}/${e.data.outcome}`);

  it('turns a sent SMS into delivered by asking the gateway', async () => {
    const id = await send('+380501230001');
    await eventually('delivered by poll', () => of(id).includes('delivered/delivered'), 15000);
    expect(of(id)).toEqual(['queued/in-progress', 'sent/in-progress', 'delivered/delivered']);
    const [d] = await sql<any>(hub.space.schema, 'SELECT status, provider_message_id FROM notification_dispatch WHERE notification_id = $1', [id]);
    expect(d.status).toBe('delivered');
    expect(turbo.messages.get(d.provider_message_id)?.status).toBe('Delivered');
  });

  it('reports an undelivered SMS as failed, and a silent one as unconfirmed after the deadline', async () => {
    turbo.recipients.set('380501230002', 'undelivered');
    turbo.recipients.set('380501230003', 'silent');
    const undelivered = await send('+380501230002');
    const silent = await send('+380501230003');
    await eventually('undelivered', () => of(undelivered).includes('failed/failed'), 15000);
    await eventually('no confirmation', () => of(silent).includes('failed/failed'), 15000);
    const failure = (id: string) => out.map((m) => m.json()).find((e) => e.data.notificationId === id && e.data.status === 'failed')?.data.failure.code;
    expect(failure(undelivered)).toBe('turbosms:Undelivered');
    expect(failure(silent)).toBe('hub:no-confirmation');
  });
});
