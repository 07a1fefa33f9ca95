import { exampleEvent } from '../../../contracts';
import { tokenHash } from '../../notifications/link-token.hash';
import { CASE_RULES, contactHash, MASK, maskDocument, MESSAGE_RULES, revealField, STEP_RULES, valueAt } from './pii-mask.mapper';

describe('personal data masking', () => {
  const ev = exampleEvent('appeal.submitted', { id: 'e-1', tenant: 'demo' }) as any;

  it('masks names, contacts, identity, text and file names of a submission, and keeps the rest', () => {
    const m = maskDocument(ev, MESSAGE_RULES);
    const text = JSON.stringify(m.value);
    for (const clear of ['Коваленко', 'o.kovalenko@example.com', '+380671234567', 'u-7f3c9a12', ev.data.text, 'photo-1.jpg']) expect(text).not.toContain(clear);
    expect(m.value.data.applicant.contacts.phone).toBe(`${MASK}67`);
    expect(m.value.data.applicant.contacts.email).toBe(`${MASK}@example.com`);
    expect(m.value.data.applicant.contacts.locale).toBe('uk');
    expect(m.value.data.caseRef).toBe(ev.data.caseRef);
    expect(m.value.data.topic).toEqual(ev.data.topic);
    expect(m.value.type).toBe('appeal.submitted');
    expect(m.fields).toEqual(
      expect.arrayContaining([
        { pointer: '/data/applicant/contacts/phone', kind: 'phone', hint: '67', revealable: true },
        { pointer: '/data/applicant/name/full', kind: 'name', revealable: true },
        expect.objectContaining({ pointer: '/data/text', kind: 'text', revealable: true }),
        { pointer: '/data/applicant/identity/subjectRef', kind: 'person-ref', revealable: true },
      ]),
    );
    // the original is left alone
    expect(ev.data.applicant.contacts.phone).toBe('+380671234567');
  });

  it('masks an applicant author but not an employee, and file contents are never revealable', () => {
    const doc = { data: { author: { kind: 'applicant', name: 'Петренко' }, files: [{ name: 'a.pdf', contentBase64: 'QUJD' }] }, x: { author: { kind: 'employee', name: 'Клерк' } } };
    const m = maskDocument(doc, MESSAGE_RULES);
    expect(m.value.data.author.name).toBe(MASK);
    expect(m.value.x.author.name).toBe('Клерк');
    expect(m.value.data.files[0].contentBase64).toBe(`${MASK} (3 B)`);
    expect(revealField(doc, MESSAGE_RULES, '/data/files/0/contentBase64')).toEqual({ ok: false, reason: 'pointer: a file-content field is never revealed here' });
    expect(revealField(doc, MESSAGE_RULES, '/data/author/name')).toMatchObject({ ok: true, value: 'Петренко' });
    expect(revealField(doc, MESSAGE_RULES, '/x/author/name')).toMatchObject({ ok: false });
  });

  it('masks everything under the data of a message nobody validated', () => {
    const doc = { type: 'appeal.submitted', data: { whatever: 'Іван Іванов, вул. Хрещатик 1', nested: [{ n: 42 }] } };
    const m = maskDocument(doc, MESSAGE_RULES, { unvalidatedUnder: '/data' });
    expect(m.value).toEqual({ type: 'appeal.submitted', data: { whatever: `${MASK} (28)`, nested: [{ n: MASK }] } });
    expect(revealField(doc, MESSAGE_RULES, '/data/nested/0/n', { unvalidatedUnder: '/data' })).toMatchObject({ ok: true, value: 42 });
  });

  it('masks history steps and case rows with their own rules', () => {
    const step = { step: 'answered', text: 'Відповідь', author: { kind: 'employee', name: 'Клерк' }, files: [{ name: 'відповідь.pdf' }] };
    expect(maskDocument(step, STEP_RULES).value).toEqual({ step: 'answered', text: `${MASK} (9)`, author: { kind: 'employee', name: 'Клерк' }, files: [{ name: MASK }] });
    const kase = { citizenRef: 'u-1', recipient: { phone: '+380671234567', locale: 'uk' } };
    expect(maskDocument(kase, CASE_RULES).fields.map((f) => f.pointer)).toEqual(['/citizenRef', '/recipient/phone']);
  });

  it('reads pointers safely', () => {
    expect(valueAt({ a: { 'b/c': [1, 2] } }, '/a/b~1c/1')).toBe(2);
    expect(valueAt({}, '/__proto__')).toBeUndefined();
    expect(valueAt({ a: 1 }, 'a')).toBeUndefined();
  });

  it('normalises and hashes contacts: phone digits, e-mail in lower case', () => {
    expect(contactHash('+38 (067) 123-45-67')).toEqual({ kind: 'phone', hash: tokenHash('380671234567') });
    expect(contactHash(' O.Kovalenko@Example.com ')).toEqual({ kind: 'email', hash: tokenHash('o.kovalenko@example.com') });
    expect(contactHash('12')).toBeUndefined();
    expect(contactHash('call me')).toBeUndefined();
  });
});
