import type { RunningDocflowMock } from '../../mocks/1c-docflow';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { adminCall, adminToken } from '../helpers/admin.helper';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { newAppeal } from '../helpers/appeal.fixture';
import { eventually, sql } from '../helpers/infra.helper';
import { DocflowSetup, startDocflowHub } from '../helpers/docflow-hub.helper';
import type { TestHub } from '../helpers/test-hub.helper';

const OUTAGE_MS = 4_000;

/**
 * The story: 1C answers 500 while an appeal arrives; with one tiny retry tier the appeal
 * is dead-lettered, the keeper moves it into PostgreSQL, and after the mock recovers an operator
 * plans and starts a redrive: the appeal reaches 1C exactly once.
 */
describe('redrive of an appeal dead-lettered during a 1C outage', () => {
  let setup: DocflowSetup;
  let mock: RunningDocflowMock;
  let hub: TestHub;
  let probe: AmqpProbe;

  beforeAll(async () => {
    setup = await startDocflowHub({
      login: 'hub',
      password: 'redrive-secret',
      runner: '{ concurrency: 2, breakerFailures: 100, breakerOpenMs: 1000, pollIntervalMs: 60000, timeoutMs: 3000 }',
      // One 200 ms retry, then the DLQ: the outage outlasts both attempts.
      extraYaml: 'retry: { delaysMs: [200], jitter: 0.1 }\ndeadLetters: { jobIntervalMs: 100 }',
    });
    ({ mock, hub, probe } = setup);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it('reaches 1C exactly once after the mock recovers', async () => {
    const started = Date.now();
    mock.admin.fault({ fault: 'http-error', status: 500, durationMs: OUTAGE_MS, message: 'Сервис временно недоступен' });
    const ev = newAppeal(`DL-1C-${Date.now()}`);
    await probe.publishEvent(ev);
    const [row] = await eventually(
      'appeal dead-lettered and kept',
      async () => {
        const rows = await sql<any>(hub.space.schema, `SELECT id::text, status, queue, error_class, attempts FROM dead_letter WHERE event_id = $1`, [ev.id]);
        return rows.length ? rows : undefined;
      },
      20_000,
      100,
    );
    expect(row).toMatchObject({ status: 'kept', queue: 'hub.work.edms-1c', error_class: 'transient', attempts: 2 });
    expect(await probe.messageCount('hub.work.edms-1c.dlq')).toBe(0);
    const guid = documentGuid(ev);
    expect(mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === guid)).toHaveLength(0);

    // The mock recovers.
    await new Promise((r) => setTimeout(r, Math.max(0, started + OUTAGE_MS + 200 - Date.now())));
    const viewer = await adminToken(hub, ['demo:viewer']);
    const operator = await adminToken(hub, ['demo:operator'], 'operator');
    const base = '/v1/admin/demo/dead-letters';
    const denied = await adminCall(hub, viewer, 'POST', `${base}/plans`, { queue: 'hub.work.edms-1c' });
    expect(denied.status).toBe(403); // enforced by the API, not only the page
    const plan = await adminCall<any>(hub, operator, 'POST', `${base}/plans`, { queue: 'hub.work.edms-1c' });
    expect(plan.status).toBe(201);
    expect(plan.body.letters.map((l: any) => l.eventId)).toEqual([ev.id]);
    const start = await adminCall<any>(hub, operator, 'POST', `${base}/plans/${plan.body.plan.id}/start`, { reason: '1C is back after the outage', ratePerSecond: 5 });
    expect(start.status).toBe(200);

    await eventually('registered in 1C', () => mock.clerk.documents({ type: 'DMIncomingDocument' }).some((d) => d.id === guid), 20_000, 100);
    await eventually('plan done', async () => (await adminCall<any>(hub, viewer, 'GET', `${base}/plans/${plan.body.plan.id}`)).body.plan.status === 'done', 10_000, 100);
    await new Promise((r) => setTimeout(r, 1500)); // time for a duplicate to show up, if there were one
    expect(mock.clerk.documents({ type: 'DMIncomingDocument' }).filter((d) => d.id === guid)).toHaveLength(1);
    const [after] = await sql<any>(hub.space.schema, `SELECT status, redrive_count FROM dead_letter WHERE id = $1`, [row.id]);
    expect(after).toEqual({ status: 'redriven', redrive_count: 1 });
    const outcomes = await sql<any>(hub.space.schema, `SELECT outcome FROM delivery_attempt WHERE consumer = 'adapter:edms-1c' ORDER BY started_at`);
    expect(outcomes.map((o) => o.outcome).filter((o) => o === 'ok')).toHaveLength(1);
  }, 90_000);
});
