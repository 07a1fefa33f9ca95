import { randomUUID } from 'node:crypto';
import { exampleEvent, validateEvent } from '../../contracts';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { TEST_CONFIG_YAML, TEST_HTTP_TOKEN, TestHub, useTestHub } from '../helpers/test-hub.helper';

/** Journal, routing, rejection and de-duplication through the public AMQP and HTTP surfaces. */
describe('ingress (real RabbitMQ + PostgreSQL)', () => {
  // The test reads the broker's DLQ directly (hub.ingress.dlq); the dead-letter keeper would move its messages into PostgreSQL first.
  const ctx = useTestHub({ yaml: `${TEST_CONFIG_YAML}\ndeadLetters: { keep: false }\n` });
  let hub: TestHub;
  let probe: AmqpProbe;
  beforeAll(() => {
    hub = ctx.hub();
    probe = ctx.probe();
  });

  /** A new appeal with its own case (a second submission for a caseRef is refused). */
  const appeal = (overrides: Record<string, unknown> = {}) => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo', subject: undefined, ...overrides }) as any;
    ev.data.caseRef = `EP-${randomUUID()}`;
    return ev;
  };

  it('journals a valid appeal, opens its case and routes one copy to the adapter queue', async () => {
    const ev = appeal();
    await probe.publishEvent(ev);
    const [row] = await eventually(
      'journal entry',
      async () => (await sql<any>(hub.space.schema, `SELECT * FROM journal WHERE event_id = $1`, [ev.id]))[0] && sql<any>(hub.space.schema, `SELECT * FROM journal WHERE event_id = $1`, [ev.id]),
    );
    expect(row).toMatchObject({ status: 'accepted', tenant: 'demo', type: 'appeal.submitted', source: ev.source, routes: ['edms-test'], via: 'amqp' });
    expect(JSON.parse(row.body.toString())).toEqual(ev);

    const routed = await eventually('routed copy', async () => (await probe.drain('hub.work.edms-test', 100)).find((m) => m.properties.messageId === ev.id));
    expect(routed.json()).toEqual(ev);
    expect(routed.properties.contentType).toBe('application/cloudevents+json');
    expect(routed.properties.headers?.['x-hub-journal-id']).toBe(row.id);

    const [kase] = await sql<any>(hub.space.schema, `SELECT * FROM cases WHERE case_ref = $1`, [ev.data.caseRef]);
    expect(kase).toMatchObject({ tenant: 'demo', kind: 'appeal', status: 'submitted', version: 1 });
    const audit = await sql<any>(hub.space.schema, `SELECT * FROM audit_log WHERE entity_id = $1`, [kase.id]);
    expect(audit).toEqual([expect.objectContaining({ attribute: 'status', old_value: null, new_value: 'submitted', actor: `portal:${ev.source}`, journal_id: row.id })]);
    await eventually('outbox emptied', async () => (await sql<any>(hub.space.schema, 'SELECT count(*)::int AS n FROM outbox'))[0].n === 0);
    // The hub's chainer (on by default) links the entry and its audit line into the tenant's chain.
    const links = await eventually('chained', async () => {
      const l = await sql<any>(hub.space.schema, `SELECT kind, row_id FROM chain_entry WHERE tenant = 'demo' AND row_id = ANY($1)`, [[row.id, String(audit[0].id)]]);
      return l.length === 2 && l;
    });
    expect(links.map((l: any) => l.kind).sort()).toEqual(['audit', 'journal']);
  });

  it('answers an invalid appeal with message.rejected listing every error, and keeps the raw message', async () => {
    const rejected = await probe.listen('cabinet.out', 'demo.message.rejected');
    const ev = appeal();
    ev.data.kind = 'wish';
    delete ev.data.text;
    ev.data.txet = 'typo';
    await probe.publishEvent(ev);
    const msg = await eventually('message.rejected', () => rejected.find((m) => m.json().data.originalId === ev.id));
    const body = msg.json();
    expect(msg.routingKey).toBe('demo.message.rejected');
    expect(validateEvent(body)).toMatchObject({ ok: true });
    expect(body).toMatchObject({ type: 'message.rejected', tenant: 'demo', specversion: '1.0', source: 'urn:cabinet-hub:test', causationid: ev.id });
    expect(body.data).toMatchObject({ originalId: ev.id, originalSource: ev.source, originalType: 'appeal.submitted', receivedVia: 'amqp' });
    const pointers = body.data.errors.map((e: any) => e.pointer).sort();
    expect(pointers).toEqual(['/data/kind', '/data/text', '/data/txet']);
    for (const e of body.data.errors) expect(e.reason).toMatch(/\w{3,}/);

    const [row] = await sql<any>(hub.space.schema, `SELECT * FROM journal WHERE id = $1`, [body.data.journalId]);
    expect(row).toMatchObject({ status: 'rejected', event_id: ev.id, dedupe_key: null });
    expect(row.body.toString()).toBe(JSON.stringify(ev));
    expect(row.errors).toEqual(body.data.errors);
  });

  it('publishing the same event id 100 times gives one journal entry and one routed message', async () => {
    const ev = appeal();
    await probe.publishMany(Array.from({ length: 100 }, () => ev));
    await eventually('all 100 consumed', async () => (await probe.messageCount('hub.ingress')) === 0 && (await sql<any>(hub.space.schema, 'SELECT count(*)::int AS n FROM outbox'))[0].n === 0);
    await new Promise((r) => setTimeout(r, 300));
    const rows = await sql<any>(hub.space.schema, `SELECT id FROM journal WHERE event_id = $1`, [ev.id]);
    expect(rows).toHaveLength(1);
    const routed = (await probe.drain('hub.work.edms-test', 300)).filter((m) => m.properties.messageId === ev.id);
    expect(routed).toHaveLength(1);
  });

  it('rejects an event for a tenant the hub does not know, addressed to the "unknown" tenant', async () => {
    const rejected = await probe.listen('cabinet.out', 'unknown.#');
    const ev = appeal({ tenant: 'nowhere' });
    await probe.publishEvent(ev);
    const msg = await eventually('rejection', () => rejected.find((m) => m.json().data.originalId === ev.id));
    expect(msg.json().data.errors).toEqual([{ pointer: '/tenant', reason: expect.stringContaining('unknown tenant') }]);
    expect(validateEvent(msg.json())).toMatchObject({ ok: true });
  });

  it('refuses message.rejected from outside: only the hub emits it', async () => {
    const rejected = await probe.listen('cabinet.out', 'demo.message.rejected');
    const ev = exampleEvent('message.rejected', { id: randomUUID(), tenant: 'demo' }) as any;
    await probe.publishEvent(ev);
    const msg = await eventually('rejection', () => rejected.find((m) => m.json().data.originalId === ev.id));
    expect(msg.json().data.errors).toEqual([{ pointer: '/type', reason: expect.stringContaining('emitted by the hub') }]);
  });

  it('HTTP ingress: 202 with the id for a valid event (then routed), 400 with the errors for an invalid one', async () => {
    const ev = appeal();
    const ok = await fetch(`${hub.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: `Bearer ${TEST_HTTP_TOKEN}` },
      body: JSON.stringify(ev),
    });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ id: ev.id });
    await eventually('journaled via http path', async () => (await sql<any>(hub.space.schema, `SELECT 1 FROM journal WHERE event_id = $1 AND status = 'accepted'`, [ev.id])).length === 1);

    const bad = await fetch(`${hub.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_HTTP_TOKEN}` },
      body: JSON.stringify({ ...ev, id: randomUUID(), specversion: '0.3' }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '', reason: expect.stringContaining('application/cloudevents+json') },
        { pointer: '/specversion', reason: expect.any(String) },
      ]),
    );
    const [row] = await sql<any>(hub.space.schema, `SELECT via, status FROM journal WHERE id = $1`, [body.journalId]);
    expect(row).toEqual({ via: 'http', status: 'rejected' });
  });

  it('dead-letters a message the database refuses, with the reason, while its batch-mates are journaled', async () => {
    // Fault injection: the database refuses one specific row, as a corrupt or unexpected value would.
    await sql(hub.space.schema, `ALTER TABLE journal ADD CONSTRAINT test_poison CHECK (event_id IS DISTINCT FROM 'poison-1')`);
    try {
      const good = [appeal(), appeal(), appeal()];
      const poison = appeal({ id: 'poison-1' });
      await probe.publishMany([good[0], poison, good[1], good[2]]);
      const [dead] = await eventually('dead letter', async () => {
        const got = await probe.drain('hub.ingress.dlq', 100);
        return got.length ? got : undefined;
      });
      expect(dead.properties.messageId).toBe('poison-1');
      expect(dead.properties.headers).toMatchObject({ 'x-hub-error-class': 'permanent', 'x-hub-consumer': 'hub.ingress', 'x-hub-attempts': 1 });
      expect(String(dead.properties.headers?.['x-hub-error'])).toMatch(/journal write refused \(23514\)/);
      expect(dead.json()).toEqual(poison);
      const ids = good.map((e) => e.id);
      await eventually('batch-mates journaled', async () => (await sql<any>(hub.space.schema, `SELECT count(*)::int AS n FROM journal WHERE event_id = ANY($1)`, [ids]))[0].n === 3);
    } finally {
      await sql(hub.space.schema, 'ALTER TABLE journal DROP CONSTRAINT test_poison');
    }
  });

  it('refuses a second submission for an existing caseRef (at once and later), routes only one, and keeps an exact resend a duplicate', async () => {
    const rejected = await probe.listen('cabinet.out', 'demo.message.rejected');
    const one = appeal();
    const two = { ...appeal(), data: one.data };
    // Published together: one batch, or two concurrent batches. Which of the two wins is not
    // defined (concurrent messages have no order); that exactly one does is.
    await probe.publishMany([one, two]);
    const decided = await eventually('both decided', async () => {
      const rows = await sql<any>(hub.space.schema, 'SELECT event_id, status FROM journal WHERE event_id = ANY($1)', [[one.id, two.id]]);
      return rows.length === 2 && rows;
    });
    expect(decided.map((r: any) => r.status).sort()).toEqual(['accepted', 'rejected']);
    const winner = decided.find((r: any) => r.status === 'accepted').event_id === one.id ? one : two;
    const loser = winner === one ? two : one;
    const later = { ...appeal(), data: one.data };
    await probe.publishEvent(later);
    await probe.publishEvent(winner); // exact resends: duplicates, neither routed nor rejected again
    await probe.publishEvent(loser);

    for (const ev of [loser, later]) {
      const msg = await eventually(`rejection of ${ev.id}`, () => rejected.find((m) => m.json().data.originalId === ev.id));
      expect(validateEvent(msg.json())).toMatchObject({ ok: true });
      expect(msg.json().data.errors).toEqual([{ pointer: '/data/caseRef', reason: expect.stringMatching(/^an appeal with this caseRef already exists \(opened by another event\)/) }]);
      const [row] = await sql<any>(hub.space.schema, 'SELECT status, routes, errors, dedupe_key FROM journal WHERE id = $1', [msg.json().data.journalId]);
      expect(row).toMatchObject({ status: 'rejected', routes: [], errors: msg.json().data.errors, dedupe_key: `${ev.source}\n${ev.id}` });
    }
    await eventually('resends consumed', async () => (await probe.messageCount('hub.ingress')) === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await sql(hub.space.schema, 'SELECT 1 FROM journal WHERE event_id = ANY($1)', [[one.id, two.id, later.id]])).toHaveLength(3);
    expect(
      rejected
        .filter((m) => [one.id, two.id, later.id].includes(m.json().data.originalId))
        .map((m) => m.json().data.originalId)
        .sort(),
    ).toEqual([loser.id, later.id].sort());
    const routed = (await probe.drain('hub.work.edms-test', 300)).filter((m) => [one.id, two.id, later.id].includes(m.properties.messageId));
    expect(routed.map((m) => m.properties.messageId)).toEqual([winner.id]);
    const cases = await sql<any>(hub.space.schema, 'SELECT id FROM cases WHERE case_ref = $1', [one.data.caseRef]);
    expect(cases).toHaveLength(1);
    expect(await sql(hub.space.schema, 'SELECT journal_id FROM audit_log WHERE entity_id = $1', [cases[0].id])).toHaveLength(1);
  });

  it('exposes health and Prometheus metrics', async () => {
    const health = await fetch(`${hub.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', broker: 'up', database: 'up' });
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    for (const name of [
      'hub_messages_consumed_total',
      'hub_messages_published_total',
      'hub_messages_rejected_total',
      'hub_messages_duplicate_total',
      'hub_messages_retried_total',
      'hub_messages_dead_lettered_total',
      'hub_ingress_latency_seconds_bucket',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/hub_messages_duplicate_total \d*[1-9]/);
  });
});
