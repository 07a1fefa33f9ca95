import { termKeyOf, termResults } from './term.mapper';

const link = { tenant: 'demo', caseRef: 'EP-1', documentId: 'doc-1', system: 'edms.1c-docflow' };
const entry = (comment: string, date: string, author = 'Коваленко Олена') => ({ state: { objectID: { id: 'Зарегистрирован' } }, date, author: { name: author, objectID: { id: 'u-1' } }, comment });

describe('an appeal term from the 1C state history', () => {
  const doc = {
    states: [
      entry('Зарегистрирован', '2026-06-01T10:00:00'),
      entry('Срок исполнения установлен: 2026-06-30', '2026-06-01T10:05:00'),
      entry('Срок исполнения приостановлен. Основание: Запрошено уточнение адреса', '2026-06-05T09:00:00'),
      entry('Срок исполнения возобновлен', '2026-06-08T09:00:00'),
      entry('Срок исполнения продлен с 2026-06-30 до 2026-07-15. Основание: Резолюция главы № 12', '2026-06-20T12:00:00', 'Петренко Іван'),
    ],
  };

  it('reports pause, resume and extension once each, with their time, author and key; the registrar term is no change', () => {
    const r = termResults(doc, link, 'Europe/Kyiv');
    expect(r.map((x) => [x.data.action, x.data.until, x.data.reason, x.occurredAt, x.data.author.name, x.key])).toEqual([
      ['paused', undefined, 'Запрошено уточнение адреса', '2026-06-05T06:00:00Z', 'Коваленко Олена', 'doc-1/term/2/2026-06-05T06:00:00Z'],
      ['resumed', undefined, 'Срок исполнения возобновлен', '2026-06-08T06:00:00Z', 'Коваленко Олена', 'doc-1/term/3/2026-06-08T06:00:00Z'],
      ['extended', '2026-07-15', 'Резолюция главы № 12', '2026-06-20T09:00:00Z', 'Петренко Іван', 'doc-1/term/4/2026-06-20T09:00:00Z'],
    ]);
    expect(r[2].data).toMatchObject({ caseRef: 'EP-1', system: 'edms.1c-docflow', externalId: 'doc-1', changedAt: '2026-06-20T09:00:00Z' });
    expect(termKeyOf(doc, 'Europe/Kyiv')).toBe('3\n2026-06-20T09:00:00Z');
  });

  it('a document without term changes reports none', () => {
    expect(termResults({ states: [entry('Зарегистрирован', '2026-06-01T10:00:00')] }, link, 'Europe/Kyiv')).toEqual([]);
    expect(termKeyOf({ states: [entry('Зарегистрирован', '2026-06-01T10:00:00')] }, 'Europe/Kyiv')).toBeUndefined();
  });
});
