import { exampleEvent, type ApplicationSubmitted } from '../../contracts';
import { applicationDocument, applicationGuid, applicationKeysOf, DEFAULT_APPLICATION_STATES, registeredResult, signatureDescription, signedFileOf, statusResults } from './application.mapper';
import type { DmNode } from './dm-soap.client';

const ZONE = 'Etc/GMT-3';
const link = { tenant: 'novgorod-energo', caseRef: 'TP-1', documentId: 'd-1', system: 'edms.1c-docflow' };
const user = (name: string) => ({ '@_type': 'm:DMUser', name, objectID: { id: `u-${name.length}`, type: 'DMUser' } });
const entry = (id: string, date: string, author?: string, comment = '') => ({
  state: { name: id, objectID: { id, type: 'DMDocumentState' } },
  date,
  ...(author ? { author: user(author) } : {}),
  comment,
});

describe('applications in 1C', () => {
  it('one document per case, whatever event carries it', () => {
    expect(applicationGuid('t', 'TP-1')).toBe(applicationGuid('t', 'TP-1'));
    expect(applicationGuid('t', 'TP-1')).not.toBe(applicationGuid('u', 'TP-1'));
  });

  it('files the applicant, the codes and the object as text for the clerk and as structured properties', () => {
    const ev = exampleEvent('application.submitted');
    const data = ev.data as ApplicationSubmitted;
    data.applicant.registrationCodes = [{ scheme: 'kpp', value: '532101001' }];
    const doc = applicationDocument(ev, data, { kind: 'DMIncomingDocument', externalType: 'cabinet-hub.application', documentType: 'Заявка на ТП', timeZone: ZONE });
    expect(doc['@_xsi:type']).toBe('m:DMIncomingDocument');
    expect(doc.externalObject).toEqual({ name: data.caseRef, id: `${ev.tenant}/${data.caseRef}`, type: 'cabinet-hub.application' });
    expect(doc.documentType).toEqual({ '@_xsi:type': 'm:DMDocumentType', name: 'Заявка на ТП' });
    expect(doc.summary).toContain('Заявитель: ООО «Северный луч» (Юридическое лицо)');
    expect(doc.summary).toContain('КПП: 532101001');
    expect(doc.summary).toContain(`Адрес объекта: ${data.objectAddress}`);
    const props = (doc.additionalProperties as { name: string; propertySimpleValue: { '#text': string } }[]).map((p) => [p.name, p.propertySimpleValue['#text']]);
    expect(props).toEqual(
      expect.arrayContaining([
        ['Вид ресурса', 'electricity'],
        ['КПП', '532101001'],
        ['Код организации', '5321000000'],
      ]),
    );
    const internal = applicationDocument(ev, data, { kind: 'DMInternalDocument', externalType: 'x', documentType: 'y', timeZone: ZONE });
    expect(internal.sender).toBeUndefined();
    expect(internal.incomingNumber).toBeUndefined();
  });

  it('writes what the clerk reads in Ukrainian when the installation says so', () => {
    const ev = exampleEvent('application.submitted');
    const data = ev.data as ApplicationSubmitted;
    const doc = applicationDocument(ev, data, { kind: 'DMIncomingDocument', externalType: 'x', documentType: 'y', timeZone: ZONE, language: 'uk' });
    expect(doc.title).toBe(`Заява ${data.caseRef}: Видача технічних умов, електропостачання`);
    expect(String(doc.summary)).toContain(`Заявник: ${data.applicant.name.full} (Юридична особа)`);
    const names = (doc.additionalProperties as { name: string }[]).map((p) => p.name);
    expect(names.slice(0, 5)).toEqual(['Номер заяви в кабінеті', 'Вид заяви', 'Вид ресурсу', 'Тип заявника', 'Адреса об’єкта']);
    expect(JSON.stringify(doc)).not.toMatch(/Заявитель|Вид ресурса|Выдача/);
  });

  it('a signature file names the file it signs, and only such a description is read as one', () => {
    const d = signatureDescription('Договір "№ 5".pdf', '6f2c1a44-1c1d-5d0c-9b0e-3c6a8f1e2d10');
    expect(signedFileOf(d)).toBe('6f2c1a44-1c1d-5d0c-9b0e-3c6a8f1e2d10');
    expect(signedFileOf('Скан паспорта')).toBeUndefined();
    expect(signedFileOf('Электронная подпись к файлу "x" [not-a-guid]')).toBeUndefined();
  });

  it('every state change that maps to a status is reported with its author, in order, each under its own key', () => {
    const doc: DmNode = {
      states: [
        entry('Новый', '2026-03-10T10:00:00', 'Портал'),
        entry('Зарегистрирован', '2026-03-10T11:00:00', 'Петрова Анна'),
        entry('НаРассмотрении', '2026-03-10T12:00:00', 'Петрова Анна'),
        entry('ТУВРаботе', '2026-03-11T09:30:00', 'Иванов Пётр', 'Проектирование 40 %'),
        entry('Отклонен', '2026-03-12T09:30:00', undefined, 'Нет правоустанавливающих документов'),
      ],
    };
    const results = statusResults(doc, link, DEFAULT_APPLICATION_STATES, ZONE);
    expect(results.map((r) => [(r.data as { status: string }).status, (r.data as { author: { name: string } }).author.name, r.occurredAt])).toEqual([
      ['under-review', 'Петрова Анна', '2026-03-10T09:00:00Z'],
      ['tc-in-progress', 'Иванов Пётр', '2026-03-11T06:30:00Z'],
      ['rejected', '1С:Документооборот', '2026-03-12T06:30:00Z'],
    ]);
    expect(results[1].data).toMatchObject({ previousStatus: 'under-review', comment: 'Проектирование 40 %' });
    expect(new Set(results.map((r) => r.key)).size).toBe(3);
    // A tenant mapping turns a state off or renames it.
    expect(statusResults(doc, link, { ...DEFAULT_APPLICATION_STATES, ТУВРаботе: 'none' }, ZONE)).toHaveLength(2);
  });

  it('the cursor keys change when the history grows or a document is linked, and not otherwise', () => {
    const base: DmNode = { regNumber: 'ВХ-1', regDate: '2026-03-10T11:00:00', states: [entry('Зарегистрирован', '2026-03-10T11:00:00')] };
    const grown: DmNode = { ...base, states: [...(base.states as unknown[]), entry('НаРассмотрении', '2026-03-10T12:00:00')] };
    const linked: DmNode = { ...grown, relatedDocuments: [{ objectID: { id: 'o-1', type: 'DMOutgoingDocument' } }] };
    const k = [base, grown, linked].map((d) => applicationKeysOf(d, ZONE));
    expect(k[0].registered).toBe(k[1].registered);
    expect(k[0].status).not.toBe(k[1].status);
    expect(k[1].documents).toBeUndefined();
    expect(k[2].documents).toBe('o-1');
    expect(registeredResult(base, link, ZONE)).toMatchObject({ type: 'application.registered', data: { registrationNumber: 'ВХ-1', registeredAt: '2026-03-10T08:00:00Z' } });
    expect(registeredResult({ regNumber: '', regDate: '0001-01-01T00:00:00' }, link, ZONE)).toBeUndefined();
  });

  it('names the registrar from the history’s registration entry, and no one when 1C records none', () => {
    const byClerk: DmNode = {
      regNumber: 'ВХ-2',
      regDate: '2026-03-10T11:00:00',
      states: [entry('Новый', '2026-03-10T10:00:00', 'Портал Интеграция'), entry('Зарегистрирован', '2026-03-10T11:00:00', 'Петрова Анна')],
    };
    expect(registeredResult(byClerk, link, ZONE)?.data).toMatchObject({ registrationNumber: 'ВХ-2', author: { kind: 'employee', name: 'Петрова Анна' } });
    const noEntry: DmNode = { regNumber: 'ВХ-3', regDate: '2026-03-10T11:00:00', states: [entry('НаРассмотрении', '2026-03-10T10:00:00', 'Петрова Анна')] };
    expect(registeredResult(noEntry, link, ZONE)?.data).not.toHaveProperty('author');
    // The key stays the number: a registrar seen later does not make a second registration.
    expect(registeredResult(byClerk, link, ZONE)?.key).toBe(registeredResult({ ...byClerk, states: [] }, link, ZONE)?.key);
  });
});
