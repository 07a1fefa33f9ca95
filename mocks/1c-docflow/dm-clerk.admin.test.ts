import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MockAdminError } from '../_kit';
import { start1cDocflowMock, type AdminDocument, type RunningDocflowMock } from './index';
import { addFile, call, createIncoming, fileList, list, retrieve, type Cond } from './dm-soap.fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const T0 = Date.parse('2026-04-01T21:30:00.000Z');

describe('1C DMService mock: the clerk', () => {
  let dm: RunningDocflowMock;
  let now = T0;

  beforeAll(async () => {
    dm = await start1cDocflowMock({ clock: () => now, visibilityDelayMs: 1000 });
  });
  afterAll(() => dm.close());
  beforeEach(() => {
    dm.admin.reset();
    now = T0;
  });

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${dm.baseUrl}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const createDoc = async (ext = `kyiv:${randomUUID()}`) => {
    const id = randomUUID();
    expect((await call(dm.url, createIncoming(id, { ext, title: 'Обращение о вывозе мусора' }))).status).toBe(200);
    return id;
  };

  it('register / assign / status / answer, then a poller sees each change and the answer with its files', async () => {
    const id = await createDoc('kyiv:case-7');
    const scan = randomBytes(2048);
    await call(dm.url, addFile(id, randomUUID(), scan, { name: 'Фото', ext: 'jpg' }));
    now += 5_000;

    // The clerk works over HTTP, as a developer would with curl.
    const reg = await admin('POST', `/documents/${id}/register`);
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ regNumber: 'ВХ-2026-000001', state: 'Зарегистрирован', regDate: '2026-04-02T00:30:05' });
    expect(reg.body.modificationDateUniversal).toBe('2026-04-01T21:30:05');
    const assigned = await admin('POST', `/documents/${id}/assign`, { responsible: 'Петрова Анна Сергеевна' });
    expect(assigned.body.responsible).toMatchObject({ name: 'Петрова Анна Сергеевна', type: 'DMUser' });
    expect((await admin('POST', `/documents/${id}/status`, { state: 'НаИсполнении' })).body.state).toBe('НаИсполнении');

    now += 60_000;
    const answerPdf = randomBytes(5000);
    const answered = await admin('POST', `/documents/${id}/answer`, {
      text: 'Уважаемый заявитель! Вывоз мусора организован.',
      files: [{ name: 'Ответ.pdf', mediaType: 'application/pdf', contentBase64: answerPdf.toString('base64') }],
    });
    expect(answered.status).toBe(201);
    const out: AdminDocument = answered.body.answer;
    expect(answered.body.incoming).toMatchObject({ state: 'Исполнен', answerDocument: { id: out.id, type: 'DMOutgoingDocument' } });
    expect(out).toMatchObject({ type: 'DMOutgoingDocument', regNumber: 'ИСХ-2026-000001', state: 'Зарегистрирован', summary: 'Уважаемый заявитель! Вывоз мусора организован.' });
    expect(out.inReplyTo).toMatchObject({ id, type: 'DMIncomingDocument' });
    expect(out.files).toEqual([expect.objectContaining({ fileName: 'Ответ.pdf', size: 5000, sha256: sha256(answerPdf), mediaType: 'application/pdf' })]);

    // The poller: "what changed since my last poll", overlapping by the visibility delay.
    const since: Cond[] = [['modificationDateUniversal', 'xs:dateTime', '2026-04-01T21:30:01', '>=']];
    const before = await call(dm.url, list('DMIncomingDocument', since));
    // Within the delay a read returns the previous version: registered and assigned, not answered.
    expect(before.ret.items[0].object.state.objectID.id).toBe('НаИсполнении');
    expect(before.ret.items[0].object.answerDocument).toBeUndefined();
    now += 1000;
    const after = await call(dm.url, list('DMIncomingDocument', since));
    expect(after.ret.items).toHaveLength(1);
    const doc = after.ret.items[0].object;
    expect(doc).toMatchObject({ regNumber: 'ВХ-2026-000001', regDate: '2026-04-02T00:30:05', modificationDateUniversal: '2026-04-01T21:31:05' });
    expect(doc.state.objectID.id).toBe('Исполнен');
    expect(doc.state.name).toBe('Исполнен');
    expect(doc.responsible.name).toBe('Петрова Анна Сергеевна');
    expect(doc.answerDocument.objectID).toMatchObject({ id: out.id, type: 'DMOutgoingDocument' });

    const answer = (await call(dm.url, retrieve([[out.id, 'DMOutgoingDocument']]))).ret.objects[0];
    expect(answer).toMatchObject({ summary: 'Уважаемый заявитель! Вывоз мусора организован.', regNumber: 'ИСХ-2026-000001' });
    expect(answer.inReplyTo.objectID.id).toBe(id);
    expect(answer.addressee.name).toBe('Иванов Иван Иванович');
    expect(answer.author.name).toBe('Петрова Анна Сергеевна');

    const files = (await call(dm.url, fileList(out.id, 'DMOutgoingDocument'))).ret.files;
    expect(files.map((f: { name: string; extension: string }) => `${f.name}.${f.extension}`)).toEqual(['Ответ.pdf']);
    const content = (await call(dm.url, retrieve([[files[0].objectID.id, 'DMFile']], ['binaryData']))).ret.objects[0].binaryData;
    expect(sha256(Buffer.from(content, 'base64'))).toBe(sha256(answerPdf));

    const outgoing = await call(dm.url, list('DMOutgoingDocument', [['inReplyTo', 'm:DMObjectID', `<m:id>${id}</m:id><m:type>DMIncomingDocument</m:type>`]]));
    expect(outgoing.ret.items.map((i: { object: { objectID: { id: string } } }) => i.object.objectID.id)).toEqual([out.id]);
  });

  it('GET /__admin/documents lists documents with file hashes; /:id?withContent=1 adds base64', async () => {
    const id = await createDoc();
    const bytes = Buffer.from('содержимое файла', 'utf8');
    await call(dm.url, addFile(id, randomUUID(), bytes, { name: 'заявление', ext: 'txt' }));
    const all = await admin('GET', '/documents');
    expect(all.status).toBe(200);
    expect(all.body.documents).toHaveLength(1);
    expect(all.body.documents[0].files[0]).toEqual({
      id: expect.any(String),
      name: 'заявление',
      extension: 'txt',
      fileName: 'заявление.txt',
      size: bytes.length,
      sha256: sha256(bytes),
      mediaType: null,
      description: '',
    });
    expect(all.body.documents[0].visibleToReadsAt).toBe(new Date(T0 + 1000).toISOString());
    const one = await admin('GET', `/documents/${id}?withContent=1`);
    expect(Buffer.from(one.body.files[0].contentBase64, 'base64').equals(bytes)).toBe(true);
    expect((await admin('GET', '/documents?type=DMOutgoingDocument')).body.documents).toEqual([]);
  });

  it('register takes an explicit number and date; a second register is 409', async () => {
    const id = await createDoc();
    const r = dm.clerk.register(id, { number: '01-15/777', date: '2026-04-03T09:00:00' });
    expect(r).toMatchObject({ regNumber: '01-15/777', regDate: '2026-04-03T09:00:00' });
    expect((await admin('POST', `/documents/${id}/register`, {})).status).toBe(409);
    const second = await createDoc();
    expect(dm.clerk.register(second).regNumber).toBe('ВХ-2026-000001');
    const third = await createDoc();
    expect(dm.clerk.register(third).regNumber).toBe('ВХ-2026-000002');
  });

  it('answers 404 JSON for unknown ids and 400 for bad input', async () => {
    const missing = randomUUID();
    for (const [method, path, body] of [
      ['GET', `/documents/${missing}`, undefined],
      ['POST', `/documents/${missing}/register`, {}],
      ['POST', `/documents/${missing}/assign`, { responsible: 'X' }],
      ['POST', `/documents/${missing}/status`, { state: 'Исполнен' }],
      ['POST', `/documents/${missing}/answer`, { text: 'x' }],
    ] as const) {
      const r = await admin(method, path, body);
      expect(r.status).toBe(404);
      expect(r.body.error).toMatch(/no document/);
    }
    const id = await createDoc();
    expect((await admin('POST', `/documents/${id}/status`, { state: 'Done' })).body.error).toMatch(/Новый, Зарегистрирован/);
    expect((await admin('POST', `/documents/${id}/status`, { state: 'Done' })).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/assign`, {})).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/assign`, { responsible: 'A', extra: 1 })).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/answer`, { text: '' })).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/answer`, { text: 'ok', files: [{ name: 'a.pdf', contentBase64: '***' }] })).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/register`, '{"number":')).status).toBe(400);
    expect((await admin('POST', `/documents/%E0%A4%A/register`, {})).status).toBe(400);
    expect(() => dm.clerk.status(randomUUID(), 'Исполнен')).toThrow(MockAdminError);
  });

  it('a second answer is 409; status works on the outgoing document as well', async () => {
    const id = await createDoc();
    const { answer } = dm.clerk.answer(id, { text: 'Ответ' });
    expect(() => dm.clerk.answer(id, { text: 'Ещё ответ' })).toThrow(expect.objectContaining({ status: 409 }));
    expect(dm.clerk.status(answer.id, 'Отправлен').state).toBe('Отправлен');
    expect(() => dm.clerk.register(answer.id)).toThrow(expect.objectContaining({ status: 409 }));
  });

  it('every clerk change bumps modificationDateUniversal', async () => {
    const id = await createDoc();
    const stamps = [dm.clerk.document(id).modificationDateUniversal];
    for (const act of [() => dm.clerk.register(id), () => dm.clerk.assign(id, 'Коваленко'), () => dm.clerk.status(id, 'НаРассмотрении'), () => dm.clerk.answer(id, { text: 'x' }).incoming]) {
      now += 1000;
      stamps.push(act().modificationDateUniversal);
    }
    expect(new Set(stamps).size).toBe(5);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('/__admin/quirks reads and switches quirks; reset restores them and clears documents', async () => {
    await createDoc();
    expect((await admin('GET', '/quirks')).body).toEqual({
      visibilityDelayMs: 1000,
      ignoreFilters: false,
      maxListSize: 100,
      duplicateCreate: 'return-existing',
      soapActionCheck: true,
      responsePrefix: 'm',
    });
    expect((await admin('POST', '/quirks', { ignoreFilters: true, maxListSize: 5 })).body).toMatchObject({ ignoreFilters: true, maxListSize: 5 });
    expect((await admin('POST', '/quirks', { ignoreFilter: true })).status).toBe(400);
    expect((await admin('POST', '/quirks', { toString: 1 })).status).toBe(400);
    expect((await admin('POST', '/quirks', { duplicateCreate: 'maybe' })).status).toBe(400);
    expect((await admin('POST', '/reset')).status).toBe(204);
    expect(dm.quirks.get().ignoreFilters).toBe(false);
    expect(dm.clerk.documents()).toEqual([]);
  });
});
