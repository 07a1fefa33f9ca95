import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { start1cDocflowMock, type RunningDocflowMock } from './index';
import { addFile, call, createIncoming, envelope, fileList, list, retrieve, type Cond } from './dm-soap.fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const T0 = Date.parse('2026-03-10T09:00:00.000Z');

describe('1C DMService mock: documents, files, lists', () => {
  let dm: RunningDocflowMock;
  let now = T0;
  const advance = (ms: number) => (now += ms);

  beforeAll(async () => {
    dm = await start1cDocflowMock({ clock: () => now });
  });
  afterAll(() => dm.close());
  beforeEach(() => {
    dm.admin.reset();
    now = T0;
    dm.quirks.set({ visibilityDelayMs: 0 });
  });

  const create = async (id: string = randomUUID(), o: Parameters<typeof createIncoming>[1] = {}) => {
    const r = await call(dm.url, createIncoming(id, o));
    expect(r.status).toBe(200);
    return r;
  };

  describe('DMCreateRequest', () => {
    it('creates an incoming document with the client GUID and externalObject', async () => {
      const id = randomUUID().toUpperCase();
      const r = await create(id, { ext: 'kyiv:case-42', title: 'Обращение о ремонте дороги', summary: 'Яма на ул. Крещатик' });
      expect(r.ret['@type']).toBe('m:DMCreateResponse');
      const o = r.ret.object;
      expect(o['@type']).toBe('m:DMIncomingDocument');
      expect(o.objectID.id).toBe(id.toLowerCase());
      expect(o.objectID.type).toBe('DMIncomingDocument');
      expect(o.objectID.navigationRef).toMatch(/^e1cib\/data\/Справочник\.ВходящиеДокументы\?ref=[0-9a-f]{32}$/);
      expect(o.externalObject).toEqual({ id: 'kyiv:case-42', type: 'cabinet-hub.appeal', name: 'Обращение kyiv:case-42' });
      expect(o.name).toBe('Обращение о ремонте дороги');
      expect(o.title).toBe('Обращение о ремонте дороги');
      expect(o.summary).toBe('Яма на ул. Крещатик');
      expect(o.sender.name).toBe('Иванов Иван Иванович');
      expect(o.sender.objectID.type).toBe('DMCorrespondent');
      expect(o.incomingNumber).toBe('KYIV-1');
      expect(o.incomingDate).toBe('2026-03-01T10:15:00');
      expect(o.regNumber).toBe('');
      expect(o.regDate).toBe('0001-01-01T00:00:00');
      expect(o.state.objectID).toEqual({ id: 'Новый', type: 'DMDocumentState' });
      expect(o.modificationDateUniversal).toBe('2026-03-10T09:00:00');
      expect(o.responsible).toBeUndefined();
      expect(o.answerDocument).toBeUndefined();
    });

    it('a second create with the same GUID returns the existing document (default mode)', async () => {
      const id = randomUUID();
      await create(id, { title: 'Первое' });
      advance(5000);
      const again = await create(id, { title: 'Второе' });
      expect(again.ret.object.objectID.id).toBe(id);
      expect(again.ret.object.title).toBe('Первое');
      expect(again.ret.object.modificationDateUniversal).toBe('2026-03-10T09:00:00');
      expect(dm.clerk.documents()).toHaveLength(1);
    });

    it('a second create with the same GUID is a DMError with "уже существует" in \'error\' mode', async () => {
      dm.quirks.set({ duplicateCreate: 'error' });
      const id = randomUUID();
      await create(id);
      const again = await call(dm.url, createIncoming(id));
      expect(again.status).toBe(200);
      expect(again.ret['@type']).toBe('m:DMError');
      expect(again.ret.subject).toBe('Ошибка записи объекта');
      expect(again.ret.description).toContain('уже существует');
      expect(again.ret.description).toContain(id);
    });

    it('generates a GUID when none (or the zero GUID) is given', async () => {
      const r = await create('00000000-0000-0000-0000-000000000000');
      expect(r.ret.object.objectID.id).toMatch(/^[0-9a-f]{8}-/);
      expect(r.ret.object.objectID.id).not.toBe('00000000-0000-0000-0000-000000000000');
    });

    it('refuses a missing title, a malformed GUID, a zoned date and misspelt properties', async () => {
      const noTitle = await call(dm.url, createIncoming(randomUUID(), { title: '' }));
      expect(noTitle.ret).toMatchObject({ '@type': 'm:DMError', description: 'Поле "Заголовок" не заполнено.' });
      const badId = await call(dm.url, createIncoming('not-a-guid'));
      expect(badId.ret.description).toMatch(/Неверный формат уникального идентификатора/);
      const zoned = await call(dm.url, createIncoming(randomUUID(), { date: '2026-03-01T10:15:00Z' }));
      expect(zoned.status).toBe(500);
      expect(zoned.fault?.faultstring).toMatch(/dateTime.*без часового пояса/);
      const typo = await call(dm.url, createIncoming(randomUUID(), { extra: '<m:incommingNumber>1</m:incommingNumber>' }));
      expect(typo.status).toBe(500);
      expect(typo.fault?.faultstring).toMatch(/свойство не найдено.*incommingNumber/);
      const outgoing = await call(dm.url, envelope('DMCreateRequest', `<m:object xsi:type="m:DMOutgoingDocument"><m:title>x</m:title></m:object>`));
      expect(outgoing.ret['@type']).toBe('m:DMError');
      expect(dm.clerk.documents()).toHaveLength(0);
    });

    it('accepts ObjectID as well as objectID, and ignores server-managed fields a client echoes', async () => {
      const id = randomUUID();
      const xml = createIncoming(id, { extra: '<m:regNumber>X</m:regNumber><m:organization><m:name>Мэрия</m:name></m:organization>' })
        .replace('<m:objectID>', '<m:ObjectID>')
        .replace('</m:objectID>', '</m:ObjectID>');
      const r = await call(dm.url, xml);
      expect(r.ret.object.objectID.id).toBe(id);
      expect(r.ret.object.regNumber).toBe('');
      expect(r.text).not.toContain('ObjectID');
    });

    it('keeps text byte for byte: entities, character references, CDATA, Cyrillic and line breaks', async () => {
      const id = randomUUID();
      const summary = 'Строка 1&#13;\nСтрока 2 &lt;b&gt; &amp; &#x41;&#1071; <![CDATA[<i>как есть</i> &amp;]]>';
      const r = await call(dm.url, createIncoming(id, { summary }));
      const expected = 'Строка 1\r\nСтрока 2 <b> & AЯ <i>как есть</i> &amp;';
      expect(dm.clerk.document(id).summary).toBe(expected);
      expect(r.text).toContain('Строка 1&#13;\nСтрока 2 &lt;b&gt; &amp; AЯ &lt;i&gt;как есть&lt;/i&gt; &amp;amp;');
    });
  });

  describe('DMAddFileRequest', () => {
    it('stores the decoded bytes exactly (sha256 equal) and answers with the DMFile', async () => {
      const id = randomUUID();
      await create(id);
      const bytes = randomBytes(300_000);
      const fileId = randomUUID();
      const r = await call(dm.url, addFile(id, fileId, bytes, { name: 'Скан обращения', ext: 'pdf' }));
      expect(r.ret['@type']).toBe('m:DMAddFileResponse');
      expect(r.ret.file).toMatchObject({ name: 'Скан обращения', extension: 'pdf', size: String(bytes.length) });
      expect(r.ret.file.objectID).toMatchObject({ id: fileId, type: 'DMFile' });
      expect(r.ret.file.owner.objectID.id).toBe(id);
      expect(r.ret.file.binaryData).toBeUndefined();
      const [stored] = dm.clerk.document(id).files;
      expect(stored).toMatchObject({ id: fileId, fileName: 'Скан обращения.pdf', size: bytes.length, sha256: sha256(bytes) });
      expect(dm.clerk.document(id, { withContent: true }).files[0].contentBase64).toBe(bytes.toString('base64'));
    });

    it('handles a 12 MB file within the body cap, byte-exact', async () => {
      const id = randomUUID();
      await create(id);
      const bytes = randomBytes(12 * 1024 * 1024);
      const t0 = Date.now();
      const r = await call(dm.url, addFile(id, randomUUID(), bytes));
      expect(r.status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(dm.clerk.document(id).files[0].sha256).toBe(sha256(bytes));
    }, 30_000);

    it('splits the extension off a name that carries it, and accepts wrapped base64', async () => {
      const id = randomUUID();
      await create(id);
      const bytes = Buffer.from('%PDF-1.4 test');
      const wrapped = addFile(id, randomUUID(), bytes, { name: 'Фото.JPG', ext: '' }).replace(bytes.toString('base64'), bytes.toString('base64').replace(/(.{8})/g, '$1\r\n'));
      const r = await call(dm.url, wrapped);
      expect(r.ret.file).toMatchObject({ name: 'Фото', extension: 'JPG' });
      expect(dm.clerk.document(id).files[0].sha256).toBe(sha256(bytes));
    });

    it('refuses a size mismatch with a DMError, and stores nothing', async () => {
      const id = randomUUID();
      await create(id);
      const r = await call(dm.url, addFile(id, randomUUID(), Buffer.from('hello'), { size: 6 }));
      expect(r.status).toBe(200);
      expect(r.ret['@type']).toBe('m:DMError');
      expect(r.ret.description).toBe('Размер файла "scan.pdf" (5 байт) не совпадает с указанным размером (6 байт).');
      expect(dm.clerk.document(id).files).toEqual([]);
    });

    it('refuses an unknown owner ("Объект не найден") and invalid base64 (Fault)', async () => {
      const r = await call(dm.url, addFile(randomUUID(), randomUUID(), Buffer.from('x')));
      expect(r.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Объект не найден' });
      expect(r.ret.description).toContain('не найден');
      const id = randomUUID();
      await create(id);
      const bad = await call(dm.url, addFile(id, randomUUID(), Buffer.from('abc')).replace('YWJj', 'Y*Jj'));
      expect(bad.status).toBe(500);
      expect(bad.fault?.faultstring).toMatch(/base64Binary/);
    });

    it('attaching a file right after create works even while reads cannot see the document yet', async () => {
      dm.quirks.set({ visibilityDelayMs: 1000 });
      const id = randomUUID();
      await create(id);
      const r = await call(dm.url, addFile(id, randomUUID(), Buffer.from('now')));
      expect(r.ret['@type']).toBe('m:DMAddFileResponse');
    });
  });

  describe('DMRetrieveRequest', () => {
    it('returns objects in request order; file binaryData only when asked in columnSet', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await create(a, { title: 'A' });
      await create(b, { title: 'B' });
      const bytes = randomBytes(1000);
      const fileId = randomUUID();
      await call(dm.url, addFile(a, fileId, bytes));

      const docs = await call(
        dm.url,
        retrieve([
          [b, 'DMIncomingDocument'],
          [a, 'DMIncomingDocument'],
        ]),
      );
      expect(docs.ret['@type']).toBe('m:DMRetrieveResponse');
      expect(docs.ret.objects.map((o: { title: string }) => o.title)).toEqual(['B', 'A']);

      const without = await call(dm.url, retrieve([[fileId, 'DMFile']]));
      expect(without.ret.objects[0].size).toBe('1000');
      expect(without.ret.objects[0].binaryData).toBeUndefined();

      const withData = await call(dm.url, retrieve([[fileId, 'DMFile']], ['name', 'size', 'binaryData']));
      const f = withData.ret.objects[0];
      expect(Buffer.from(f.binaryData, 'base64').equals(bytes)).toBe(true);
      expect(
        Object.keys(f)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['binaryData', 'name', 'objectID', 'size']);
    });

    it('restricts document properties to the columnSet (name and objectID always)', async () => {
      const id = randomUUID();
      await create(id, { ext: 'k:1' });
      const r = await call(dm.url, retrieve([[id, 'DMIncomingDocument']], ['state', 'regNumber']));
      expect(
        Object.keys(r.ret.objects[0])
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['name', 'objectID', 'regNumber', 'state']);
    });

    it('answers "Объект не найден" for a missing id or a wrong type', async () => {
      const id = randomUUID();
      await create(id);
      const missing = await call(dm.url, retrieve([[randomUUID(), 'DMIncomingDocument']]));
      expect(missing.status).toBe(200);
      expect(missing.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Объект не найден' });
      const wrongType = await call(dm.url, retrieve([[id, 'DMOutgoingDocument']]));
      expect(wrongType.ret.subject).toBe('Объект не найден');
    });
  });

  describe('DMGetObjectListRequest', () => {
    const ids = async (r: Awaited<ReturnType<typeof call>>) => (r.ret.items ?? []).map((i: { object: { objectID: { id: string } } }) => i.object.objectID.id);

    it('filters by externalObject (DMObjectID value) and by externalObject.id (xs:string)', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await create(a, { ext: 'kyiv:1' });
      await create(b, { ext: 'kyiv:2' });
      const byRef = await call(dm.url, list('DMIncomingDocument', [['externalObject', 'm:DMObjectID', '<m:id>kyiv:2</m:id><m:type>cabinet-hub.appeal</m:type>']]));
      expect(byRef.ret['@type']).toBe('m:DMGetObjectListResponse');
      expect(await ids(byRef)).toEqual([b]);
      expect(byRef.ret.tooManyObjects).toBe('false');
      const byId = await call(dm.url, list('DMIncomingDocument', [['externalObject.id', 'xs:string', 'KYIV:1']]));
      expect(await ids(byId)).toEqual([a]);
      const wrongType = await call(dm.url, list('DMIncomingDocument', [['externalObject', 'm:DMObjectID', '<m:id>kyiv:2</m:id><m:type>other</m:type>']]));
      expect(await ids(wrongType)).toEqual([]);
    });

    it('polls "what changed since" with modificationDateUniversal >= (and <=), oldest first', async () => {
      const a = randomUUID();
      const b = randomUUID();
      await create(a);
      advance(60_000);
      await create(b);
      advance(60_000);
      dm.clerk.register(a);
      const since = (t: string): Cond[] => [['modificationDateUniversal', 'xs:dateTime', t, '>=']];
      expect(await ids(await call(dm.url, list('DMIncomingDocument', since('2026-03-10T09:00:30'))))).toEqual([b, a]);
      expect(await ids(await call(dm.url, list('DMIncomingDocument', since('2026-03-10T09:02:00'))))).toEqual([a]);
      expect(await ids(await call(dm.url, list('DMIncomingDocument', since('2026-03-10T09:02:01'))))).toEqual([]);
      const upTo: Cond[] = [['modificationDateUniversal', 'xs:dateTime', '2026-03-10T09:01:00', '<=']];
      expect(await ids(await call(dm.url, list('DMIncomingDocument', upTo)))).toEqual([b]);
    });

    it('supports LIKE, name without operator (%…%), state and dm:DMObjectID with another prefix', async () => {
      const a = randomUUID();
      await create(a, { title: 'Жалоба на шум' });
      await create(randomUUID(), { title: 'Предложение' });
      expect(await ids(await call(dm.url, list('DMIncomingDocument', [['title', 'xs:string', 'жалоба%', 'LIKE']])))).toEqual([a]);
      expect(await ids(await call(dm.url, list('DMIncomingDocument', [['name', 'xs:string', 'на ш']])))).toEqual([a]);
      dm.clerk.status(a, 'НаИсполнении');
      const state = list('DMIncomingDocument', [['state', 'dm:DMObjectID', '<dm:id>НаИсполнении</dm:id><dm:type>DMDocumentState</dm:type>']]).replace(
        '<m:request ',
        '<m:request xmlns:dm="http://www.1c.ru/dm" ',
      );
      expect(await ids(await call(dm.url, state))).toEqual([a]);
      expect(await ids(await call(dm.url, list('DMIncomingDocument', [['deletionMark', 'xs:boolean', 'false']])))).toHaveLength(2);
    });

    it('answers DMError for unknown properties, operators, mismatched value types and types', async () => {
      const prop = await call(dm.url, list('DMIncomingDocument', [['color', 'xs:string', 'red']]));
      expect(prop.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Ошибка получения списка объектов' });
      expect(prop.ret.description).toMatch(/не поддерживается/);
      const op = await call(dm.url, list('DMIncomingDocument', [['title', 'xs:string', 'x', 'BETWEEN']]));
      expect(op.ret.description).toMatch(/оператор/);
      const mismatch = await call(dm.url, list('DMIncomingDocument', [['modificationDateUniversal', 'xs:string', '2026']]));
      expect(mismatch.ret.description).toMatch(/xs:dateTime/);
      const type = await call(dm.url, list('DMTask'));
      expect(type.ret['@type']).toBe('m:DMError');
    });

    it('cuts at limit or at maxListSize with tooManyObjects=true', async () => {
      dm.quirks.set({ maxListSize: 3 });
      for (let i = 0; i < 5; i++) {
        await create(randomUUID());
        advance(1000);
      }
      const capped = await call(dm.url, list('DMIncomingDocument'));
      expect(capped.ret.items).toHaveLength(3);
      expect(capped.ret.tooManyObjects).toBe('true');
      const limited = await call(dm.url, list('DMIncomingDocument', [], { limit: 2 }));
      expect(limited.ret.items).toHaveLength(2);
      expect(limited.ret.tooManyObjects).toBe('true');
      dm.quirks.set({ maxListSize: 100 });
      const exact = await call(dm.url, list('DMIncomingDocument', [], { limit: 5 }));
      expect(exact.ret.items).toHaveLength(5);
      expect(exact.ret.tooManyObjects).toBe('false');
    });

    it('in ignore-filters mode returns every object of the type, ignoring conditions and limit', async () => {
      for (let i = 0; i < 4; i++) await create(randomUUID(), { ext: `kyiv:${i}` });
      dm.quirks.set({ ignoreFilters: true, maxListSize: 2 });
      const r = await call(dm.url, list('DMIncomingDocument', [['externalObject.id', 'xs:string', 'kyiv:1']], { limit: 1 }));
      expect(r.ret.items).toHaveLength(4);
      expect(r.ret.tooManyObjects).toBe('false');
    });

    it('applies columnSet to list items', async () => {
      await create(randomUUID());
      const r = await call(dm.url, list('DMIncomingDocument', [], { columns: ['modificationDateUniversal'] }));
      expect(
        Object.keys(r.ret.items[0].object)
          .filter((k) => !k.startsWith('@'))
          .sort(),
      ).toEqual(['modificationDateUniversal', 'name', 'objectID']);
    });

    it('lists files by owner (DMFile type with an owner condition)', async () => {
      const id = randomUUID();
      await create(id);
      const f1 = randomUUID();
      await call(dm.url, addFile(id, f1, Buffer.from('1')));
      const other = randomUUID();
      await create(other);
      await call(dm.url, addFile(other, randomUUID(), Buffer.from('2')));
      const r = await call(dm.url, list('DMFile', [['owner', 'm:DMObjectID', `<m:id>${id}</m:id><m:type>DMIncomingDocument</m:type>`]]));
      expect(await ids(r)).toEqual([f1]);
    });
  });

  describe('DMGetFileListByOwnerRequest', () => {
    it('returns the owner’s files without content; unknown owner is "Объект не найден"', async () => {
      const id = randomUUID();
      await create(id);
      await call(dm.url, addFile(id, randomUUID(), Buffer.from('one'), { name: 'a', ext: 'txt' }));
      await call(dm.url, addFile(id, randomUUID(), Buffer.from('three'), { name: 'b', ext: 'txt' }));
      const r = await call(dm.url, fileList(id, 'DMIncomingDocument'));
      expect(r.ret['@type']).toBe('m:DMGetFileListByOwnerResponse');
      expect(r.ret.files.map((f: { name: string; size: string }) => [f.name, f.size])).toEqual([
        ['a', '3'],
        ['b', '5'],
      ]);
      expect(r.ret.files[0].binaryData).toBeUndefined();
      expect(r.ret.files[0]['@type']).toBe('m:DMFile');
      const none = await call(dm.url, fileList(randomUUID(), 'DMIncomingDocument'));
      expect(none.ret.subject).toBe('Объект не найден');
    });
  });

  describe('eventual visibility', () => {
    it('a new document is invisible to reads for visibilityDelayMs, then appears', async () => {
      dm.quirks.set({ visibilityDelayMs: 1000 });
      const id = randomUUID();
      const created = await create(id, { ext: 'kyiv:vis' });
      expect(created.ret.object.objectID.id).toBe(id);
      const byExt: Cond[] = [['externalObject.id', 'xs:string', 'kyiv:vis']];
      expect((await call(dm.url, retrieve([[id, 'DMIncomingDocument']]))).ret.subject).toBe('Объект не найден');
      expect((await call(dm.url, list('DMIncomingDocument', byExt))).ret.items).toBeUndefined();
      advance(999);
      expect((await call(dm.url, retrieve([[id, 'DMIncomingDocument']]))).ret['@type']).toBe('m:DMError');
      advance(1);
      expect((await call(dm.url, retrieve([[id, 'DMIncomingDocument']]))).ret.objects[0].objectID.id).toBe(id);
      expect((await call(dm.url, list('DMIncomingDocument', byExt))).ret.items).toHaveLength(1);
    });

    it('after a change, reads return the previous version until the delay has passed', async () => {
      const id = randomUUID();
      await create(id);
      dm.quirks.set({ visibilityDelayMs: 1000 });
      advance(10_000);
      dm.clerk.register(id);
      const stale = await call(dm.url, retrieve([[id, 'DMIncomingDocument']]));
      expect(stale.ret.objects[0].regNumber).toBe('');
      expect(stale.ret.objects[0].state.objectID.id).toBe('Новый');
      const since: Cond[] = [['modificationDateUniversal', 'xs:dateTime', '2026-03-10T09:00:10', '>=']];
      expect((await call(dm.url, list('DMIncomingDocument', since))).ret.items).toBeUndefined();
      advance(1000);
      const fresh = await call(dm.url, retrieve([[id, 'DMIncomingDocument']]));
      expect(fresh.ret.objects[0].regNumber).toBe('ВХ-2026-000001');
      expect((await call(dm.url, list('DMIncomingDocument', since))).ret.items).toHaveLength(1);
    });

    it('really waits in real time with the default delay of 1 s', async () => {
      const real = await start1cDocflowMock();
      try {
        expect(real.quirks.get().visibilityDelayMs).toBe(1000);
        const id = randomUUID();
        await call(real.url, createIncoming(id));
        expect((await call(real.url, retrieve([[id, 'DMIncomingDocument']]))).ret['@type']).toBe('m:DMError');
        await new Promise((r) => setTimeout(r, 1100));
        expect((await call(real.url, retrieve([[id, 'DMIncomingDocument']]))).ret['@type']).toBe('m:DMRetrieveResponse');
      } finally {
        await real.close();
      }
    });
  });
});
