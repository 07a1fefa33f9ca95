import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { CloudEvent, defineAdapter, exampleEvent, PermanentError, ResultEvent, TransientError, validateEvent } from '../../contracts';
import { AmqpProbe } from '../helpers/amqp-probe.client';
import { eventually, sql } from '../helpers/infra.helper';
import { startTestHub, TestHub } from '../helpers/test-hub.helper';

/** A scriptable back office: what the adapter host does with results, retries and repeats. */
class FakeBackOffice {
  registered = new Map<string, number>(); // event id → times "registered" (the side effect)
  /** While true, every call fails as an unreachable system would. */
  down = false;
  invalidNext = false;
  pending: ResultEvent[] = [];
  polled = 0;
  /** While true, polls are refused for good (as 1C refuses a changed password): the system answers. */
  refusePolls = false;
}

const office = new FakeBackOffice();
const fake = defineAdapter({
  type: 'edms.fake',
  capabilities: ['edms.appeal.register', 'edms.appeal.track'],
  consumes: ['appeal.submitted'],
  mock: 'fake',
  configSchema: Type.Object({ system: Type.String() }, { additionalProperties: false }),
  create: (config) => ({
    async handle(event: CloudEvent) {
      if (office.down) throw new TransientError('back office answered 503');
      const data = event.data as { caseRef: string };
      office.registered.set(event.id, (office.registered.get(event.id) ?? 0) + 1);
      const n = office.registered.size;
      return {
        results: [
          {
            type: 'appeal.registered',
            tenant: event.tenant,
            caseRef: data.caseRef,
            occurredAt: '2026-01-10T10:00:00+02:00',
            data: { caseRef: office.invalidNext ? '' : data.caseRef, system: config.system, externalId: `EXT-${n}`, registrationNumber: `ВХ-${n}`, registeredAt: '2026-01-10T10:00:00+02:00' },
          },
        ],
        summary: { request: { type: 'create' }, response: { externalId: `EXT-${n}` } },
      };
    },
    async probe() {
      return office.down ? { ok: false, detail: 'back office answered 503' } : { ok: true };
    },
    async poll(cursor: string | undefined) {
      if (office.down) throw new TransientError('back office answered 503');
      if (office.refusePolls) throw new PermanentError('back office refused the credentials');
      office.polled++;
      const from = Number(cursor ?? 0);
      return { results: office.pending.slice(from), cursor: String(office.pending.length) };
    },
  }),
});

const YAML = `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo }
adapters:
  edms-fake:
    type: edms.fake
    config: { system: edms.fake }
    runner: { pollIntervalMs: 200, breakerFailures: 2, breakerOpenMs: 700, timeoutMs: 2000 }
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-fake] }
retry: { delaysMs: [200, 400, 800, 1600], jitter: 0.1 }
# The test reads the broker's DLQ directly; the dead-letter keeper would move its messages into PostgreSQL first.
deadLetters: { keep: false }
`;

