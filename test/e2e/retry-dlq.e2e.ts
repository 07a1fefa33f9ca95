import { randomUUID } from 'node:crypto';
import { exampleEvent, PermanentError, TransientError } from '../../contracts';
import { AmqpClient } from '../../src/messaging/amqp.client';
import { attemptOf, FailureRouter } from '../../src/messaging/failure.router';
import { HandledConsumer } from '../../src/messaging/handled.consumer';
import { workQueueName } from '../../src/messaging/topology.declaration';
import { TopologyPlan } from '../../src/messaging/topology.plan';
import { MetricsService } from '../../src/metrics/metrics.service';
import { createLogger } from '../../src/logging/logger.factory';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually } from '../helpers/infra.helper';
import { startTestHub, TEST_CONFIG_YAML, TestHub } from '../helpers/test-hub.helper';

/** The test reads the broker's DLQ directly; the dead-letter keeper would move its messages into PostgreSQL first. */
const KEEP_OFF = 'deadLetters: { keep: false }\n';

/** The consumer error path on a real broker: delay queues with backoff, DLQ with the reason. */
describe('retry with backoff and dead-letter queues', () => {
  let hub: TestHub;
  let probe: AmqpProbe;
  let consumer: HandledConsumer;

  beforeAll(async () => {
    hub = await startTestHub({ yaml: `${TEST_CONFIG_YAML}\nretry: { delaysMs: [300, 600], jitter: 0.1 }\n${KEEP_OFF}` });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
  });
  afterAll(async () => {
    await consumer?.stop();
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });

  it('retries transient failures with growing delays, dead-letters permanent and exhausted ones with the reason', async () => {
    const [flaky, broken, hopeless] = [0, 1, 2].map(() => {
      // Three appeals, three cases: a second submission for one caseRef is refused.
      const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined }) as any;
      ev.data.caseRef = `EP-${ev.id}`;
      return ev;
    });
    const seen = new Map<string, { attempt: number; at: number }[]>();
    const spec = hub.app
      .get(TopologyPlan)
      .consumers()
      .find((s) => s.queue === workQueueName('edms-test'))!;
    consumer = new HandledConsumer(
      hub.app.get(AmqpClient),
      hub.app.get(FailureRouter),
      hub.app.get(MetricsService),
      spec,
      10,
      async (msg) => {
        const id = String(msg.properties.messageId);
        seen.set(id, [...(seen.get(id) ?? []), { attempt: attemptOf(msg), at: Date.now() }]);
        if (id === flaky.id && attemptOf(msg) < 3) throw new TransientError('EDMS answered 503');
        if (id === broken.id) throw new PermanentError('EDMS refused the document: correspondent is required');
        if (id === hopeless.id) throw new TransientError('connection reset');
      },
      createLogger('silent', 'test'),
    );
    await consumer.start();
    for (const ev of [flaky, broken, hopeless]) await probe.publishEvent(ev);

    await eventually('flaky appeal handled on the third attempt', () => seen.get(flaky.id)?.length === 3, 15000);
    const times = seen.get(flaky.id)!;
    expect(times.map((t) => t.attempt)).toEqual([1, 2, 3]);
    expect(times[1].at - times[0].at).toBeGreaterThanOrEqual(250);
    expect(times[2].at - times[1].at).toBeGreaterThanOrEqual(500);

    const dlq = await eventually(
      'two dead letters',
      async () => {
        const got = await probe.drain('hub.work.edms-test.dlq', 200);
        return got.length === 2 ? got : undefined;
      },
      15000,
    );
    const byId = new Map(dlq.map((m) => [String(m.properties.messageId), m]));
    expect(byId.get(broken.id)!.properties.headers).toMatchObject({
      'x-hub-error-class': 'permanent',
      'x-hub-error': 'PermanentError: EDMS refused the document: correspondent is required',
      'x-hub-attempts': 1,
      'x-hub-consumer': 'hub.work.edms-test',
      'x-hub-original-exchange': 'hub.work',
      'x-hub-original-routing-key': 'edms-test',
    });
    expect(byId.get(hopeless.id)!.properties.headers).toMatchObject({ 'x-hub-error-class': 'transient', 'x-hub-error': 'TransientError: connection reset', 'x-hub-attempts': 3 });
    expect(byId.get(hopeless.id)!.json()).toEqual(hopeless);
    expect(seen.get(broken.id)).toHaveLength(1);
    expect(seen.get(hopeless.id)).toHaveLength(3);

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_messages_retried_total\{queue="hub.work.edms-test"\} 4/);
    expect(metrics).toMatch(/hub_messages_dead_lettered_total\{queue="hub.work.edms-test"\} 2/);
  });
});
