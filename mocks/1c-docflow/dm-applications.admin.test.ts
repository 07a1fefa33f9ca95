import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MockAdminError } from '../_kit';
import { start1cDocflowMock, type AdminDocument, type RunningDocflowMock } from './index';
import { addFile, applicationProps, call, createIncoming, createInternal, envelope, fileList, list, oid, retrieve, type Cond } from './dm-soap.fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const T0 = Date.parse('2026-03-10T10:00:00.000Z');
const KIND = 'Заявка на технологическое присоединение';
const PROPS: [string, string][] = [
  ['Тип заявки', 'technical-conditions'],
  ['Тип снабжения', 'heat'],
  ['Телефон', '+79110000017'],
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface PropXml {
  name: string;
  objectID: { id: string; type: string };
  propertySimpleValue: { '#text'?: string; '@type': string };
}

interface StateXml {
  state: { name: string; objectID: { id: string; type: string } };
  date: string;
  author: { '@type': string; name: string; objectID: { id: string; type: string } };
  comment: string;
}

describe('1C DMService mock: utility-connection applications', () => {
  let dm: RunningDocflowMock;
  let now = T0;

  beforeAll(async () => {
    dm = await start1cDocflowMock({ clock: () => now });
  });
  afterAll(() => dm.close());
  beforeEach(() => {
    dm.admin.reset();
    now = T0;
    dm.quirks.set({ visibilityDelayMs: 0 });
  });

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${dm.baseUrl}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const fileIn = (r: { extension: string; name: string }) => `${r.name}.${r.extension}`;
  const application = async (id = randomUUID(), props: [string, string][] = PROPS) => {
    const r = await call(dm.url, createIncoming(id, { ext: `novg:${id}`, title: 'Заявка на выдачу ТУ', sender: 'ООО «Северный дом»', extra: applicationProps(KIND, props) }));
    expect(r.ret['@type']).toBe('m:DMCreateResponse');
    return { id, created: r.ret.object };
  };
  const retrieveOne = async (id: string, type: string, columns: string[] = []) => {
    const r = await call(dm.url, retrieve([[id, type]], columns));
    expect(r.ret['@type']).toBe('m:DMRetrieveResponse');
    return r.ret.objects[0];
  };

  describe('DMCreateRequest with documentType and additionalProperties', () => {
    it('stores both and returns them, properties in order; the first state entry is the SOAP user creating it', async () => {
      const { id, created } = await application();
      expect(created.documentType).toMatchObject({ '@type': 'm:DMDocumentType', name: KIND, objectID: { type: 'DMDocumentType' } });
      expect(created.documentType.objectID.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.additionalProperties).toEqual(
        PROPS.map(([name, value]) => ({ name, objectID: { id: expect.stringMatching(GUID) as string, type: 'DMAdditionalProperty' }, propertySimpleValue: { '#text': value, '@type': 'xs:string' } })),
      );
      const propIds = (created.additionalProperties as PropXml[]).map((p) => p.objectID.id);
      expect(new Set(propIds).size).toBe(PROPS.length);
      const me = (await call(dm.url, envelope('DMGetCurrentUserRequest'))).ret.user;
      expect(created.states).toHaveLength(1);
      const [first] = created.states as StateXml[];
      expect(first.state).toMatchObject({ '@type': 'm:DMDocumentState', name: 'Новый', objectID: { id: 'Новый', type: 'DMDocumentState' } });
      expect(first.date).toBe('2026-03-10T13:00:00');
      expect(first.author).toMatchObject({ '@type': 'm:DMUser', name: me.name, objectID: { id: me.objectID.id, type: 'DMUser' } });
      expect(first.comment).toBe('');

      // Wire order: state, states, modificationDateUniversal, additionalProperties, sender; documentType after summary.
      const xml = (await call(dm.url, retrieve([[id, 'DMIncomingDocument']]))).text;
      const at = (s: string) => xml.indexOf(s);
      expect(at('<m:summary>')).toBeLessThan(at('<m:documentType'));
      expect(at('<m:documentType')).toBeLessThan(at('<m:regNumber'));
      expect(at('<m:state xsi:type')).toBeLessThan(at('<m:states>'));
      expect(at('</m:states>')).toBeLessThan(at('<m:modificationDateUniversal>'));
      expect(at('<m:modificationDateUniversal>')).toBeLessThan(at('<m:additionalProperties>'));
      expect(at('</m:additionalProperties><m:sender')).toBeGreaterThan(0);
      expect(xml).toContain('<m:comment/>');
      expect(xml).toContain(
        `<m:additionalProperties><m:name>Тип снабжения</m:name><m:objectID><m:id>${propIds[1]}</m:id><m:type>DMAdditionalProperty</m:type></m:objectID>` +
          '<m:propertySimpleValue xsi:type="xs:string">heat</m:propertySimpleValue></m:additionalProperties>',
      );
      expect(xml).not.toContain('<m:property>');

      const view = dm.clerk.document(id);
      expect(view.documentType).toMatchObject({ name: KIND, type: 'DMDocumentType' });
      expect(view.additionalProperties).toEqual(PROPS.map(([name, value], i) => ({ name, id: propIds[i], value })));
      expect(view.states).toEqual([{ state: 'Новый', stateName: 'Новый', date: '2026-03-10T13:00:00', author: { id: me.objectID.id, type: 'DMUser', name: me.name }, comment: '' }]);
    });

    it('finds the document type by name (one GUID for every document of that kind), or by objectID alone', async () => {
      const a = (await application()).created.documentType.objectID.id;
      const b = (await application()).created.documentType.objectID.id;
      expect(b).toBe(a);
      const byId = await call(
        dm.url,
        createIncoming(randomUUID(), { extra: `<m:documentType xsi:type="m:DMInternalDocumentType"><m:name xsi:nil="true"/>${oid(a, 'DMDocumentType')}</m:documentType>` }),
      );
      expect(byId.ret.object.documentType).toMatchObject({ name: KIND, objectID: { id: a } });
      const unknown = await call(dm.url, createIncoming(randomUUID(), { extra: `<m:documentType>${oid(randomUUID(), 'DMDocumentType')}</m:documentType>` }));
      expect(unknown.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Объект не найден' });
      expect(unknown.ret.description).toMatch(/DMDocumentType/);
    });

    it('finds each property by name (one GUID per name across documents), or by objectID alone; keeps the order sent and each value type', async () => {
      const first = (await application()).created.additionalProperties as PropXml[];
      const ids = new Map(first.map((p) => [p.name, p.objectID.id]));
      // Another order, a name in another case, the same name twice, typed values, an empty and a nil value.
      const prop = (inner: string, attrs = '') => `<m:additionalProperties${attrs}>${inner}</m:additionalProperties>`;
      const value = (type: string | null, v: string) =>
        type === null ? `<m:propertySimpleValue>${v}</m:propertySimpleValue>` : `<m:propertySimpleValue xsi:type="${type}">${v}</m:propertySimpleValue>`;
      const r = await call(
        dm.url,
        createIncoming(randomUUID(), {
          extra:
            prop(`<m:name>Телефон</m:name>${value('xs:string', '+79110000099')}`) +
            prop(`<m:name>тип заявки</m:name>${oid(ids.get('Тип заявки') ?? '', 'DMAdditionalProperty')}${value('xs:string', 'connection-contract')}`, ' xsi:type="m:DMAdditionalProperty"') +
            prop(`<m:name xsi:nil="true"/><m:ObjectID><m:id>${(ids.get('Тип снабжения') ?? '').toUpperCase()}</m:id><m:type>DMAdditionalProperty</m:type></m:ObjectID>${value(null, 'cold-water')}`) +
            prop(`<m:name>Дата обследования</m:name>${value('xs:dateTime', ' 2026-03-12T09:30:00 ')}`) +
            prop(`<m:name>Нагрузка, Гкал/ч</m:name>${value('xs:decimal', '0.125')}`) +
            prop(`<m:name>Телефон</m:name>${value('xs:string', '')}`) +
            prop(`<m:name>Согласие на обработку</m:name>${value('xs:boolean', 'true')}`) +
            prop('<m:name>Примечание</m:name><m:propertySimpleValue xsi:nil="true"/>') +
            prop('<m:name>Без значения</m:name>'),
        }),
      );
      expect(r.ret['@type']).toBe('m:DMCreateResponse');
      const props = r.ret.object.additionalProperties as PropXml[];
      expect(props.map((p) => [p.name, p.propertySimpleValue['@type'], p.propertySimpleValue['#text'] ?? ''])).toEqual([
        ['Телефон', 'xs:string', '+79110000099'],
        ['Тип заявки', 'xs:string', 'connection-contract'],
        ['Тип снабжения', 'xs:string', 'cold-water'],
        ['Дата обследования', 'xs:dateTime', '2026-03-12T09:30:00'],
        ['Нагрузка, Гкал/ч', 'xs:decimal', '0.125'],
        ['Телефон', 'xs:string', ''],
        ['Согласие на обработку', 'xs:boolean', 'true'],
        ['Примечание', 'xs:string', ''],
        ['Без значения', 'xs:string', ''],
      ]);
      for (const p of props) expect(p.objectID).toEqual({ id: expect.stringMatching(GUID) as string, type: 'DMAdditionalProperty' });
      expect(props[0].objectID.id).toBe(ids.get('Телефон'));
      expect(props[1].objectID.id).toBe(ids.get('Тип заявки'));
      expect(props[2].objectID.id).toBe(ids.get('Тип снабжения'));
      expect(props[5].objectID.id).toBe(ids.get('Телефон'));
      expect(new Set(props.slice(3).map((p) => p.objectID.id)).size).toBe(6);
      expect(r.text).toContain('<m:propertySimpleValue xsi:type="xs:dateTime">2026-03-12T09:30:00</m:propertySimpleValue>');
      expect(r.text).toContain('<m:name>Примечание</m:name>');
      expect(r.text).toMatch(/<m:name>Примечание<\/m:name><m:objectID>.*?<\/m:objectID><m:propertySimpleValue xsi:type="xs:string"\/>/);

      const id = r.ret.object.objectID.id as string;
      const read = (await retrieveOne(id, 'DMIncomingDocument', ['additionalProperties'])).additionalProperties as PropXml[];
      expect(read).toEqual(props);
      expect(dm.clerk.document(id).additionalProperties).toEqual(props.map((p) => ({ name: p.name, id: p.objectID.id, value: p.propertySimpleValue['#text'] ?? '' })));

      // A new name with the client's GUID keeps that GUID; an unknown objectID alone is a DMError.
      const mine = randomUUID();
      const withMine = await call(
        dm.url,
        createIncoming(randomUUID(), { extra: prop(`<m:name>Кадастровый номер</m:name>${oid(mine.toUpperCase(), 'DMAdditionalProperty')}${value('xs:string', '53:23:0000000:1')}`) }),
      );
      expect(withMine.ret.object.additionalProperties[0].objectID.id).toBe(mine);
      const unknown = await call(dm.url, createIncoming(randomUUID(), { extra: prop(`${oid(randomUUID(), 'DMAdditionalProperty')}${value('xs:string', 'x')}`) }));
      expect(unknown.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Объект не найден' });
      expect(unknown.ret.description).toMatch(/DMAdditionalProperty/);
    });

    it('refuses the old property/value shape, other value types, bad values, a property without a name or objectID, wrong types and misspelt children (XDTO Faults)', async () => {
      const bad = async (extra: string, re: RegExp) => {
        const r = await call(dm.url, createIncoming(randomUUID(), { extra }));
        expect(r.status).toBe(500);
        expect(r.fault?.faultstring).toMatch(re);
      };
      const xdto = (prop: string) => new RegExp(`^Ошибка преобразования данных XDTO: свойство не найдено\\. Тип: \\{http://www\\.1c\\.ru/dm\\}DMAdditionalProperty, свойство: ${prop}$`);
      await bad('<m:additionalProperties><m:property><m:name>Тип снабжения</m:name></m:property><m:value xsi:type="xs:string">heat</m:value></m:additionalProperties>', xdto('property'));
      await bad('<m:additionalProperties><m:name>Тип снабжения</m:name><m:value xsi:type="xs:string">heat</m:value></m:additionalProperties>', xdto('value'));
      await bad('<m:additionalProperties><m:name>Тип снабжения</m:name><m:propertyObjectValue><m:name>x</m:name></m:propertyObjectValue></m:additionalProperties>', xdto('propertyObjectValue'));
      await bad('<m:additionalProperties><m:name>Площадь</m:name><m:propertySimpleValue xsi:type="xs:int">12</m:propertySimpleValue></m:additionalProperties>', /не поддерживается.*xs:string/);
      await bad('<m:additionalProperties><m:name>Площадь</m:name><m:propertySimpleValue xsi:type="m:DMObjectID">12</m:propertySimpleValue></m:additionalProperties>', /не поддерживается/);
      await bad(
        '<m:additionalProperties><m:name>Площадь</m:name><m:propertySimpleValue xsi:type="xs:decimal">12,5</m:propertySimpleValue></m:additionalProperties>',
        /неверное значение типа decimal "12,5"/,
      );
      await bad(
        '<m:additionalProperties><m:name>Дата</m:name><m:propertySimpleValue xsi:type="xs:dateTime">2026-03-12T09:30:00Z</m:propertySimpleValue></m:additionalProperties>',
        /неверное значение типа dateTime/,
      );
      await bad('<m:additionalProperties><m:name>Флаг</m:name><m:propertySimpleValue xsi:type="xs:boolean">да</m:propertySimpleValue></m:additionalProperties>', /неверное значение типа boolean/);
      await bad('<m:additionalProperties><m:name>Текст</m:name><m:propertySimpleValue xsi:type="xs:string"><m:name>x</m:name></m:propertySimpleValue></m:additionalProperties>', /простое значение/);
      await bad(
        '<m:additionalProperties><m:name/><m:propertySimpleValue xsi:type="xs:string">x</m:propertySimpleValue></m:additionalProperties>',
        /не заполнено обязательное свойство.*DMAdditionalProperty, свойство: name/,
      );
      await bad(`<m:additionalProperties><m:name>Тип</m:name>${oid(randomUUID(), 'DMUser')}</m:additionalProperties>`, /не соответствует DMAdditionalProperty/);
      await bad('<m:additionalProperties xsi:type="m:DMUser"><m:name>Тип</m:name></m:additionalProperties>', /не соответствует DMAdditionalProperty/);
      await bad('<m:documentType xsi:type="m:DMUser"><m:name>x</m:name></m:documentType>', /DMDocumentType/);
      expect(dm.clerk.documents()).toEqual([]);
    });

    it('an echoed object (states, relatedDocuments, author) is accepted and those fields ignored', async () => {
      const { id } = await application();
      const echoed = createIncoming(randomUUID(), {
        extra:
          '<m:states><m:state><m:name>Исполнен</m:name></m:state></m:states><m:states/>' + '<m:relatedDocuments><m:name>x</m:name></m:relatedDocuments><m:author><m:name>Кто-то</m:name></m:author>',
      });
      const r = await call(dm.url, echoed);
      expect(r.ret.object.state.objectID.id).toBe('Новый');
      expect(r.ret.object.states).toHaveLength(1);
      expect(r.ret.object.relatedDocuments).toBeUndefined();
      expect(dm.clerk.document(id).states).toHaveLength(1);
    });
  });

  describe('DMInternalDocument', () => {
    it('is created like an incoming document (client GUID, externalObject), with an author, and listed, registered ВН-…, given files', async () => {
      const id = randomUUID();
      const r = await call(dm.url, createInternal(id, { ext: 'novg:int-1', title: 'Заявка на подключение', extra: applicationProps(KIND, [['Тип снабжения', 'cold-water']]) }));
      const o = r.ret.object;
      expect(o['@type']).toBe('m:DMInternalDocument');
      expect(o.objectID).toMatchObject({ id, type: 'DMInternalDocument' });
      expect(o.objectID.navigationRef).toMatch(/^e1cib\/data\/Справочник\.ВнутренниеДокументы\?ref=/);
      expect(o.externalObject).toMatchObject({ id: 'novg:int-1', type: 'cabinet-hub.application' });
      expect(o.documentType.name).toBe(KIND);
      expect(o.additionalProperties).toHaveLength(1);
      expect(o.author).toMatchObject({ '@type': 'm:DMUser', name: 'Портал Интеграция' });
      expect(o.sender).toBeUndefined();
      expect(o.states[0].state.objectID.id).toBe('Новый');

      const withAuthor = await call(dm.url, createInternal(randomUUID(), { extra: '<m:author xsi:type="m:DMUser"><m:name>Сидоров Пётр</m:name></m:author>' }));
      expect(withAuthor.ret.object.author.name).toBe('Сидоров Пётр');
      const withSender = await call(dm.url, createInternal(randomUUID(), { extra: '<m:sender><m:name>x</m:name></m:sender>' }));
      expect(withSender.fault?.faultstring).toMatch(/свойство не найдено.*sender/);

      const listed = await call(dm.url, list('DMInternalDocument', [['externalObject.id', 'xs:string', 'novg:int-1']]));
      expect(listed.ret.items.map((i: { object: { objectID: { id: string } } }) => i.object.objectID.id)).toEqual([id]);
      const byKind = await call(dm.url, list('DMInternalDocument', [['documentType', 'm:DMObjectID', `<m:id>${o.documentType.objectID.id}</m:id><m:type>DMDocumentType</m:type>`]]));
      expect(byKind.ret.items).toHaveLength(1);

      const bytes = randomBytes(500);
      const added = await call(dm.url, addFile(id, randomUUID(), bytes, { name: 'Схема', ext: 'pdf', ownerType: 'DMInternalDocument' }));
      expect(added.ret.file.owner).toMatchObject({ '@type': 'm:DMInternalDocument', objectID: { id } });
      expect((await call(dm.url, fileList(id, 'DMInternalDocument'))).ret.files).toHaveLength(1);

      expect(dm.clerk.register(id).regNumber).toBe('ВН-2026-000001');
      expect((await retrieveOne(id, 'DMInternalDocument', ['regNumber', 'state'])).state.objectID.id).toBe('Зарегистрирован');
    });

    it('follows the duplicateCreate rules; a GUID taken by another type is "уже существует" in either mode', async () => {
      const id = randomUUID();
      await call(dm.url, createInternal(id, { title: 'Первая' }));
      const again = await call(dm.url, createInternal(id, { title: 'Вторая' }));
      expect(again.ret.object.title).toBe('Первая');
      const asIncoming = await call(dm.url, createIncoming(id));
      expect(asIncoming.ret).toMatchObject({ '@type': 'm:DMError', subject: 'Ошибка записи объекта' });
      expect(asIncoming.ret.description).toContain('уже существует');
      dm.quirks.set({ duplicateCreate: 'error' });
      expect((await call(dm.url, createInternal(id))).ret.description).toContain('уже существует');
      expect(dm.clerk.documents({ type: 'DMInternalDocument' })).toHaveLength(1);
    });
  });

  it('the whole application: register, request documents, progress, technical conditions with a signature, contract, connection — each seen by a poller', async () => {
    const { id } = await application();
    now += 65_000;
    dm.quirks.set({ visibilityDelayMs: 1000 });

    const reg = await admin('POST', `/documents/${id}/register`, { by: 'Петрова Анна Сергеевна' });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ regNumber: 'ВХ-2026-000001', state: 'Зарегистрирован' });
    expect(reg.body.states.map((e: { state: string; author: { name: string } }) => [e.state, e.author.name])).toEqual([
      ['Новый', 'Портал Интеграция'],
      ['Зарегистрирован', 'Петрова Анна Сергеевна'],
    ]);
    await admin('POST', `/documents/${id}/assign`, { responsible: 'Петрова Анна Сергеевна' });

    now += 60_000;
    const asked = await admin('POST', `/documents/${id}/request-documents`, { text: 'Приложите план земельного участка.' });
    expect(asked.status).toBe(201);
    expect(asked.body.application.state).toBe('ЗапрошеныДокументы');
    expect(asked.body.outgoing).toMatchObject({
      type: 'DMOutgoingDocument',
      title: 'Запрос документов к вх. № ВХ-2026-000001',
      summary: 'Приложите план земельного участка.',
      documentType: { name: 'Запрос документов', type: 'DMDocumentType' },
      regNumber: 'ИСХ-2026-000001',
      state: 'Зарегистрирован',
      author: { name: 'Петрова Анна Сергеевна' },
      addressee: { name: 'ООО «Северный дом»' },
      inReplyTo: { id, type: 'DMIncomingDocument' },
    });

    // The applicant's extra document goes to the application itself.
    now += 60_000;
    const plan = randomBytes(3000);
    await call(dm.url, addFile(id, randomUUID(), plan, { name: 'План участка', ext: 'pdf' }));
    const progress = await admin('POST', `/documents/${id}/status`, { state: 'ТУВРаботе', comment: 'Расчёт нагрузки передан в ПТО', by: 'Коваленко Иван' });
    expect(progress.body.states.at(-1)).toMatchObject({ state: 'ТУВРаботе', stateName: 'Технические условия в работе', comment: 'Расчёт нагрузки передан в ПТО', author: { name: 'Коваленко Иван' } });

    now += 86_400_000;
    const tu = Buffer.from('%PDF-1.7 технические условия');
    const tuSig = randomBytes(1200);
    const sent = await admin('POST', `/documents/${id}/send`, {
      kind: 'technical-conditions',
      text: 'Технические условия № ТУ-17 подписаны.',
      files: [{ name: 'ТУ-17.pdf', mediaType: 'application/pdf', contentBase64: tu.toString('base64'), signatures: [{ name: 'ТУ-17.pdf.sig', contentBase64: tuSig.toString('base64') }] }],
    });
    expect(sent.status).toBe(201);
    const tuDoc: AdminDocument = sent.body.outgoing;
    expect(sent.body.application.state).toBe('ТУНаправлены');
    expect(tuDoc).toMatchObject({ documentType: { name: 'Технические условия' }, regNumber: 'ИСХ-2026-000002', summary: 'Технические условия № ТУ-17 подписаны.' });
    expect(tuDoc.files).toEqual([
      expect.objectContaining({
        fileName: 'ТУ-17.pdf',
        sha256: sha256(tu),
        mediaType: 'application/pdf',
        signatures: [{ id: expect.any(String), fileName: 'ТУ-17.pdf.sig', size: tuSig.length, sha256: sha256(tuSig) }],
      }),
    ]);

    // A poller within the delay still sees the previous version; afterwards the new one.
    const since: Cond[] = [['modificationDateUniversal', 'xs:dateTime', '2026-03-11T10:03:05', '>=']];
    expect((await call(dm.url, list('DMIncomingDocument', since))).ret.items).toBeUndefined();
    now += 1000;
    const polled = (await call(dm.url, list('DMIncomingDocument', since, { columns: ['state', 'relatedDocuments', 'modificationDateUniversal'] }))).ret.items[0].object;
    expect(polled.state.objectID.id).toBe('ТУНаправлены');
    expect(polled.modificationDateUniversal).toBe('2026-03-11T10:03:05');
    expect(polled.relatedDocuments.map((r: { objectID: { id: string; type: string } }) => r.objectID)).toEqual([
      { id: asked.body.outgoing.id, type: 'DMOutgoingDocument', navigationRef: expect.any(String) },
      { id: tuDoc.id, type: 'DMOutgoingDocument', navigationRef: expect.any(String) },
    ]);
    expect(polled.relatedDocuments[1]).toMatchObject({ '@type': 'm:DMOutgoingDocument', name: 'Технические условия к вх. № ВХ-2026-000001' });

    // The adapter's way to the files: the outgoing document, its files, each with its content.
    const out = await retrieveOne(tuDoc.id, 'DMOutgoingDocument');
    expect(out).toMatchObject({ summary: 'Технические условия № ТУ-17 подписаны.', regNumber: 'ИСХ-2026-000002', regDate: '2026-03-11T13:03:05' });
    expect(out.documentType).toMatchObject({ '@type': 'm:DMDocumentType', name: 'Технические условия' });
    expect(out.author.name).toBe('Петрова Анна Сергеевна');
    expect(out.inReplyTo.objectID.id).toBe(id);
    expect(out.states.map((e: StateXml) => e.state.objectID.id)).toEqual(['Зарегистрирован']);
    const files = (await call(dm.url, fileList(tuDoc.id, 'DMOutgoingDocument'))).ret.files;
    expect(files.map(fileIn)).toEqual(['ТУ-17.pdf', 'ТУ-17.pdf.sig']);
    expect(files[0].description).toBe('');
    expect(files[1].description).toBe(`Электронная подпись к файлу "ТУ-17.pdf" [${files[0].objectID.id}]`);
    const bytes = await retrieveOne(files[1].objectID.id, 'DMFile', ['binaryData']);
    expect(sha256(Buffer.from(bytes.binaryData, 'base64'))).toBe(sha256(tuSig));

    now += 86_400_000;
    const draft = dm.clerk.send(id, { kind: 'contract-draft', files: [{ name: 'Проект договора.docx', content: Buffer.from('PK draft') }] });
    expect(draft.application.state).toBe('ДоговорНаправлен');
    expect(draft.outgoing.summary).toBe('');
    dm.clerk.status(id, 'ДоговорЗаключен', { comment: 'Договор № 17-ТП от 13.03.2026' });
    now += 86_400_000;
    const act = dm.clerk.send(id, { kind: 'connection-act', text: 'Объект подключен.', files: [{ name: 'Акт.pdf', content: Buffer.from('%PDF act') }] });
    expect(act.application.state).toBe('Подключен');
    const done = dm.clerk.status(id, 'Исполнен');

    expect(done.states.map((e) => `${e.state}/${e.author.name}`)).toEqual([
      'Новый/Портал Интеграция',
      'Зарегистрирован/Петрова Анна Сергеевна',
      'ЗапрошеныДокументы/Петрова Анна Сергеевна',
      'ТУВРаботе/Коваленко Иван',
      'ТУНаправлены/Петрова Анна Сергеевна',
      'ДоговорНаправлен/Петрова Анна Сергеевна',
      'ДоговорЗаключен/Петрова Анна Сергеевна',
      'Подключен/Петрова Анна Сергеевна',
      'Исполнен/Петрова Анна Сергеевна',
    ]);
    expect(done.relatedDocuments?.map((r) => r.name)).toEqual([
      'Запрос документов к вх. № ВХ-2026-000001',
      'Технические условия к вх. № ВХ-2026-000001',
      'Проект договора к вх. № ВХ-2026-000001',
      'Акт о подключении к вх. № ВХ-2026-000001',
    ]);
    expect(done.files.map((f) => [f.fileName, f.sha256])).toEqual([['План участка.pdf', sha256(plan)]]);
    now += 1000;
    const final = await retrieveOne(id, 'DMIncomingDocument', ['state', 'states']);
    expect(final.state.objectID.id).toBe('Исполнен');
    expect((final.states as StateXml[]).map((e) => e.state.objectID.id)).toEqual(done.states.map((e) => e.state));
    expect((final.states as StateXml[])[6].comment).toBe('Договор № 17-ТП от 13.03.2026');
  });

  it('reject sets Отклонен with the reason as the comment; a rejection notice is sent with send', async () => {
    const { id } = await application();
    const r = await admin('POST', `/documents/${id}/reject`, { reason: 'Не приложены правоустанавливающие документы', by: 'Сидоренко Олена' });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('Отклонен');
    expect(r.body.states.at(-1)).toMatchObject({ state: 'Отклонен', stateName: 'Отклонен', comment: 'Не приложены правоустанавливающие документы', author: { name: 'Сидоренко Олена' } });
    const notice = dm.clerk.send(id, { kind: 'rejection-notice', text: 'Отказ', files: [] });
    expect(notice.outgoing.documentType?.name).toBe('Уведомление об отказе');
    expect(notice.application.states.map((e) => e.state)).toEqual(['Новый', 'Отклонен', 'Отклонен']);
    const xml = (await call(dm.url, retrieve([[id, 'DMIncomingDocument']], ['states']))).text;
    expect(xml).toContain('<m:comment>Не приложены правоустанавливающие документы</m:comment>');
  });

  it('the acting clerk: by, else the responsible, else "Оператор 1С"; a state override on send; contract-signed', async () => {
    const { id } = await application();
    expect(dm.clerk.register(id).states.at(-1)?.author.name).toBe('Оператор 1С');
    dm.clerk.assign(id, 'Петрова Анна Сергеевна');
    const signed = dm.clerk.send(id, { kind: 'contract-signed', files: [{ name: 'Договор.pdf', content: Buffer.from('%PDF') }], state: 'ДоговорЗаключен' });
    expect(signed.application.state).toBe('ДоговорЗаключен');
    expect(signed.outgoing).toMatchObject({ documentType: { name: 'Договор' }, author: { name: 'Петрова Анна Сергеевна' } });
    const other = dm.clerk.requestDocuments(id, { text: 'Нужна доверенность', by: 'Коваленко Иван' });
    expect(other.outgoing.author?.name).toBe('Коваленко Иван');
    expect(other.application.states.at(-1)?.author.name).toBe('Коваленко Иван');
    // The same name is the same DMUser.
    expect(other.application.states.at(-1)?.author.id).toBe(dm.clerk.requestDocuments(id, { text: 'Ещё', by: 'Коваленко Иван' }).outgoing.author?.id);
  });

  it('every utility action bumps modificationDateUniversal of the application', async () => {
    const { id } = await application();
    const stamps = [dm.clerk.document(id).modificationDateUniversal];
    const acts = [
      () => dm.clerk.register(id, { by: 'А' }),
      () => dm.clerk.requestDocuments(id, { text: 'x' }).application,
      () => dm.clerk.status(id, 'ТУВРаботе', { comment: 'идёт' }),
      () => dm.clerk.send(id, { kind: 'technical-conditions', files: [] }).application,
      () => dm.clerk.reject(id, { reason: 'нет' }),
    ];
    for (const act of acts) {
      now += 1000;
      stamps.push(act().modificationDateUniversal);
    }
    expect(new Set(stamps).size).toBe(acts.length + 1);
  });

  it('answers 400 for bad input, 404 for unknown ids and 409 for utility actions on an outgoing document', async () => {
    const { id } = await application();
    const bad: [string, unknown][] = [
      ['request-documents', {}],
      ['request-documents', { text: '  ' }],
      ['send', { kind: 'invoice', files: [] }],
      ['send', { kind: 'technical-conditions', state: 'Готово' }],
      ['send', { kind: 'technical-conditions', files: [{ name: 'a.pdf', contentBase64: '***' }] }],
      ['send', { kind: 'technical-conditions', files: [{ name: 'a.pdf', contentBase64: 'QQ==', signatures: [{ name: 's.sig' }] }] }],
      ['send', { kind: 'technical-conditions', files: [{ name: 'a.pdf', contentBase64: 'QQ==', content: 'QQ==' }] }],
      ['send', { kind: 'technical-conditions', files: [{ name: 'a.pdf', contentBase64: 'QQ==', signatures: [{ name: 's.sig', contentBase64: 'QQ==', extra: 1 }] }] }],
      ['send', { kind: 'technical-conditions', files: 'a.pdf' }],
      ['send', { kind: 'technical-conditions', by: '' }],
      ['send', { kind: 'technical-conditions', color: 'red' }],
      ['reject', {}],
      ['reject', { reason: 5 }],
      ['status', { state: 'ТУВРаботе', comment: 7 }],
      ['register', { by: 42 }],
    ];
    for (const [action, body] of bad) {
      const r = await admin('POST', `/documents/${id}/${action}`, body);
      expect([action, body, r.status]).toEqual([action, body, 400]);
      expect(typeof r.body.error).toBe('string');
    }
    expect(dm.clerk.document(id).states).toHaveLength(1);
    expect(dm.clerk.documents({ type: 'DMOutgoingDocument' })).toEqual([]);

    for (const action of ['request-documents', 'send', 'reject']) {
      expect((await admin('POST', `/documents/${randomUUID()}/${action}`, {})).status).toBe(404);
    }
    const { outgoing } = dm.clerk.requestDocuments(id, { text: 'x' });
    expect((await admin('POST', `/documents/${outgoing.id}/send`, { kind: 'technical-conditions' })).status).toBe(409);
    expect(() => dm.clerk.reject(outgoing.id, { reason: 'x' })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => dm.clerk.requestDocuments(outgoing.id, { text: 'x' })).toThrow(MockAdminError);
    // status works on any document; on an outgoing one its author is the default actor.
    expect(dm.clerk.status(outgoing.id, 'Отправлен').states.at(-1)?.author.name).toBe('Оператор 1С');
    expect((await admin('GET', '/documents?type=DMInternalDocument')).status).toBe(200);
    expect((await admin('GET', '/documents?type=DMTask')).status).toBe(400);
  });

  it('a signature added over SOAP by the description rule is listed under its file; a description pointing nowhere is a plain file', async () => {
    const { id } = await application();
    const scanId = randomUUID();
    const scan = randomBytes(700);
    const sig = randomBytes(90);
    await call(dm.url, addFile(id, scanId, scan, { name: 'Заявление', ext: 'pdf' }));
    await call(dm.url, addFile(id, randomUUID(), sig, { name: 'Заявление.pdf', ext: 'p7s', description: `Электронная подпись к файлу "Заявление.pdf" [${scanId.toUpperCase()}]` }));
    await call(dm.url, addFile(id, randomUUID(), sig, { name: 'Чужая', ext: 'sig', description: `Электронная подпись к файлу "X.pdf" [${randomUUID()}]` }));
    const view = dm.clerk.document(id, { withContent: true });
    expect(view.files.map((f) => f.fileName)).toEqual(['Заявление.pdf', 'Чужая.sig']);
    expect(view.files[0].signatures).toEqual([{ id: expect.any(String), fileName: 'Заявление.pdf.p7s', size: 90, sha256: sha256(sig), contentBase64: sig.toString('base64') }]);
    expect(view.files[1].signatures).toBeUndefined();
    // Over SOAP they stay three ordinary files.
    expect((await call(dm.url, fileList(id, 'DMIncomingDocument'))).ret.files).toHaveLength(3);
  });

  it('the answer of an appeal still works, now with the acting clerk as author and an Исполнен entry', async () => {
    const id = randomUUID();
    await call(dm.url, createIncoming(id));
    const { incoming, answer } = dm.clerk.answer(id, {
      text: 'Ответ',
      by: 'Петрова Анна Сергеевна',
      files: [{ name: 'Ответ.pdf', content: Buffer.from('%PDF'), signatures: [{ name: 'Ответ.pdf.sig', content: Buffer.from('sig') }] }],
    });
    expect(incoming.state).toBe('Исполнен');
    expect(incoming.states.at(-1)).toMatchObject({ state: 'Исполнен', author: { name: 'Петрова Анна Сергеевна' } });
    expect(incoming.relatedDocuments).toEqual([]);
    expect(answer).toMatchObject({ author: { name: 'Петрова Анна Сергеевна' }, documentType: null });
    expect(answer.files[0].signatures).toHaveLength(1);
  });

  it('the WSDL declares the new types and properties', async () => {
    const res = await fetch(`${dm.url}?wsdl`, { headers: { authorization: `Basic ${Buffer.from('Портал Интеграция:portal-secret').toString('base64')}` } });
    const wsdl = await res.text();
    for (const t of ['DMInternalDocument', 'DMDocumentType', 'DMAdditionalProperty', 'DMDocumentStateRecord']) expect(wsdl).toContain(`<xs:complexType name="${t}"`);
    expect(wsdl).not.toContain('DMAdditionalPropertyValue');
    expect(wsdl).toContain(
      '<xs:complexType name="DMAdditionalProperty"><xs:complexContent><xs:extension base="tns:DMObject"><xs:sequence><xs:element name="propertySimpleValue" type="xs:anySimpleType" minOccurs="0" nillable="true"/></xs:sequence></xs:extension></xs:complexContent></xs:complexType>',
    );
    expect(wsdl).toContain('<xs:element name="additionalProperties" type="tns:DMAdditionalProperty" minOccurs="0" maxOccurs="unbounded"/>');
    expect(wsdl).toContain('<xs:element name="states" type="tns:DMDocumentStateRecord" minOccurs="0" maxOccurs="unbounded"/>');
    expect(wsdl).toContain('<xs:element name="relatedDocuments" type="tns:DMObject" minOccurs="0" maxOccurs="unbounded"/>');
  });
});
