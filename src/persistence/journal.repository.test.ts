import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { databaseUrl, dropSchema, eventually, sql, uniqueName } from '../../test/helpers/infra.helper';
import { createDataSource, migrate } from './database.setup';
import { CaseOpening, JournalEntry, JournalRepository, OutboxEntry } from './journal.repository';
import { stableUuid } from './stable.uuid';

/**
 * Medium tier: the store statement against the real PostgreSQL. A submission is accepted only if
 * the statement opened its case; the others are written rejected, with the answer the pipeline builds for them in the same transaction.
 */
describe('JournalRepository.store: one case per (tenant, kind, caseRef)', () => {
  const schema = uniqueName('journaltest');
  const instanceId = uniqueName('store');
  let db: DataSource;
  let repo: JournalRepository;

  beforeAll(async () => {
    await migrate({ databaseUrl: databaseUrl(), databaseSchema: schema });
    db = createDataSource({ databaseUrl: databaseUrl(), databaseSchema: schema, instanceId }, 2);
    await db.initialize();
    repo = new JournalRepository(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropSchema(schema);
  });

  /** One submission as the pipeline hands it over: entry, case opening and the answer prepared for a taken case. */
  function submission(caseRef: string, eventId: string = randomUUID()) {
    const id = randomUUID();
    const caseId = stableUuid(`demo\nappeal\n${caseRef}`);
    const errors = [{ pointer: '/data/caseRef', reason: 'taken' }];
    const entry: JournalEntry = {
      id,
      direction: 'in',
      via: 'amqp',
      status: 'accepted',
      tenant: 'demo',
      source: 'urn:test',
      eventId,
      type: 'appeal.submitted',
      dedupeKey: `urn:test\n${eventId}`,
      routes: ['edms'],
      opensCase: { caseId, caseTakenErrors: () => errors },
      body: Buffer.from(`{"id":"${eventId}"}`),
      bodySize: 10,
      bodyTruncated: false,
    };
    const opening: CaseOpening = { journalId: id, caseId, tenant: 'demo', kind: 'appeal', caseRef, status: 'submitted', statusAt: new Date().toISOString(), actor: 'portal:urn:test' };
    const answer: OutboxEntry = { journalId: id, message: { exchange: 'cabinet.out', routingKey: 'demo.message.rejected', options: {}, content: Buffer.from(eventId) } };
    return { entry, opening, answer };
  }
  /** What the pipeline answers a taken submission with, built only when the store asks. */
  const answersOf = (subs: { entry: JournalEntry; answer: OutboxEntry }[]) => (taken: ReadonlySet<string>) => subs.filter((x) => taken.has(x.entry.id)).map((x) => x.answer);
  const outboxOf = async (journalIds: string[]) => sql<{ journal_id: string }>(schema, 'SELECT journal_id::text FROM outbox WHERE journal_id = ANY($1)', [journalIds]);

  it('in one batch the first submission opens the case and the second is written rejected with its answer', async () => {
    const ref = `EP-${randomUUID()}`;
    const [a, b] = [submission(ref), submission(ref)];

    const result = await repo.store([a.entry, b.entry], [], [a.opening], answersOf([a, b]));

    expect([...result.inserted].sort()).toEqual([a.entry.id, b.entry.id].sort());
    expect([...result.caseTaken]).toEqual([b.entry.id]);
    expect(result.outbox.map((o) => o.journalId)).toEqual([b.entry.id]);
    const [answer] = await sql<{ payload: Buffer }>(schema, 'SELECT payload FROM outbox WHERE journal_id = $1', [b.entry.id]);
    expect(answer.payload.toString()).toBe(b.entry.eventId);
    const rows = await sql<any>(schema, 'SELECT id::text, status, routes, errors, dedupe_key FROM journal WHERE id = ANY($1)', [[a.entry.id, b.entry.id]]);
    expect(rows.find((r) => r.id === a.entry.id)).toMatchObject({ status: 'accepted', routes: ['edms'], errors: null });
    expect(rows.find((r) => r.id === b.entry.id)).toMatchObject({ status: 'rejected', routes: [], errors: [{ pointer: '/data/caseRef', reason: 'taken' }], dedupe_key: b.entry.dedupeKey });
    expect(await sql(schema, 'SELECT 1 FROM audit_log WHERE journal_id = $1', [a.entry.id])).toHaveLength(1);
  });

  it('a later batch finds the case taken; an exact resend of either event is a duplicate and opens nothing', async () => {
    const ref = `EP-${randomUUID()}`;
    const first = submission(ref);
    await repo.store([first.entry], [], [first.opening], answersOf([first]));
    const second = submission(ref);
    const resend = submission(ref, first.entry.eventId);

    const result = await repo.store([second.entry, resend.entry], [], [second.opening], answersOf([second, resend]));

    expect([...result.inserted]).toEqual([second.entry.id]);
    expect([...result.caseTaken]).toEqual([second.entry.id]);
    expect(await outboxOf([first.entry.id, resend.entry.id])).toEqual([]);
    const again = submission(ref, second.entry.eventId);
    expect((await repo.store([again.entry], [], [again.opening], answersOf([again]))).inserted.size).toBe(0);
    expect(await sql(schema, 'SELECT 1 FROM cases WHERE case_ref = $1', [ref])).toHaveLength(1);
  });

  it.each([
    ['commits', 'rejected', 'COMMIT', true],
    ['rolls back', 'accepted', 'ROLLBACK', false],
  ])('waits for another transaction opening the same case: when that one %s, this submission is %s', async (_label, _outcome, end, taken) => {
    const ref = `EP-${randomUUID()}`;
    const other = new Client({ connectionString: databaseUrl(), options: `-c search_path=${schema}` });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`INSERT INTO cases (id, tenant, kind, case_ref, status, status_at) VALUES ($1, 'demo', 'appeal', $2, 'submitted', now())`, [stableUuid(`demo\nappeal\n${ref}`), ref]);
      const s = submission(ref);
      const pending = repo.store([s.entry], [], [s.opening], answersOf([s]));
      // The store statement is waiting on the other transaction's case row, not deciding on its own snapshot.
      await eventually(
        'store waiting on the case row',
        async () => (await sql(schema, `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [`cabinet-hub ${instanceId}`])).length === 1,
      );
      await other.query(end);

      const result = await pending;
      expect(result.caseTaken.has(s.entry.id)).toBe(taken);
      expect(result.outbox.map((o) => o.journalId)).toEqual(taken ? [s.entry.id] : []);
    } finally {
      await other.end();
    }
  });
});
