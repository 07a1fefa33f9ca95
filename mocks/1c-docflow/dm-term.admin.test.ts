import { randomUUID } from 'node:crypto';
import { MockAdminError } from '../_kit';
import { start1cDocflowMock, TERM_PROPERTIES, type AdminDocument, type RunningDocflowMock } from './index';
import { applicationProps, call, createIncoming, createInternal, list, retrieve, type Cond } from './dm-soap.fixture';

// 07:00 UTC = 10:00 on the 1C server (+03:00).
const T0 = Date.parse('2026-06-01T07:00:00.000Z');
const DUE = 'Срок исполнения';
const REASON = 'Основание изменения срока';
const PAUSED = 'Срок приостановлен';

interface StateXml {
  state: { name: string; objectID: { id: string; type: string } };
  date: string;
  author: { '@type': string; name: string; objectID: { id: string; type: string } };
  comment: string;
}

/** One `<m:additionalProperties>` exactly as the mock writes it. */
const propXml = (name: string, id: string, type: 'dateTime' | 'string', value: string) =>
  `<m:additionalProperties><m:name>${name}</m:name><m:objectID><m:id>${id}</m:id><m:type>DMAdditionalProperty</m:type></m:objectID>` +
  `<m:propertySimpleValue xsi:type="xs:${type}">${value}</m:propertySimpleValue></m:additionalProperties>`;

