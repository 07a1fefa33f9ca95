import { randomUUID } from 'node:crypto';
import { exampleEvent } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub } from '../helpers/test-hub.helper';

const N = 1000;
const OUTAGE_MS = 120_000;

/**
 * 1C answers 500 for two minutes while 1 000 appeals arrive: the breaker opens, the appeals wait
 * in the delay queues, the breaker closes after recovery, and every appeal ends up registered
 * exactly once, none dead-lettered.
 */
describe('1C outage of two minutes under 1 000 appeals', () => {
  let mock: RunningDocflowMock;
  let hub: TestHub;
  let probe: AmqpProbe;

  beforeAll(async () => {
    mock = await start1cDocflowMock({ users: [{ login: 'hub', password: 'outage-secret' }], visibilityDelayMs: 200 });
    process.env.TEST_1C_OUTAGE_PASSWORD = 'outage-secret';
    const space = await createTestSpace();
    hub = await startTestHub({
      space,
      yaml: `
hub: { source: urn:cabinet-hub:test }
tenants:
  demo: { name: Demo }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${mock.url}", login: hub, password: { env: TEST_1C_OUTAGE_PASSWORD }, timeZone: Etc/GMT-3 }
    runner: { concurrency: 16, breakerFailures: 5, breakerOpenMs: 10000, pollIntervalMs: 60000 }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
retry: { delaysMs: [2000, 5000, 15000, 30000, 60000, 60000, 60000, 60000], jitter: 0.2 }
`,
    });
    probe = await AmqpProbe.connect(space.amqpUrl);
  }, 60_000);
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
    await mock?.close();
  });

  it('loses nothing, registers each appeal once, and the breaker opens and closes', async () => {
    mock.admin.fault({ fault: 'http-error', status: 500, durationMs: OUTAGE_MS, message: 'Сервис временно недоступен' });
    const events = Array.from({ length: N }, (_, i) => {
      const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
      ev.data.caseRef = `EP-OUT-${i}`;
      delete ev.subject;
      return ev;
    });
    await probe.publishMany(events);
    await eventually('breaker open', () => hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"open"')), 30_000, 200);

    const ids = new Set(events.map((e) => documentGuid(e)));
    await eventually(
      'all registered after recovery',
      () => mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => ids.has(d.id)).length === N,
      OUTAGE_MS + 240_000,
      1000,
    );
    const docs = mock.clerk.documents({ type: 'DMIncomingDocument' });
    expect(docs.length).toBe(N); // none twice: every document id is an appeal's derived id, and there are exactly N
    expect(new Set(docs.map((d) => d.id)).size).toBe(N);
    expect(hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"closed"'))).toBe(true);
    expect(await probe.messageCount('hub.work.edms-1c.dlq')).toBe(0);
    expect(await probe.messageCount('hub.work.edms-1c')).toBe(0);
  }, OUTAGE_MS + 300_000);
});
