import { exampleEvent } from '../../contracts';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { createTestSpace, startTestHub, TestHub, TestSpace } from '../helpers/test-hub.helper';

/**
 * One case per (tenant, kind, caseRef), whoever submits it: two hub instances consume the same
 * queue, and every caseRef arrives twice under two event ids, so the pair lands in one batch, in
 * two batches of one instance, or in two instances at the same moment. Exactly one submission per
 * caseRef may be routed; the other is answered with message.rejected.
 */
describe('case opening under concurrency (two instances)', () => {
  let space: TestSpace;
  const hubs: TestHub[] = [];
  let probe: AmqpProbe;

  beforeAll(async () => {
    space = await createTestSpace();
    hubs.push(await startTestHub({ space }), await startTestHub({ space }));
    probe = await AmqpProbe.connect(space.amqpUrl);
  });
  afterAll(async () => {
    await probe?.close();
    for (const h of hubs) await h.close();
    await space?.cleanup();
  });

  it('routes exactly one submission per caseRef and rejects the other', async () => {
    const N = 400;
    const rejected = await probe.listen('cabinet.out', 'demo.message.rejected');
    const base = exampleEvent('appeal.submitted', { tenant: 'demo', subject: undefined }) as any;
    const events: any[] = [];
    for (let i = 0; i < N; i++) {
      const data = { ...base.data, caseRef: `EP-RACE-${i}` };
      events.push({ ...base, id: `race-${i}-a`, data }, { ...base, id: `race-${i}-b`, data });
    }
    await probe.publishMany(events);

    await eventually('all decided', async () => (await sql<any>(space.schema, 'SELECT count(*)::int AS n FROM journal WHERE event_id LIKE $1', ['race-%']))[0].n === 2 * N, 60000, 100);
    const byRef = await sql<any>(
      space.schema,
      `SELECT substring(event_id FROM '^race-(\\d+)-') AS ref, count(*) FILTER (WHERE status = 'accepted')::int AS accepted, count(*) FILTER (WHERE status = 'rejected')::int AS rejected
       FROM journal WHERE event_id LIKE 'race-%' GROUP BY 1`,
    );
    expect(byRef).toHaveLength(N);
    expect(byRef.filter((r) => r.accepted !== 1 || r.rejected !== 1)).toEqual([]);
    expect((await sql<any>(space.schema, `SELECT count(*)::int AS n FROM cases WHERE case_ref LIKE 'EP-RACE-%'`))[0].n).toBe(N);
    expect((await sql<any>(space.schema, `SELECT count(*)::int AS n FROM audit_log a JOIN cases c ON c.id = a.entity_id WHERE c.case_ref LIKE 'EP-RACE-%'`))[0].n).toBe(N);

    // Every loser hears about it; one routed copy per caseRef reaches the adapter queue.
    await eventually('all rejections published', () => rejected.filter((m) => String(m.json().data.originalId).startsWith('race-')).length === N, 30000, 100);
    for (const m of rejected) expect(m.json().data.errors[0].pointer).toBe('/data/caseRef');
    const routed = (await probe.drain('hub.work.edms-test', 500)).filter((m) => String(m.properties.messageId).startsWith('race-'));
    expect(routed).toHaveLength(N);
    expect(new Set(routed.map((m) => m.json().data.caseRef)).size).toBe(N);
    // Nothing dead-lettered: not on the broker, and not moved into PostgreSQL by the dead-letter keeper.
    expect(await probe.messageCount('hub.ingress.dlq')).toBe(0);
    expect(await sql(space.schema, 'SELECT id FROM dead_letter')).toEqual([]);
  });
});
