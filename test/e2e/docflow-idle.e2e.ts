import { randomUUID } from 'node:crypto';
import { AppealSubmitted, exampleEvent } from '../../contracts';
import { documentGuid } from '../../adapters/edms-1c-docflow/docflow.mapper';
import { eventually, sql } from '../helpers/infra.helper';
import { DocflowSetup, startDocflowHub } from '../helpers/docflow-hub.helper';

const POLL_MS = 200;

/**
 * Once the clerk's work has reached the portal, the 1C poller keeps polling but writes nothing:
 * no journal rows, no cursor upsert, no `ignored` repeats, no log lines above debug. (Before, the
 * 5 s overlap re-read the last changed document on every poll and journaled it as `ignored`.)
 */
describe('1С:Документооборот poller when nothing changes', () => {
  let setup: DocflowSetup;

  beforeAll(async () => {
    // The mock's default visibility delay (1 s) stays on: changes show up late, as in 1C.
    setup = await startDocflowHub({ login: 'Портал Інтеграція', password: 'portal-secret-1c', runner: `{ pollIntervalMs: ${POLL_MS} }` });
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it('writes nothing and logs nothing at info while idle, and the case stays answered', async () => {
    const { mock, hub, probe } = setup;
    const schema = hub.space.schema;
    const out = await probe.listen('cabinet.out', 'demo.#');
    const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as any;
    const data = ev.data as AppealSubmitted;
    data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
    delete ev.subject;
    delete data.files;
    // Written just now: a fresh appeal has no deadline alert due (the example's 2024 date would be overdue at once).
    data.submittedAt = new Date().toISOString();
    await probe.publishEvent(ev);
    const id = documentGuid(ev);
    await eventually('document in 1C', () => mock.clerk.documents({ type: 'DMIncomingDocument' }).find((d) => d.id === id), 15_000);

    // The clerk registers and answers at once: both changes are inside one overlap window.
    mock.clerk.register(id);
    mock.clerk.answer(id, { text: 'Сміття вивезено.' });
    const ours = () => out.filter((m) => m.json().subject === data.caseRef).map((m) => m.routingKey);
    await eventually('registered and answered on cabinet.out', () => ours().includes('demo.appeal.answered') && ours().includes('demo.appeal.registered'), 15_000);
    await eventually('case answered', async () => (await sql<{ status: string }>(schema, 'SELECT status FROM cases WHERE case_ref = $1', [data.caseRef]))[0]?.status === 'answered', 10_000);

    const snapshot = async () => ({
      journal: Number((await sql<{ n: string }>(schema, 'SELECT count(*) AS n FROM journal'))[0].n),
      cursor: (await sql<{ cursor: string; updated_at: Date }>(schema, `SELECT cursor, updated_at FROM adapter_cursor WHERE instance = 'edms-1c'`))[0],
    });
    const before = await snapshot();
    expect(before.cursor).toBeDefined();
    const logsBefore = hub.logs.length;
    const seq = mock.admin.requests().at(-1)?.seq ?? 0;

    // Several poll intervals with nothing new in 1C.
    await new Promise((r) => setTimeout(r, 15 * POLL_MS));
    const polls = mock.admin.requests({ since: seq }).filter((r) => r.type === 'DMGetObjectListRequest');
    expect(polls.length).toBeGreaterThanOrEqual(5); // the poller did run

    const after = await snapshot();
    expect(after.journal).toBe(before.journal);
    expect(after.cursor.cursor).toBe(before.cursor.cursor);
    expect(after.cursor.updated_at.getTime()).toBe(before.cursor.updated_at.getTime());
    const ignored = await sql(schema, `SELECT id FROM journal WHERE subject = $1 AND status = 'ignored'`, [data.caseRef]);
    expect(ignored).toEqual([]);
    const loud = hub.logs
      .slice(logsBefore)
      .map((l) => JSON.parse(l) as { level: string; event?: string; adapter?: string; msg: string })
      .filter((l) => l.level !== 'debug' && l.level !== 'trace');
    expect(loud).toEqual([]);
    expect(ours()).toEqual(['demo.appeal.registered', 'demo.appeal.answered']);
    const [kase] = await sql<{ status: string }>(schema, 'SELECT status FROM cases WHERE case_ref = $1', [data.caseRef]);
    expect(kase.status).toBe('answered');
  }, 60_000);
});
