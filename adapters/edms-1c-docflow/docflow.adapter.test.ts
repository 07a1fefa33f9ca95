import { randomUUID } from 'node:crypto';
import { AppealSubmitted, CloudEvent, exampleEvent, PollOutcome } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { CapturingLogger } from '../../test/kit/adapter-contract.kit';
import { DocflowAdapter } from './docflow.adapter';
import { documentGuid } from './docflow.mapper';
import { decodeCursor, windowStart } from './poll-cursor.codec';

/*
 * Polling against the 1C mock (separate code written to the wire contract): the overlap of
 * consecutive windows must not report anything twice, and an idle poll returns the cursor it got.
 */

const LOGIN = 'Портал Інтеграція';
const PASSWORD = 'portal-secret-1c';

let mock: RunningDocflowMock;
let now = Date.parse('2026-12-04T10:00:00.100Z');
let adapter: DocflowAdapter;

beforeAll(async () => {
  // A clock the test moves: several changes can carry the same whole-second stamp.
  mock = await start1cDocflowMock({ users: [{ login: LOGIN, password: PASSWORD }], visibilityDelayMs: 0, clock: () => now });
  adapter = new DocflowAdapter({ endpoint: mock.url, login: LOGIN, password: PASSWORD, timeZone: 'Etc/GMT-3' }, { instanceId: 'edms-1c', logger: new CapturingLogger(), now: () => new Date(now) });
});
afterAll(async () => {
  await mock?.close();
});

async function submitted(): Promise<{ id: string; caseRef: string }> {
  const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant: 'demo' }) as CloudEvent;
  const data = ev.data as AppealSubmitted;
  data.caseRef = `EP-${randomUUID().slice(0, 8)}`;
  delete data.files;
  await adapter.handle(ev, AbortSignal.timeout(10_000));
  return { id: documentGuid(ev), caseRef: data.caseRef };
}

const poll = (cursor: string | undefined): Promise<PollOutcome> => adapter.poll(cursor, AbortSignal.timeout(10_000));
const types = (o: PollOutcome, caseRef: string) => o.results.filter((r) => r.caseRef === caseRef).map((r) => r.type);

describe('edms.1c-docflow polling', () => {
  it('reports registration, status and answer once each; idle polls return the same cursor and read nothing else', async () => {
    const { id, caseRef } = await submitted();
    let c = (await poll(undefined)).cursor;
    mock.clerk.register(id);
    let o = await poll(c);
    expect(types(o, caseRef)).toEqual(['appeal.registered']);
    c = o.cursor;
    now += 1_000;
    mock.clerk.status(id, 'НаИсполнении');
    o = await poll(c);
    expect(types(o, caseRef)).toEqual(['appeal.status-changed']);
    c = o.cursor;
    now += 1_000;
    mock.clerk.answer(id, { text: 'Відповідь.', files: [{ name: 'відповідь.pdf', contentBase64: Buffer.from('%PDF answer').toString('base64') }] });
    o = await poll(c);
    // The registration is still in the window and is not repeated with the answer.
    expect(types(o, caseRef)).toEqual(['appeal.answered']);
    c = o.cursor;

    const seq = mock.admin.requests().at(-1)?.seq ?? 0;
    for (let i = 0; i < 3; i++) {
      now += 500;
      expect(await poll(c)).toEqual({ results: [], cursor: c });
    }
    // An idle poll is one list request: nothing is fetched for documents already reported.
    expect(mock.admin.requests({ since: seq }).map((r) => r.type)).toEqual(['DMGetObjectListRequest', 'DMGetObjectListRequest', 'DMGetObjectListRequest']);
  });

  it('two changes of one document in the same second: both reported, neither twice', async () => {
    now = Date.parse('2026-12-04T11:00:00.100Z');
    const { id, caseRef } = await submitted();
    const start = (await poll(undefined)).cursor;
    mock.clerk.register(id);
    const first = await poll(start);
    expect(types(first, caseRef)).toEqual(['appeal.registered']);
    now += 600; // 11:00:00.700: the same stamp
    mock.clerk.status(id, 'НаИсполнении');
    expect(mock.clerk.document(id).modificationDateUniversal).toBe('2026-12-04T11:00:00');
    const second = await poll(first.cursor);
    expect(types(second, caseRef)).toEqual(['appeal.status-changed']);
    expect(await poll(second.cursor)).toEqual({ results: [], cursor: second.cursor });
  });

  it('reads the cursor the previous version stored, repeats its window once, then goes quiet', async () => {
    now = Date.parse('2026-12-04T12:00:00.100Z');
    const { id, caseRef } = await submitted();
    mock.clerk.register(id);
    const old = mock.clerk.document(id).modificationDateUniversal; // what versions before 2 stored
    const first = await poll(old);
    expect(types(first, caseRef)).toEqual(['appeal.registered']);
    expect(windowStart(decodeCursor(first.cursor))).toBe('2026-12-04T11:59:55');
    now += 10_000;
    expect(await poll(first.cursor)).toEqual({ results: [], cursor: first.cursor });
  });

  it('memory lasts while newer changes keep the version in the window; later, a change repeats what its version holds', async () => {
    now = Date.parse('2026-12-04T13:00:00.100Z');
    const { id, caseRef } = await submitted();
    mock.clerk.register(id);
    const first = await poll(undefined);
    expect(types(first, caseRef)).toEqual(['appeal.registered']);
    // Nothing newer happened for a minute: the registration is still in the window.
    now += 60_000;
    const other = await submitted();
    mock.clerk.register(other.id);
    const second = await poll(first.cursor);
    expect(types(second, caseRef)).toEqual([]);
    expect(types(second, other.caseRef)).toEqual(['appeal.registered']);
    now += 60_000;
    mock.clerk.status(id, 'НаИсполнении');
    // The registration version left the window with the other document's change; the cursor
    // keeps no memory that old, so the new version reports its registration again (the case
    // state journals that repeat as ignored; it happens once per real change, never when idle).
    expect(types(await poll(second.cursor), caseRef)).toEqual(['appeal.registered', 'appeal.status-changed']);
  });
});
