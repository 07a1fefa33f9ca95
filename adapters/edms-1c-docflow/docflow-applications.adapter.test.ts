import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ApplicationDocumentAdded, ApplicationStatusChanged, ApplicationSubmitted, CloudEvent, exampleEvent, FileRef, PollOutcome, ResultEvent } from '../../contracts';
import { RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { CapturingLogger } from '../../test/kit/adapter-contract.kit';
import { MemoryFiles } from '../../test/kit/memory-files.kit';
import { applicationGuid } from './application.mapper';
import { DocflowAdapter } from './docflow.adapter';

/*
 * Utility-connection applications against the 1C mock (separate code written to the wire
 * contract in mocks/1c-docflow/README.md): filed with signed files byte-exact, streamed from the
 * file store; the utility's milestones and documents read back with their authors.
 */

const LOGIN = 'Портал Інтеграція';
const PASSWORD = 'portal-secret-1c';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let mock: RunningDocflowMock;
let files: MemoryFiles;
let adapter: DocflowAdapter;
/** Result keys the "hub" has applied, as ctx.results reports them. */
const applied = new Set<string>();

beforeAll(async () => {
  mock = await start1cDocflowMock({ users: [{ login: LOGIN, password: PASSWORD }], visibilityDelayMs: 0 });
  files = new MemoryFiles();
  adapter = new DocflowAdapter(
    { endpoint: mock.url, login: LOGIN, password: PASSWORD, timeZone: 'Etc/GMT-3' },
    { instanceId: 'edms-1c', logger: new CapturingLogger(), now: () => new Date(), files, results: { known: async (keys) => new Set(keys.filter((k) => applied.has(k))) } },
  );
});
afterAll(async () => {
  await mock?.close();
});

/** A file held by the store (as the hub's intake leaves a file given by URL), with a detached signature. */
function storedSigned(id: string, name: string, content: Buffer): FileRef {
  const sig = Buffer.from(`CMS over ${name}`);
  const d = files.add(content);
  const s = files.add(sig);
  return {
    id,
    name,
    mediaType: 'application/pdf',
    ...d,
    url: `https://cabinet.example/files/${id}`,
    signatures: [{ id: `${id}-s`, name: `${name}.p7s`, mediaType: 'application/pkcs7-signature', ...s, url: `https://cabinet.example/files/${id}.p7s`, format: 'cades' }],
  };
}

function application(file: FileRef): CloudEvent {
  const ev = exampleEvent('application.submitted', { id: randomUUID(), tenant: 'utility' });
  const data = ev.data as ApplicationSubmitted;
  data.caseRef = `TP-${randomUUID().slice(0, 8)}`;
  data.files = [file];
  return ev;
}

const poll = (cursor: string | undefined): Promise<PollOutcome> => adapter.poll(cursor, AbortSignal.timeout(30_000));
const of = (o: PollOutcome, caseRef: string) => o.results.filter((r) => r.caseRef === caseRef);

describe('edms.1c-docflow applications', () => {
  it('files a 3 MB signed file from the store byte-exact, streamed; a second delivery adds nothing', async () => {
    const pdf = randomBytes(3 * 1024 * 1024);
    const ev = application(storedSigned('z-1', 'Заявка.pdf', pdf));
    const first = await adapter.handle(ev, AbortSignal.timeout(30_000));
    expect(first.summary?.response).toEqual({ created: true, filesAdded: 2 });
    const id = applicationGuid('utility', (ev.data as ApplicationSubmitted).caseRef);
    const doc = mock.clerk.document(id);
    expect(doc.files.map((f) => [f.fileName, f.sha256])).toEqual([['Заявка.pdf', sha(pdf)]]);
    expect(doc.files[0].signatures?.map((s) => s.fileName)).toEqual(['Заявка.pdf.p7s']);
    const again = await adapter.handle(ev, AbortSignal.timeout(30_000));
    expect(again.summary?.response).toEqual({ created: false, filesAdded: 0 });
  });

  it('a crash between "document created" and "files added": the redelivery adds exactly the missing files', async () => {
    const ev = application(storedSigned('z-1', 'Заявка.pdf', randomBytes(10_000)));
    const caseRef = (ev.data as ApplicationSubmitted).caseRef;
    // The first attempt creates the document, then 1C stops answering before any file arrives.
    mock.admin.fault({ fault: 'http-error', status: 503, count: 1, match: { type: 'DMAddFileRequest' } } as never);
    await expect(adapter.handle(ev, AbortSignal.timeout(30_000))).rejects.toThrow(/503/);
    expect(mock.clerk.document(applicationGuid('utility', caseRef)).files).toHaveLength(0);
    const retry = await adapter.handle(ev, AbortSignal.timeout(30_000));
    expect(retry.summary?.response).toEqual({ created: false, filesAdded: 2 });
    const doc = mock.clerk.document(applicationGuid('utility', caseRef));
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0].signatures).toHaveLength(1);
  });

  it('a document the applicant adds later joins the application; before the application exists it waits (transient)', async () => {
    const ev = application(storedSigned('z-1', 'Заявка.pdf', randomBytes(1000)));
    const caseRef = (ev.data as ApplicationSubmitted).caseRef;
    const later = exampleEvent('application.document-added', { id: randomUUID(), tenant: 'utility' });
    const d = later.data as ApplicationDocumentAdded;
    d.caseRef = caseRef;
    d.document = storedSigned('z-9', 'План.pdf', randomBytes(2000));
    delete d.system;
    delete d.externalId;
    await expect(adapter.handle(later, AbortSignal.timeout(30_000))).rejects.toMatchObject({ name: 'TransientError' });
    await adapter.handle(ev, AbortSignal.timeout(30_000));
    await adapter.handle(later, AbortSignal.timeout(30_000));
    expect(mock.clerk.document(applicationGuid('utility', caseRef)).files.map((f) => f.fileName)).toEqual(['Заявка.pdf', 'План.pdf']);
  });

  it('reads registration, every milestone with its author, and the utility documents (a 20 MB signed contract by link)', async () => {
    const ev = application(storedSigned('z-1', 'Заявка.pdf', randomBytes(1000)));
    const caseRef = (ev.data as ApplicationSubmitted).caseRef;
    await adapter.handle(ev, AbortSignal.timeout(30_000));
    const id = applicationGuid('utility', caseRef);
    let cursor = (await poll(undefined)).cursor;

    mock.clerk.register(id, { by: 'Петрова Анна Сергеевна' });
    mock.clerk.status(id, 'НаРассмотрении', { by: 'Петрова Анна Сергеевна' });
    const tu = Buffer.from('%PDF технические условия');
    mock.clerk.send(id, {
      kind: 'technical-conditions',
      text: 'Технические условия',
      files: [{ name: 'ТУ.pdf', content: tu, signatures: [{ name: 'ТУ.pdf.p7s', content: Buffer.from('sig-tu') }] }],
      by: 'Иванов Пётр',
    });
    const contract = randomBytes(20 * 1024 * 1024);
    mock.clerk.send(id, {
      kind: 'contract-signed',
      files: [{ name: 'Договор.pdf', content: contract, signatures: [{ name: 'Договор.pdf.p7s', content: Buffer.from('sig-contract') }] }],
      by: 'Иванов Пётр',
    });
    mock.clerk.status(id, 'ДоговорЗаключен', { by: 'Сидорова Мария' });
    mock.clerk.status(id, 'ТУВРаботе', { comment: 'Прокладка ввода, 60 %', by: 'Сидорова Мария' });
    mock.clerk.status(id, 'Подключен', { by: 'Сидорова Мария' });

    const o = await poll(cursor);
    cursor = o.cursor;
    const results = of(o, caseRef);
    expect(results[0]).toMatchObject({ type: 'application.registered', data: { externalId: id } });
    const statuses = results.filter((r): r is ResultEvent<'application.status-changed'> => r.type === 'application.status-changed').map((r) => [r.data.status, r.data.author.name, r.data.comment]);
    expect(statuses).toEqual([
      ['under-review', 'Петрова Анна Сергеевна', undefined],
      ['contract-sent', 'Иванов Пётр', undefined],
      ['contract-sent', 'Иванов Пётр', undefined],
      ['contract-concluded', 'Сидорова Мария', undefined],
      ['tc-in-progress', 'Сидорова Мария', 'Прокладка ввода, 60 %'],
      ['connected', 'Сидорова Мария', undefined],
    ]);
    const docs = results.filter((r): r is ResultEvent<'application.document-added'> => r.type === 'application.document-added');
    expect(docs.map((r) => [r.data.kind, r.data.document.name, r.data.author.name])).toEqual([
      ['technical-conditions', 'ТУ.pdf', 'Иванов Пётр'],
      ['contract-signed', 'Договор.pdf', 'Иванов Пётр'],
    ]);
    // Small files inline; the 20 MB contract by link, its content kept whole in the store.
    expect(docs[0].data.document.contentBase64).toBe(tu.toString('base64'));
    expect(docs[1].data.document).toMatchObject({ size: contract.length, sha256: sha(contract) });
    expect(docs[1].data.document.url).toMatch(/^https:\/\/hub\.test\/v1\/files\//);
    expect(files.blobs.get(sha(contract))?.equals(contract)).toBe(true);
    expect(files.largestChunk).toBeLessThan(4 * 1024 * 1024);
    expect(docs[1].data.document.signatures?.map((s) => [s.name, s.sha256])).toEqual([['Договор.pdf.p7s', sha(Buffer.from('sig-contract'))]]);
    expect(new Set(results.map((r) => r.key)).size).toBe(results.length);

    // The hub applied them; an idle poll repeats nothing and returns the same cursor.
    for (const r of results) applied.add(r.key!);
    const idle = await poll(cursor);
    expect(of(idle, caseRef)).toEqual([]);
    expect(idle.cursor).toBe(cursor);

    // Rejection with a reason; only the new history entry comes back as new (the rest carry known keys).
    mock.clerk.reject(id, { reason: 'Не представлены правоустанавливающие документы', by: 'Петрова Анна Сергеевна' });
    const rejected = of(await poll(cursor), caseRef).filter((r) => !applied.has(r.key!));
    expect(rejected.map((r) => [r.type, (r.data as ApplicationStatusChanged).status, (r.data as ApplicationStatusChanged).comment])).toEqual([
      ['application.status-changed', 'rejected', 'Не представлены правоустанавливающие документы'],
    ]);
  }, 60_000);

  it('reports what one poll finds in the order it happened in 1C: a document sent before a later state change comes first', async () => {
    let now = Date.parse('2026-03-10T07:00:00Z');
    const timed = await start1cDocflowMock({ users: [{ login: LOGIN, password: PASSWORD }], visibilityDelayMs: 0, clock: () => now });
    try {
      const a = new DocflowAdapter(
        { endpoint: timed.url, login: LOGIN, password: PASSWORD, timeZone: 'Etc/GMT-3' },
        { instanceId: 'edms-1c', logger: new CapturingLogger(), now: () => new Date(now), files, results: { known: async () => new Set<string>() } },
      );
      const ev = application(storedSigned('z-9', 'Заявка.pdf', randomBytes(100)));
      const caseRef = (ev.data as ApplicationSubmitted).caseRef;
      await a.handle(ev, AbortSignal.timeout(30_000));
      const id = applicationGuid('utility', caseRef);
      const cursor = (await a.poll(undefined, AbortSignal.timeout(30_000))).cursor;
      timed.clerk.register(id, { by: 'Петрова Анна Сергеевна' });
      now += 60_000;
      timed.clerk.send(id, { kind: 'technical-conditions', files: [{ name: 'ТУ.pdf', content: Buffer.from('%PDF ТУ') }], by: 'Иванов Пётр' });
      now += 60_000;
      timed.clerk.reject(id, { reason: 'Не представлен план участка', by: 'Петрова Анна Сергеевна' });
      now += 1_000;
      const results = of(await a.poll(cursor, AbortSignal.timeout(30_000)), caseRef);
      expect(results.map((r) => [r.type, (r.data as { status?: string }).status ?? (r.data as { kind?: string }).kind, r.occurredAt])).toEqual([
        ['application.registered', undefined, '2026-03-10T07:00:00Z'],
        ['application.status-changed', 'contract-sent', '2026-03-10T07:01:00Z'],
        ['application.document-added', 'technical-conditions', '2026-03-10T07:01:00Z'],
        ['application.status-changed', 'rejected', '2026-03-10T07:02:00Z'],
      ]);
      expect(results[0].data).toMatchObject({ author: { kind: 'employee', name: 'Петрова Анна Сергеевна' } });
    } finally {
      await timed.close();
    }
  });
});