describe('adapter host: results to cases and cabinet.out, inbox, polling, breaker', () => {
  let hub: TestHub;
  let probe: AmqpProbe;
  beforeAll(async () => {
    hub = await startTestHub({ yaml: YAML, adapters: [fake] });
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
  });
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });

  const submit = async () => {
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    ev.data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
    delete ev.subject;
    await probe.publishEvent(ev);
    return ev;
  };

  it('registers a submitted appeal: appeal.registered on cabinet.out, the case updated and audited, the attempt journaled', async () => {
    const out = await probe.listen('cabinet.out', 'demo.appeal.registered');
    const ev = await submit();
    const msg = await eventually('appeal.registered', () => out.find((m) => m.json().causationid === ev.id));
    const registered = msg.json();
    expect(validateEvent(registered)).toMatchObject({ ok: true });
    expect(registered).toMatchObject({ type: 'appeal.registered', tenant: 'demo', subject: ev.data.caseRef, source: 'urn:cabinet-hub:test', data: { system: 'edms.fake', caseRef: ev.data.caseRef } });
    const [kase] = await sql<any>(hub.space.schema, 'SELECT * FROM cases WHERE case_ref = $1', [ev.data.caseRef]);
    expect(kase.status).toBe('registered');
    expect(kase.version).toBe(2);
    expect(kase.external_ids['edms.fake']).toMatchObject({ externalId: expect.stringMatching(/^EXT-/), registrationNumber: expect.stringMatching(/^ВХ-/) });
    const audit = await sql<any>(hub.space.schema, 'SELECT attribute, old_value, new_value, actor FROM audit_log WHERE entity_id = $1 ORDER BY id', [kase.id]);
    expect(audit.map((a) => [a.attribute, a.old_value, a.actor])).toEqual([
      ['status', null, expect.stringMatching(/^portal:/)],
      ['external_ids.edms.fake', null, 'adapter:edms-fake'],
      ['status', 'submitted', 'adapter:edms-fake'],
    ]);
    const attempts = await sql<any>(
      hub.space.schema,
      `SELECT outcome, request_summary FROM delivery_attempt WHERE consumer = 'adapter:edms-fake' AND message_id = (SELECT id::text FROM journal WHERE event_id = $1)`,
      [ev.id],
    );
    expect(attempts).toEqual([{ outcome: 'ok', request_summary: { type: 'create' } }]);
  });

  it('a repeated routed copy never reaches the back office twice', async () => {
    const ev = await submit();
    await eventually('registered once', () => office.registered.get(ev.id) === 1);
    const [row] = await sql<any>(hub.space.schema, 'SELECT id FROM journal WHERE event_id = $1', [ev.id]);
    // The same copy again, as after a crash between publish and ack.
    await probe.publish('hub.work', 'edms-fake', JSON.stringify(ev), { contentType: 'application/cloudevents+json', messageId: ev.id, headers: { 'x-hub-journal-id': row.id } });
    await eventually(
      'duplicate attempt recorded',
      async () => (await sql<any>(hub.space.schema, `SELECT 1 FROM delivery_attempt WHERE message_id = $1 AND outcome = 'duplicate'`, [row.id])).length === 1,
    );
    expect(office.registered.get(ev.id)).toBe(1);
  });

  it('applies polled results in order and journals a stale one without publishing it', async () => {
    const ev = await submit();
    await eventually('registered', () => office.registered.get(ev.id) === 1);
    const out = await probe.listen('cabinet.out', 'demo.#');
    const status = (changedAt: string, status: string): ResultEvent => ({
      type: 'appeal.status-changed',
      tenant: 'demo',
      caseRef: ev.data.caseRef,
      occurredAt: changedAt,
      data: { caseRef: ev.data.caseRef, status, changedAt, author: { kind: 'employee', name: 'Клерк' }, system: 'edms.fake', externalId: 'EXT' } as any,
    });
    office.pending.push(status('2026-01-11T09:00:00+02:00', 'in-progress'));
    office.pending.push({
      type: 'appeal.answered',
      tenant: 'demo',
      caseRef: ev.data.caseRef,
      occurredAt: '2026-01-12T09:00:00+02:00',
      data: {
        caseRef: ev.data.caseRef,
        text: 'Відповідь',
        files: [],
        answeredAt: '2026-01-12T09:00:00+02:00',
        author: { kind: 'employee', name: 'Клерк' },
        system: 'edms.fake',
        externalId: 'EXT',
      } as any,
    });
    await eventually('answered published', () => out.find((m) => m.routingKey === 'demo.appeal.answered' && m.json().subject === ev.data.caseRef), 10000);
    expect(out.filter((m) => m.json().subject === ev.data.caseRef && m.routingKey !== 'demo.appeal.repeat-linked').map((m) => m.routingKey)).toEqual([
      'demo.appeal.status-changed',
      'demo.appeal.answered',
    ]);

    office.pending.push(status('2026-01-11T12:00:00+02:00', 'postponed'));
    await eventually(
      'stale result journaled',
      async () => (await sql<any>(hub.space.schema, `SELECT 1 FROM journal WHERE status = 'ignored' AND subject = $1`, [ev.data.caseRef])).length === 1,
      10000,
    );
    const [kase] = await sql<any>(hub.space.schema, 'SELECT status FROM cases WHERE case_ref = $1', [ev.data.caseRef]);
    expect(kase.status).toBe('answered');
    await new Promise((r) => setTimeout(r, 300));
    // The back office's results only: the deadline scheduler's first round (1 s after start) may
    // link this appeal to the earlier ones of the same example applicant (appeal.repeat-linked),
    // depending on how fast the tests before ran.
    expect(out.filter((m) => m.json().subject === ev.data.caseRef && m.routingKey !== 'demo.appeal.repeat-linked')).toHaveLength(2);
  });

  it('opens the breaker while the back office is down, closes it after recovery, and the appeal still registers once', async () => {
    office.down = true;
    const ev = await submit();
    await eventually('breaker open', () => hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"open"')), 10000);
    const health = (await (await fetch(`${hub.url}/health`)).json()) as any;
    expect(health.adapters['edms-fake']).toMatchObject({ ok: false, detail: 'back office answered 503', breaker: expect.stringMatching(/open/) });
    office.down = false;
    await eventually('registered after retries', () => office.registered.get(ev.id) === 1, 20000);
    expect(hub.logs.some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"closed"'))).toBe(true);
    // While the circuit is open, messages wait in the delay queues without calling the back office (recorded as transient, breaker_state open).
    // The back office counts the registration before the hub records the attempt's outcome, so wait for that row.
    const attempts = await eventually(
      'successful attempt recorded',
      async () => {
        const rows = await sql<any>(hub.space.schema, `SELECT outcome FROM delivery_attempt WHERE message_id = (SELECT id::text FROM journal WHERE event_id = $1) ORDER BY id`, [ev.id]);
        return rows.at(-1)?.outcome === 'ok' ? rows : undefined;
      },
      10000,
    );
    expect(attempts.map((a: any) => a.outcome).filter((o: string) => o === 'transient').length).toBeGreaterThanOrEqual(1);
    expect(attempts.map((a: any) => a.outcome).at(-1)).toBe('ok');
  });

  it('a poll refused for good while the breaker is half-open does not leave it stuck there', async () => {
    // Only polls run: failing ones open the breaker; once half-open, a poll takes the one trial call and is refused.
    office.down = true;
    const opened = hub.logs.length;
    await eventually('breaker open', () => hub.logs.slice(opened).some((l) => l.includes('"event":"adapter.breaker"') && l.includes('"state":"open"')), 10000);
    office.refusePolls = true;
    office.down = false;
    await eventually('a poll refused', () => hub.logs.slice(opened).some((l) => l.includes('back office refused the credentials')), 10000);
    // A refusal means the system answered: the circuit closes, and an appeal goes through.
    const ev = await submit();
    await eventually('registered', () => office.registered.get(ev.id) === 1, 10000);
    office.refusePolls = false;
  });

  it('an adapter that maps badly is caught by the hub and dead-lettered with the reason', async () => {
    office.invalidNext = true;
    try {
      const ev = await submit();
      const [dead] = await eventually(
        'dead letter',
        async () => {
          const got = await probe.drain('hub.work.edms-fake.dlq', 100);
          return got.length ? got : undefined;
        },
        10000,
      );
      expect(dead.properties.messageId).toBe(ev.id);
      expect(String(dead.properties.headers?.['x-hub-error'])).toMatch(/PermanentError: adapter edms-fake produced an invalid appeal.registered: \/data\/caseRef/);
    } finally {
      office.invalidNext = false;
    }
  });

  it('reports each adapter in /health', async () => {
    const health = (await (await fetch(`${hub.url}/health`)).json()) as any;
    expect(health.adapters).toEqual({ 'edms-fake': { ok: true, breaker: 'closed' } });
    expect(office.polled).toBeGreaterThan(0);
  });
});
