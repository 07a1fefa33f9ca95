import { exampleEvent } from '../../contracts';
import { MetricsService } from '../../src/metrics/metrics.service';
import { OutboxRelay } from '../../src/outbox/outbox.relay';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub, TestSpace } from '../helpers/test-hub.helper';

// Each event opens its own case (caseRef = id): a second submission for a caseRef is refused.
const template = JSON.stringify({
  ...exampleEvent('appeal.submitted'),
  id: '__ID__',
  tenant: 'demo',
  subject: '__ID__',
  data: { ...(exampleEvent('appeal.submitted').data as object), caseRef: '__ID__' },
});
const events = (run: string, n: number) => Array.from({ length: n }, (_, i) => JSON.parse(template.replaceAll('__ID__', `${run}-${i}`)) as { id: string; type: string });
const count = async (schema: string, where = "status = 'accepted'") => (await sql<{ n: number }>(schema, `SELECT count(*)::int AS n FROM journal WHERE ${where}`))[0].n;

/** Several instances on one broker and database; graceful shutdown; the relay's leftovers. */
describe('hub instances, shutdown and the outbox relay', () => {
  let space: TestSpace;
  const hubs: TestHub[] = [];
  let probe: AmqpProbe;

  beforeEach(async () => {
    space = await createTestSpace();
  });
  afterEach(async () => {
    for (const h of hubs.splice(0)) await h.close();
    await probe?.close();
    await space.cleanup();
  });

  it('two instances share the ingress work; exactly one relays the outbox', async () => {
    hubs.push(await startTestHub({ space }), await startTestHub({ space }));
    probe = await AmqpProbe.connect(space.amqpUrl);
    await probe.publishMany(events('two', 4000));
    await eventually('all journaled', async () => (await count(space.schema)) === 4000, 60000, 100);
    const consumed = await Promise.all(hubs.map(async (h) => (await h.app.get(MetricsService).consumed.get()).values.reduce((a, v) => a + v.value, 0)));
    expect(consumed[0] + consumed[1]).toBeGreaterThanOrEqual(4000);
    expect(consumed[0]).toBeGreaterThan(0);
    expect(consumed[1]).toBeGreaterThan(0);
    await eventually('a leader', () => hubs.some((h) => h.app.get(OutboxRelay).isLeader()), 10000);
    expect(hubs.filter((h) => h.app.get(OutboxRelay).isLeader())).toHaveLength(1);

    // The leader goes away: the other instance takes over the relay.
    const leader = hubs.find((h) => h.app.get(OutboxRelay).isLeader())!;
    await leader.close();
    hubs.splice(hubs.indexOf(leader), 1);
    await eventually('new leader', () => hubs[0].app.get(OutboxRelay).isLeader(), 10000);
  });

  it('graceful shutdown finishes the work in flight; a restarted hub continues without loss or double journaling', async () => {
    hubs.push(await startTestHub({ space }));
    probe = await AmqpProbe.connect(space.amqpUrl);
    await probe.publishMany(events('drain', 5000));
    await eventually('work started', async () => (await count(space.schema)) > 500, 30000, 20);
    const stopping = hubs.pop()!;
    await stopping.close();
    const afterStop = await count(space.schema);
    // The startup notices that this test configuration accepts anonymous AMQP publishers and names no time-stamping authority are not about shutdown.
    const warnings = stopping.logs.filter((l) => /"level":"(warn|error)"/.test(l) && !/"event":"(ingress.publishers-unbound|evidence.no-tsa)"/.test(l));
    expect(warnings).toEqual([]);
    expect(afterStop).toBeLessThan(5000);
    // Everything acked is journaled and its copies published: nothing is left half-done.
    expect((await sql<{ n: number }>(space.schema, 'SELECT count(*)::int AS n FROM outbox'))[0].n).toBe(0);
    // Every message not journaled is back in the queue. (A few journaled ones may be back too:
    // quorum queues can ignore acks sent just before a channel closes, rabbitmq-server#10327;
    // they are recognised as duplicates below.)
    await eventually('unjournaled messages back in the queue', async () => (await probe.messageCount('hub.ingress')) >= 5000 - afterStop, 10000, 100);

    hubs.push(await startTestHub({ space }));
    await eventually('all journaled', async () => (await count(space.schema)) === 5000, 60000, 100);
    const journal = await sql<{ n: number }>(space.schema, `SELECT count(DISTINCT event_id)::int AS n FROM journal WHERE status = 'accepted'`);
    expect(journal[0].n).toBe(5000);
    const routed = await probe.drain('hub.work.edms-test', 500);
    const journalIds = new Map<string, Set<string>>();
    for (const m of routed) journalIds.set(String(m.properties.messageId), (journalIds.get(String(m.properties.messageId)) ?? new Set()).add(String(m.properties.headers?.['x-hub-journal-id'])));
    expect(journalIds.size).toBe(5000);
    for (const ids of journalIds.values()) expect(ids.size).toBe(1);
    process.stdout.write(`graceful stop at ${afterStop}/5000: repeated routed copies ${routed.length - 5000}\n`);
  });

  it('the relay publishes outbox rows an instance left behind', async () => {
    hubs.push(await startTestHub({ space }));
    probe = await AmqpProbe.connect(space.amqpUrl);
    const got = await probe.listen('cabinet.out', 'demo.#');
    // A row as a crashed instance leaves it: written, never published.
    const body = JSON.stringify(exampleEvent('appeal.registered', { tenant: 'demo' }));
    await sql(space.schema, `INSERT INTO journal (id, direction, via, status, body, body_size) VALUES ('00000000-0000-7000-8000-000000000001', 'out', 'hub', 'emitted', $1, $2)`, [
      Buffer.from(body),
      body.length,
    ]);
    await sql(
      space.schema,
      `INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload, created_at) VALUES ('00000000-0000-7000-8000-000000000001', 'cabinet.out', 'demo.appeal.registered', '{"contentType":"application/cloudevents+json","messageId":"left-behind"}', $1, now() - interval '1 minute')`,
      [Buffer.from(body)],
    );
    const msg = await eventually('relayed', () => got.find((m) => m.properties.messageId === 'left-behind'), 10000);
    expect(msg.json()).toEqual(JSON.parse(body));
    await eventually('row cleared', async () => (await sql<{ n: number }>(space.schema, 'SELECT count(*)::int AS n FROM outbox'))[0].n === 0, 5000);
    const metrics = await (await fetch(`${hubs[0].url}/metrics`)).text();
    expect(metrics).toMatch(/hub_outbox_relayed_total 1/);
  });
});