describe('1C DMService mock: the answer term of an appeal', () => {
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
  /** A registered appeal, visible to reads. */
  const appeal = async (extra?: string) => {
    const id = randomUUID();
    expect((await call(dm.url, createIncoming(id, { ext: `kyiv:${id}`, title: 'Обращение о ремонте дороги', extra }))).status).toBe(200);
    now += 5_000;
    dm.clerk.register(id, { by: 'Сидоренко Олена' });
    now += 5_000;
    return id;
  };
  const propId = (doc: AdminDocument, name: string) => {
    const p = doc.additionalProperties.find((x) => x.name === name);
    if (!p) throw new Error(`no property ${name}`);
    return p.id;
  };
  const entry = (doc: AdminDocument) => doc.states[doc.states.length - 1];

  it('set-term, extend-term, pause-term, resume-term over HTTP: the properties, a history entry each, a new modificationDateUniversal', async () => {
    const id = await appeal();
    const registered = dm.clerk.document(id);

    // 10:00:10 local: the registrar sets the initial term.
    const set = await admin('POST', `/documents/${id}/set-term`, { until: '2026-06-30' });
    expect(set.status).toBe(200);
    const s: AdminDocument = set.body;
    expect(s.additionalProperties).toEqual([{ name: DUE, id: expect.any(String), value: '2026-06-30T23:59:59' }]);
    expect(s.state).toBe('Зарегистрирован');
    expect(s.states).toHaveLength(registered.states.length + 1);
    // Nobody named and no responsible yet: the default clerk.
    expect(entry(s)).toEqual({
      state: 'Зарегистрирован',
      stateName: 'Зарегистрирован',
      date: '2026-06-01T10:00:10',
      author: { id: expect.any(String), type: 'DMUser', name: 'Оператор 1С' },
      comment: 'Срок исполнения установлен: 2026-06-30',
    });
    expect(s.modificationDateUniversal).toBe('2026-06-01T07:00:10');
    expect(s.modificationDateUniversal > registered.modificationDateUniversal).toBe(true);

    now += 60_000;
    dm.clerk.assign(id, 'Петрова Анна Сергеевна');
    now += 60_000;
    const ext = await admin('POST', `/documents/${id}/extend-term`, { until: '2026-07-30', reason: 'Резолюция: продлить, нужна выездная проверка', by: 'Коваленко Иван Петрович' });
    expect(ext.status).toBe(200);
    const e: AdminDocument = ext.body;
    // Changed in place, the reason appended.
    expect(e.additionalProperties).toEqual([
      { name: DUE, id: propId(s, DUE), value: '2026-07-30T23:59:59' },
      { name: REASON, id: expect.any(String), value: 'Резолюция: продлить, нужна выездная проверка' },
    ]);
    expect(entry(e)).toMatchObject({
      state: 'Зарегистрирован',
      date: '2026-06-01T10:02:10',
      author: { type: 'DMUser', name: 'Коваленко Иван Петрович' },
      comment: 'Срок исполнения продлен с 2026-06-30 до 2026-07-30. Основание: Резолюция: продлить, нужна выездная проверка',
    });
    expect(e.modificationDateUniversal).toBe('2026-06-01T07:02:10');

    now += 60_000;
    const pause = await admin('POST', `/documents/${id}/pause-term`, { reason: 'Запрошены дополнительные сведения у заявителя' });
    expect(pause.status).toBe(200);
    const p: AdminDocument = pause.body;
    expect(p.additionalProperties.map((x) => [x.name, x.value])).toEqual([
      [DUE, '2026-07-30T23:59:59'],
      [REASON, 'Резолюция: продлить, нужна выездная проверка'],
      [PAUSED, 'Да'],
    ]);
    // The responsible is the default author once assigned.
    expect(entry(p)).toMatchObject({
      date: '2026-06-01T10:03:10',
      author: { name: 'Петрова Анна Сергеевна' },
      comment: 'Срок исполнения приостановлен. Основание: Запрошены дополнительные сведения у заявителя',
    });
    expect(p.modificationDateUniversal).toBe('2026-06-01T07:03:10');

    now += 60_000;
    const resume = await admin('POST', `/documents/${id}/resume-term`, { by: 'Петрова Анна Сергеевна' });
    expect(resume.status).toBe(200);
    const r: AdminDocument = resume.body;
    expect(r.additionalProperties.map((x) => [x.name, x.value])).toEqual([
      [DUE, '2026-07-30T23:59:59'],
      [REASON, 'Резолюция: продлить, нужна выездная проверка'],
      [PAUSED, 'Нет'],
    ]);
    expect(entry(r)).toMatchObject({ state: 'Зарегистрирован', date: '2026-06-01T10:04:10', author: { name: 'Петрова Анна Сергеевна' }, comment: 'Срок исполнения возобновлен' });
    expect(r.modificationDateUniversal).toBe('2026-06-01T07:04:10');
    // An empty body is fine for resume-term.
    expect((await admin('POST', `/documents/${id}/pause-term`, { reason: 'Повторный запрос' })).status).toBe(200);
    expect((await admin('POST', `/documents/${id}/resume-term`)).status).toBe(200);

    expect(dm.clerk.document(id).states.map((x) => x.comment)).toEqual([
      '',
      '',
      'Срок исполнения установлен: 2026-06-30',
      'Срок исполнения продлен с 2026-06-30 до 2026-07-30. Основание: Резолюция: продлить, нужна выездная проверка',
      'Срок исполнения приостановлен. Основание: Запрошены дополнительные сведения у заявителя',
      'Срок исполнения возобновлен',
      'Срок исполнения приостановлен. Основание: Повторный запрос',
      'Срок исполнения возобновлен',
    ]);
  });

  it('DMRetrieve returns the three properties after modificationDateUniversal, in order, with their xsi:type; the history entries carry date and author', async () => {
    const id = await appeal();
    dm.clerk.setTerm(id, { until: '2026-06-30', by: 'Сидоренко Олена' });
    now += 1000;
    dm.clerk.pauseTerm(id, { reason: 'Запрошены сведения', by: 'Сидоренко Олена' });
    now += 1000;
    const doc = dm.clerk.extendTerm(id, { until: '2026-07-15', reason: 'Резолюция главы № 12', by: 'Коваленко Иван Петрович' });

    // Within the visibility delay a read still sees the previous version: paused, old term, no reason.
    const before = (await call(dm.url, retrieve([[id, 'DMIncomingDocument']]))).text;
    expect(before).toContain(propXml(DUE, propId(doc, DUE), 'dateTime', '2026-06-30T23:59:59') + propXml(PAUSED, propId(doc, PAUSED), 'string', 'Да') + '<m:sender');
    expect(before).not.toContain(REASON);

    now += 1000;
    const reply = await call(dm.url, retrieve([[id, 'DMIncomingDocument']]));
    const block =
      `<m:modificationDateUniversal>2026-06-01T07:00:12</m:modificationDateUniversal>` +
      propXml(DUE, propId(doc, DUE), 'dateTime', '2026-07-15T23:59:59') +
      propXml(PAUSED, propId(doc, PAUSED), 'string', 'Да') +
      propXml(REASON, propId(doc, REASON), 'string', 'Резолюция главы № 12') +
      '<m:sender xsi:type="m:DMCorrespondent">';
    expect(reply.text).toContain(block);
    expect(reply.text).not.toContain('0001-01-01T23:59:59');

    const states = reply.ret.objects[0].states as StateXml[];
    expect(states.slice(-3).map((e) => [e.state.objectID.id, e.date, e.author.name, e.comment])).toEqual([
      ['Зарегистрирован', '2026-06-01T10:00:10', 'Сидоренко Олена', 'Срок исполнения установлен: 2026-06-30'],
      ['Зарегистрирован', '2026-06-01T10:00:11', 'Сидоренко Олена', 'Срок исполнения приостановлен. Основание: Запрошены сведения'],
      ['Зарегистрирован', '2026-06-01T10:00:12', 'Коваленко Иван Петрович', 'Срок исполнения продлен с 2026-06-30 до 2026-07-15. Основание: Резолюция главы № 12'],
    ]);
    expect(states.at(-1)?.author).toMatchObject({ '@type': 'm:DMUser', objectID: { type: 'DMUser' } });

    // columnSet: with additionalProperties they come back; without it they do not.
    const only = await call(dm.url, retrieve([[id, 'DMIncomingDocument']], ['additionalProperties']));
    expect(only.ret.objects[0].additionalProperties.map((x: { name: string }) => x.name)).toEqual([DUE, PAUSED, REASON]);
    expect(only.ret.objects[0].states).toBeUndefined();
    const without = await call(dm.url, retrieve([[id, 'DMIncomingDocument']], ['states', 'modificationDateUniversal']));
    expect(without.text).not.toContain('additionalProperties');
    expect(without.ret.objects[0].states).toHaveLength(5);
  });

  it('a poll by modificationDateUniversal after each action returns the appeal with the new term', async () => {
    const id = await appeal();
    const other = await appeal();
    now += 60_000;
    const polls: { since: string; due: string; paused: string | undefined }[] = [];
    const actions: (() => AdminDocument)[] = [
      () => dm.clerk.setTerm(id, { until: '2026-06-30' }),
      () => dm.clerk.extendTerm(id, { until: '2026-07-30', reason: 'Резолюция' }),
      () => dm.clerk.pauseTerm(id, { reason: 'Запрос сведений' }),
      () => dm.clerk.resumeTerm(id),
    ];
    for (const act of actions) {
      now += 10_000;
      const since = act().modificationDateUniversal;
      now += 1000;
      const cond: Cond[] = [['modificationDateUniversal', 'xs:dateTime', since, '>=']];
      // The adapter's poll asks for a few columns; another for every column.
      const few = await call(dm.url, list('DMIncomingDocument', cond, { columns: ['modificationDateUniversal', 'states', 'additionalProperties'] }));
      const all = await call(dm.url, list('DMIncomingDocument', cond));
      for (const r of [few, all]) {
        expect(r.ret.items.map((i: { object: { objectID: { id: string } } }) => i.object.objectID.id)).toEqual([id]);
        expect(r.ret.items[0].object.modificationDateUniversal).toBe(since);
      }
      const props = all.ret.items[0].object.additionalProperties as { name: string; propertySimpleValue: { '#text': string; '@type': string } }[];
      const value = (n: string) => props.find((x) => x.name === n)?.propertySimpleValue;
      expect(value(DUE)?.['@type']).toBe('xs:dateTime');
      polls.push({ since, due: value(DUE)!['#text'], paused: value(PAUSED)?.['#text'] });
      expect(few.text).toContain('<m:additionalProperties>');
    }
    expect(polls.map((x) => [x.due, x.paused])).toEqual([
      ['2026-06-30T23:59:59', undefined],
      ['2026-07-30T23:59:59', undefined],
      ['2026-07-30T23:59:59', 'Да'],
      ['2026-07-30T23:59:59', 'Нет'],
    ]);
    expect(new Set(polls.map((x) => x.since)).size).toBe(4);
    // The other appeal never got a term.
    expect(dm.clerk.document(other).additionalProperties).toEqual([]);
  });

  it("keeps the client's additional properties and their order; the term properties come after them, one of each", async () => {
    const id = await appeal(
      applicationProps(null, [
        ['Категория', 'благоустройство'],
        ['Телефон', '+380501234567'],
      ]),
    );
    dm.clerk.setTerm(id, { until: '2026-06-30', reason: 'Резолюция: 30 дней' });
    dm.clerk.pauseTerm(id, { reason: 'Запрос' });
    const doc = dm.clerk.extendTerm(id, { until: '2026-08-01', reason: 'Продлено главой' });
    expect(doc.additionalProperties.map((x) => [x.name, x.value])).toEqual([
      ['Категория', 'благоустройство'],
      ['Телефон', '+380501234567'],
      [DUE, '2026-08-01T23:59:59'],
      [REASON, 'Продлено главой'],
      [PAUSED, 'Да'],
    ]);
    expect(entry(doc).comment).toBe('Срок исполнения продлен с 2026-06-30 до 2026-08-01. Основание: Продлено главой');
    // The same DMAdditionalProperty item on every appeal.
    const second = await appeal();
    expect(propId(dm.clerk.setTerm(second, { until: '2026-07-01' }), DUE)).toBe(propId(doc, DUE));
    expect(TERM_PROPERTIES).toEqual({ due: DUE, reason: REASON, paused: PAUSED });
  });

  it('a term the client sent on create counts as the current term', async () => {
    const extra = `<m:additionalProperties><m:name>${DUE}</m:name><m:propertySimpleValue xsi:type="xs:dateTime">2026-06-20T23:59:59</m:propertySimpleValue></m:additionalProperties>`;
    const id = await appeal(extra);
    expect(() => dm.clerk.setTerm(id, { until: '2026-06-30' })).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => dm.clerk.extendTerm(id, { until: '2026-06-20', reason: 'x' })).toThrow(expect.objectContaining({ status: 409 }));
    expect(dm.clerk.extendTerm(id, { until: '2026-06-21', reason: 'x' }).additionalProperties.map((x) => x.value)).toEqual(['2026-06-21T23:59:59', 'x']);
  });

  it('refuses bad input (400), unknown ids (404), and documents or terms it cannot change (409), changing nothing', async () => {
    const id = await appeal();
    const bad: [string, unknown][] = [
      ['set-term', {}],
      ['set-term', { until: '2026-02-30' }],
      ['set-term', { until: '2026-6-30' }],
      ['set-term', { until: '2026-06-30T23:59:59' }],
      ['set-term', { until: '30.06.2026' }],
      ['set-term', { until: 20260630 }],
      ['set-term', { until: '2026-06-30', reason: 5 }],
      ['set-term', { until: '2026-06-30', by: '' }],
      ['set-term', { until: '2026-06-30', term: '2026-06-30' }],
      ['extend-term', { until: '2026-07-30' }],
      ['extend-term', { until: '2026-07-30', reason: '  ' }],
      ['extend-term', { until: '2026-13-01', reason: 'x' }],
      ['pause-term', {}],
      ['pause-term', { reason: '' }],
      ['resume-term', { reason: 'x' }],
    ];
    for (const [action, body] of bad) {
      const r = await admin('POST', `/documents/${id}/${action}`, body);
      expect([action, body, r.status]).toEqual([action, body, 400]);
      expect(typeof r.body.error).toBe('string');
    }
    expect((await admin('POST', `/documents/${id}/set-term`, { until: '2026-02-30' })).body.error).toBe('until must be a calendar date YYYY-MM-DD (the last day of the term)');
    expect((await admin('POST', `/documents/${id}/set-term`, '[1]')).status).toBe(400);
    expect((await admin('POST', `/documents/${id}/set-term`, '{"until":')).status).toBe(400);

    // Without a term: nothing to extend, pause or resume.
    for (const [action, body, message] of [
      ['extend-term', { until: '2026-07-30', reason: 'x' }, /has no term to extend; set it with set-term/],
      ['pause-term', { reason: 'x' }, /has no term to pause/],
      ['resume-term', {}, /is not paused/],
    ] as const) {
      const r = await admin('POST', `/documents/${id}/${action}`, body);
      expect([action, r.status]).toEqual([action, 409]);
      expect(r.body.error).toMatch(message);
    }
    const untouched = dm.clerk.document(id);
    expect(untouched.additionalProperties).toEqual([]);
    expect(untouched.states).toHaveLength(2);

    dm.clerk.setTerm(id, { until: '2026-06-30' });
    const second = await admin('POST', `/documents/${id}/set-term`, { until: '2026-07-30' });
    expect(second.status).toBe(409);
    expect(second.body.error).toBe(`document ${id} already has the term 2026-06-30T23:59:59; change it with extend-term`);
    for (const until of ['2026-06-30', '2026-06-29', '2025-12-31']) {
      const r = await admin('POST', `/documents/${id}/extend-term`, { until, reason: 'x' });
      expect([until, r.status]).toEqual([until, 409]);
      expect(r.body.error).toBe(`until ${until} is not after the current term 2026-06-30T23:59:59`);
    }
    dm.clerk.pauseTerm(id, { reason: 'x' });
    expect((await admin('POST', `/documents/${id}/pause-term`, { reason: 'y' })).status).toBe(409);
    expect(dm.clerk.document(id).states).toHaveLength(4);

    // Unknown id.
    for (const [action, body] of [
      ['set-term', { until: '2026-06-30' }],
      ['extend-term', { until: '2026-07-30', reason: 'x' }],
      ['pause-term', { reason: 'x' }],
      ['resume-term', {}],
    ] as const) {
      const r = await admin('POST', `/documents/${randomUUID()}/${action}`, body);
      expect([action, r.status]).toEqual([action, 404]);
      expect(r.body.error).toMatch(/no document/);
    }

    // Answered: the term is closed.
    now += 1000;
    const { answer } = dm.clerk.answer(id, { text: 'Ответ' });
    for (const [action, body] of [
      ['set-term', { until: '2026-07-30' }],
      ['extend-term', { until: '2026-07-30', reason: 'x' }],
      ['pause-term', { reason: 'x' }],
      ['resume-term', {}],
    ] as const) {
      const r = await admin('POST', `/documents/${id}/${action}`, body);
      expect([action, r.status]).toEqual([action, 409]);
      expect(r.body.error).toBe(`document ${id} is already answered by ${answer.id}: its term can no longer change`);
    }
    // Not an incoming appeal: the answer itself and an internal document.
    const internal = randomUUID();
    await call(dm.url, createInternal(internal));
    for (const [doc, type] of [
      [answer.id, 'DMOutgoingDocument'],
      [internal, 'DMInternalDocument'],
    ]) {
      const r = await admin('POST', `/documents/${doc}/set-term`, { until: '2026-07-30' });
      expect(r.status).toBe(409);
      expect(r.body.error).toBe(`document ${doc} is a ${type}, not a DMIncomingDocument: an answer term is kept on an incoming appeal`);
      expect(() => dm.clerk.extendTerm(doc, { until: '2026-07-30', reason: 'x' })).toThrow(MockAdminError);
    }
    expect(dm.clerk.document(internal).states).toHaveLength(1);
    expect(dm.clerk.document(id).additionalProperties.map((x) => x.value)).toEqual(['2026-06-30T23:59:59', 'Да']);
  });
});
