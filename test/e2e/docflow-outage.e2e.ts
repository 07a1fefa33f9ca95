import type { RunningDocflowMock } from '../../mocks/1c-docflow';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { newAppeals } from '../helpers/appeal.fixture';
import { eventually } from '../helpers/infra.helper';
import { DocflowSetup, startDocflowHub } from '../helpers/docflow-hub.helper';
import type { TestHub } from '../helpers/test-hub.helper';

const N = 1000;
const OUTAGE_MS = 120_000;

/**
 * 1C answers 500 for two minutes while 1 000 appeals arrive: the breaker opens, the appeals wait
 * in the delay queues, the breaker closes after recovery, and every appeal ends up registered
 * exactly once, none dead-lettered.
 */
describe('1C outage of two minutes under 1 000 appeals', () => {
  let setup: DocflowSetup;
  let mock: RunningDocflowMock;
  let hub: TestHub;
  let probe: AmqpProbe;

  beforeAll(async () => {
    setup = await startDocflowHub({
      login: 'hub',
      password: 'outage-secret',
      mock: { visibilityDelayMs: 200 },
      runner: '{ concurrency: 16, breakerFailures: 5, breakerOpenMs: 10000, pollIntervalMs: 60000 }',
      // The test counts the broker's DLQ to prove nothing was dead-lettered; the keeper would empty it.
      extraYaml: 'retry: { delaysMs: [2000, 5000, 15000, 30000, 60000, 60000, 60000, 60000], jitter: 0.2 }\ndeadLetters: { keep: false }',
    });
    ({ mock, hub, probe } = setup);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it(
    'loses nothing, registers each appeal once, and the breaker opens and closes',
    async () => {
      mock.admin.fault({ fault: 'http-error', status: 500, durationMs: OUTAGE_MS, message: 'Сервис временно недоступен' });
      const events = newAppeals(N, 'EP-OUT');
      await probe.publishMany(events);
      await eventually('breaker open', () => hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"open"')), 30_000, 200);

      const ids = new Set(events.map((e) => documentGuid(e)));
      await eventually('all registered after recovery', () => mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => ids.has(d.id)).length === N, OUTAGE_MS + 240_000, 1000);
      const docs = mock.clerk.documents({ type: 'DMIncomingDocument' });
      expect(docs.length).toBe(N); // none twice: every document id is an appeal's derived id, and there are exactly N
      expect(new Set(docs.map((d) => d.id)).size).toBe(N);
      expect(hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"closed"'))).toBe(true);
      expect(await probe.messageCount('hub.work.edms-1c.dlq')).toBe(0);
      expect(await probe.messageCount('hub.work.edms-1c')).toBe(0);
    },
    OUTAGE_MS + 300_000,
  );
});
