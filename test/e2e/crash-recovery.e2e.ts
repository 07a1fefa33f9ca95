import { execFileSync } from 'node:child_process';
import { exampleEvent } from '../../contracts';
import { AmqpProbe, Received } from '../helpers/amqp-probe.client';
import { canRestartBroker } from '../helpers/appeal.fixture';
import { HubProcess } from '../helpers/hub-process.runner';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, TEST_CONFIG_YAML, TestSpace } from '../helpers/test-hub.helper';

const N = 10_000;
// Each event opens its own case (caseRef = id): a second submission for a caseRef is refused.
const template = JSON.stringify({
  ...exampleEvent('appeal.submitted'),
  id: '__ID__',
  tenant: 'demo',
  subject: '__ID__',
  data: { ...(exampleEvent('appeal.submitted').data as object), caseRef: '__ID__' },
});
const events = (run: string) => Array.from({ length: N }, (_, i) => JSON.parse(template.replaceAll('__ID__', `${run}-${i}`)) as { id: string; type: string });

/**
 * Guarantees under failure: the journal holds every event exactly once, every event is routed,
 * and routed copies repeated after a crash carry the same message id and journal id, so
 * consumers drop them (at-least-once delivery, exactly-once effect).
 */
describe('crash and broker restart in the middle of a 10 000-message run', () => {
  let space: TestSpace;
  let probe: AmqpProbe;
  let hub: HubProcess;

  beforeEach(async () => {
    space = await createTestSpace();
  });
  afterEach(async () => {
    await hub?.kill();
    await probe?.close();
    await space.cleanup();
  });

  async function verify(run: string): Promise<{ duplicates: number }> {
    await eventually('every event journaled', async () => (await sql<{ n: number }>(space.schema, `SELECT count(*)::int AS n FROM journal WHERE status = 'accepted'`))[0].n >= N, 120_000, 250);
    await eventually('outbox drained', async () => (await sql<{ n: number }>(space.schema, 'SELECT count(*)::int AS n FROM outbox'))[0].n === 0, 60_000, 250);
    const journal = await sql<{ n: number; distinct_ids: number }>(space.schema, `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_ids FROM journal WHERE status = 'accepted'`);
    expect(journal[0]).toEqual({ n: N, distinct_ids: N });
    const routed: Received[] = await probe.drain('hub.work.edms-test', 1000);
    const byId = new Map<string, Set<string>>();
    for (const m of routed) {
      const id = String(m.properties.messageId);
      expect(id.startsWith(run)).toBe(true);
      byId.set(id, (byId.get(id) ?? new Set()).add(String(m.properties.headers?.['x-hub-journal-id'])));
    }
    expect(byId.size).toBe(N);
    // A repeated copy is the same routing decision (same journal entry), never a second one.
    for (const journalIds of byId.values()) expect(journalIds.size).toBe(1);
    return { duplicates: routed.length - N };
  }

  /** Starts the hub process, publishes the run's N events and returns once a third is journaled. */
  async function startRun(run: string): Promise<void> {
    hub = new HubProcess(space, TEST_CONFIG_YAML, 0);
    await hub.start();
    probe = await AmqpProbe.connect(space.amqpUrl);
    await probe.publishMany(events(run));
    await eventually('a third journaled', async () => (await sql<{ n: number }>(space.schema, 'SELECT count(*)::int AS n FROM journal'))[0].n >= N / 3, 60_000, 20);
  }

  it('SIGKILL of the hub: nothing lost, nothing journaled or routed twice', async () => {
    const run = 'kill';
    await startRun(run);
    await hub.kill();
    const atKill = (await sql<{ n: number }>(space.schema, 'SELECT count(*)::int AS n FROM journal'))[0].n;
    expect(atKill).toBeLessThan(N);
    hub = new HubProcess(space, TEST_CONFIG_YAML, 0);
    await hub.start();
    const { duplicates } = await verify(run);
    // Messages whose journal entry committed but whose ack did not reach the broker come back
    // redelivered and their copies are published again (same journal id), at most a prefetch window.
    expect(duplicates).toBeLessThanOrEqual(2000);
    process.stdout.write(`SIGKILL at ${atKill}/${N} journaled; repeated routed copies: ${duplicates}\n`);
  });

  it('database connections cut mid-run: batches are held and retried, nothing lost or journaled twice', async () => {
    const run = 'dbcut';
    await startRun(run);
    // Every connection the hub holds to this database is terminated, as a database restart would.
    const cutAll = () => sql<{ n: number }>(space.schema, `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`, [`cabinet-hub ${hub.instanceId}`]);
    const cut = await cutAll();
    expect(cut[0].n).toBeGreaterThan(0);
    // The hub also holds connections for the notification planner and its timers; a cut can miss
    // the ingress writes, so cut again (as a flapping database would) until a batch was hit.
    for (let i = 0; i < 20 && !/ingress.store-retry|journal write failed/.test(hub.output); i++) {
      await new Promise((r) => setTimeout(r, 150));
      await cutAll();
    }
    const { duplicates } = await verify(run);
    expect(duplicates).toBeLessThanOrEqual(2000);
    expect(hub.output).toMatch(/ingress.store-retry|journal write failed/);
    process.stdout.write(`database cut: repeated routed copies: ${duplicates}\n`);
  });

  // skip reason: restarting the broker needs rabbitmqctl on this machine (absent when RABBITMQ_URL points elsewhere).
  (canRestartBroker ? it : it.skip)('broker restart mid-run: consumers come back, nothing lost or journaled twice', async () => {
    const run = 'restart';
    await startRun(run);
    await probe.close();
    execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1000));
    execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['await_startup'], { stdio: 'ignore' });
    probe = await eventually('broker back', () => AmqpProbe.connect(space.amqpUrl), 60_000, 500);
    const { duplicates } = await verify(run);
    expect(duplicates).toBeLessThanOrEqual(N);
    process.stdout.write(`broker restart: repeated routed copies: ${duplicates}\n`);
  });
});
