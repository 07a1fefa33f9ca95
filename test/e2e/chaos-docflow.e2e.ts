import { execFileSync } from 'node:child_process';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { canRestartBroker, newAppeals } from '../helpers/appeal.fixture';
import { HubProcess } from '../helpers/hub-process.runner';
import { eventually } from '../helpers/infra.helper';
import { freePort, PrivatePostgres, privatePostgresAvailable } from '../helpers/private-postgres.helper';
import { createTestSpace, TestSpace } from '../helpers/test-hub.helper';

/** Appeals in one run (the "done when": 3 000). */
const N = Number(process.env.CHAOS_N ?? 3000);

// skip reason: needs PostgreSQL 15's initdb (a private instance to restart) and rabbitmqctl (to stop and start the broker) on this machine.
const describeChaos = privatePostgresAvailable() && canRestartBroker ? describe : describe.skip;

/**
 * The whole appeal path through everything that can go wrong on a municipal server, in one run:
 * 3 000 appeals published with plain AMQP, then the hub is SIGKILLed, the broker is stopped and
 * started, and PostgreSQL is restarted, each while appeals are on their way to 1C. Every appeal
 * must end up in the 1C mock exactly once (documents carry the appeal's derived id, so a second
 * create would show as a second document or as an "already exists" the adapter treats as done),
 * nothing may be dead-lettered, and the hub must be alive at the end.
 *
 * Slow (about a minute and a half): 3 000 real SOAP round trips plus three recoveries. The
 * database is a private instance (restarting the shared one would disturb other tests); the
 * broker is the shared one, in the test's own vhost.
 */
describeChaos('3 000 appeals through a hub SIGKILL, a broker restart and a PostgreSQL restart', () => {
  let pg: PrivatePostgres;
  let space: TestSpace;
  let docflow: RunningDocflowMock;
  let hub: HubProcess;
  let probe: AmqpProbe | undefined;
  let port: number;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    await pg.start();
    docflow = await start1cDocflowMock({ users: [{ login: 'hub', password: 'chaos-secret' }], visibilityDelayMs: 0 });
    process.env.CHAOS_1C_PASSWORD = 'chaos-secret';
    const s = await createTestSpace();
    space = { ...s, env: { ...s.env, databaseUrl: pg.url } };
    port = await freePort();
  }, 60_000);

  afterAll(async () => {
    await hub?.kill();
    await probe?.close().catch(() => undefined);
    await docflow?.close();
    await space?.cleanup().catch(() => undefined);
    await pg?.cleanup();
  });

  const yaml = () => `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${docflow.url}", login: hub, password: { env: CHAOS_1C_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { concurrency: 16, pollIntervalMs: 600000, breakerFailures: 20, breakerOpenMs: 2000 }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
retry: { delaysMs: [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000, 15000, 15000], jitter: 0.2 }
outbox: { relayIntervalMs: 200, graceMs: 1000 }
# The test counts the broker's DLQs to prove nothing was dead-lettered; the keeper would empty them.
deadLetters: { keep: false }
`;

  const documents = () => docflow.clerk.documents({ type: 'DMIncomingDocument' });

  async function startHub(): Promise<void> {
    hub = new HubProcess(space, yaml(), port);
    await hub.start();
  }

  async function dlqCounts(): Promise<Record<string, number>> {
    const p = await AmqpProbe.connect(space.amqpUrl);
    try {
      const out: Record<string, number> = {};
      for (const q of ['hub.ingress.dlq', 'hub.work.edms-1c.dlq', 'hub.notify.dlq']) out[q] = await p.messageCount(q);
      return out;
    } finally {
      await p.close();
    }
  }

  it('every appeal reaches 1C exactly once, nothing is dead-lettered, and the hub is alive', async () => {
    await startHub();
    probe = await AmqpProbe.connect(space.amqpUrl);
    const events = newAppeals(N, 'EP-CHAOS');
    await probe.publishMany(events);
    await probe.close();
    probe = undefined;

    // 1. The hub dies without any chance to clean up, then starts again.
    await eventually('a sixth in 1C', () => documents().length >= N / 6, 120_000, 50);
    await hub.kill();
    const atKill = documents().length;
    await startHub();

    // 2. The broker goes away and comes back.
    await eventually('a third in 1C', () => documents().length >= N / 3, 120_000, 50);
    execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2000));
    execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
    execFileSync('rabbitmqctl', ['await_startup'], { stdio: 'ignore' });
    const atBroker = documents().length;

    // 3. PostgreSQL restarts for real.
    await eventually('two thirds in 1C', () => documents().length >= (2 * N) / 3, 180_000, 50);
    await pg.restart();
    const atDatabase = documents().length;

    const ids = new Set(events.map((e) => documentGuid(e)));
    await eventually('every appeal in 1C', () => documents().filter((d) => ids.has(d.id)).length === N, 240_000, 500);
    const docs = documents();
    expect(docs.length).toBe(N);
    expect(new Set(docs.map((d) => d.id)).size).toBe(N);

    const journal = await pg.sql<{ n: number; ids: number }>(
      space.schema,
      `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM journal WHERE direction = 'in' AND status = 'accepted'`,
    );
    expect(journal[0]).toEqual({ n: N, ids: N });
    expect(await dlqCounts()).toEqual({ 'hub.ingress.dlq': 0, 'hub.work.edms-1c.dlq': 0, 'hub.notify.dlq': 0 });

    const health = await eventually(
      'hub healthy',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) });
        return res.status === 200 ? res : undefined;
      },
      30_000,
      250,
    );
    expect(health.status).toBe(200);
    expect(hub.output).not.toMatch(/Emitted 'error' event|Unhandled|uncaught|failed to start/i);
    process.stdout.write(`chaos: SIGKILL at ${atKill}/${N}, broker back at ${atBroker}, database restarted at ${atDatabase}; ${docs.length} documents, each once\n`);
  }, 600_000);
});
