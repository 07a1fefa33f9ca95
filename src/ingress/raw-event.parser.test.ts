import { CLOUDEVENTS_CONTENT_TYPE, MAX_CONTRACT_ERRORS, exampleEvent } from '../../contracts';
import { ParseLimits, ParseOutcome, maxDepth, parseRawEvent, peekValue } from './raw-event.parser';

const CT = CLOUDEVENTS_CONTENT_TYPE;
const LIMITS: ParseLimits = { maxBodyBytes: 1024 * 1024, maxJsonDepth: 64 };

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const example = (): Record<string, unknown> => exampleEvent('appeal.submitted') as unknown as Record<string, unknown>;

function failure(outcome: ParseOutcome): Extract<ParseOutcome, { ok: false }> {
  if (outcome.ok) throw new Error('expected the message to be rejected, but it was accepted');
  return outcome;
}
const reasons = (outcome: ParseOutcome): string[] => failure(outcome).errors.map((e) => e.reason);

describe('raw-event.parser', () => {
  describe('parseRawEvent', () => {
    it('accepts a valid example event', () => {
      const outcome = parseRawEvent(json(example()), CT, LIMITS);

      expect(outcome.ok).toBe(true);
      expect(outcome.ok && outcome.event).toEqual(example());
    });

    describe('size', () => {
      it('rejects a body over the size limit before reading it, without a peek', () => {
        const body = json({ ...example(), padding: 'x'.repeat(2000) });

        const outcome = failure(parseRawEvent(body, CT, { ...LIMITS, maxBodyBytes: 1024 }));

        expect(outcome.errors).toEqual([{ pointer: '', reason: `message is ${body.length} bytes; the limit is 1024 bytes (send large files by URL)` }]);
        expect(outcome.peek).toEqual({});
      });

      it('accepts a body exactly at the size limit', () => {
        const body = json(example());

        expect(parseRawEvent(body, CT, { ...LIMITS, maxBodyBytes: body.length }).ok).toBe(true);
      });
    });

    describe('content type', () => {
      it('reports a missing content type and still validates the body', () => {
        const outcome = failure(parseRawEvent(json(example()), undefined, LIMITS));

        expect(reasons(outcome)).toEqual([`content type is missing; send ${CT} (CloudEvents structured mode)`]);
        expect(outcome.peek).toMatchObject({ id: example().id, tenant: 'kyiv' });
      });

      it.each(['application/json', 'text/plain', 'application/cloudevents-batch+json'])('rejects content type %s', (ct) => {
        expect(reasons(parseRawEvent(json(example()), ct, LIMITS))).toEqual([`content type must be ${CT} (CloudEvents structured mode)`]);
      });

      it.each(['application/cloudevents+json; charset=utf-8', 'application/cloudevents+json;charset=UTF-8', 'Application/CloudEvents+JSON'])('accepts content type %s', (ct) => {
        expect(parseRawEvent(json(example()), ct, LIMITS).ok).toBe(true);
      });

      it('accepts a quoted utf-8 charset, which HTTP treats as the same value', () => {
        expect(parseRawEvent(json(example()), 'application/cloudevents+json; charset="utf-8"', LIMITS).ok).toBe(true);
      });

      it.each(['iso-8859-1', 'windows-1251', 'utf-16'])('rejects charset=%s', (charset) => {
        expect(reasons(parseRawEvent(json(example()), `${CT}; charset=${charset}`, LIMITS))).toEqual(['charset must be utf-8']);
      });
    });

    it('rejects an empty body', () => {
      expect(reasons(parseRawEvent(Buffer.alloc(0), CT, LIMITS))).toEqual(['message body is empty']);
    });

    it('reports a wrong content type together with an empty body', () => {
      expect(reasons(parseRawEvent(Buffer.alloc(0), 'text/plain', LIMITS))).toEqual([`content type must be ${CT} (CloudEvents structured mode)`, 'message body is empty']);
    });

    it('rejects a body that is not valid UTF-8', () => {
      const body = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);

      expect(reasons(parseRawEvent(body, CT, LIMITS))).toEqual(['message body is not valid UTF-8']);
    });

    describe('nesting depth', () => {
      it('rejects JSON nested deeper than the limit', () => {
        const body = Buffer.from('{"a":[{"b":[{}]}]}'); // 5 levels

        const outcome = failure(parseRawEvent(body, CT, { ...LIMITS, maxJsonDepth: 4 }));

        expect(reasons(outcome)).toEqual(['JSON is nested deeper than 4 levels']);
        expect(outcome.peek).toEqual({});
      });

      it('accepts an event whose nesting is exactly at the limit', () => {
        // The example's deepest path is envelope > data > applicant > contacts: 4 levels.
        expect(parseRawEvent(json(example()), CT, { ...LIMITS, maxJsonDepth: 4 }).ok).toBe(true);
        expect(reasons(parseRawEvent(json(example()), CT, { ...LIMITS, maxJsonDepth: 3 }))).toEqual(['JSON is nested deeper than 3 levels']);
      });

      it('does not count brackets inside strings toward the depth', () => {
        const event: Record<string, unknown> = { ...example(), note: '[[[[[[{{{{{{' };
        (event.data as Record<string, unknown>).text = '[[[[{{{{ "quoted" \\ ]]]] [[[[';

        expect(parseRawEvent(json(event), CT, { ...LIMITS, maxJsonDepth: 4 }).ok).toBe(true);
      });
    });

    describe('prototype pollution', () => {
      afterEach(() => {
        delete (Object.prototype as Record<string, unknown>).polluted;
      });

      it('refuses a __proto__ key without polluting Object.prototype', () => {
        const body = Buffer.from(`{"__proto__":{"polluted":"yes"},${JSON.stringify(example()).slice(1)}`);

        const outcome = failure(parseRawEvent(body, CT, LIMITS));

        expect(reasons(outcome)).toEqual(['property names "__proto__" and "constructor.prototype" are not allowed']);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
      });

      it('refuses a nested constructor.prototype key without polluting Object.prototype', () => {
        const body = Buffer.from(`{"data":{"constructor":{"prototype":{"polluted":"yes"}}},${JSON.stringify({ ...example(), data: undefined }).slice(1)}`);

        const outcome = failure(parseRawEvent(body, CT, LIMITS));

        expect(reasons(outcome)).toEqual(['property names "__proto__" and "constructor.prototype" are not allowed']);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      });
    });

    it.each(['[1,2]', '"appeal"', '42', 'null', 'true'])('rejects non-object JSON %s', (text) => {
      expect(reasons(parseRawEvent(Buffer.from(text), CT, LIMITS))).toEqual(['message must be a JSON object (a CloudEvent in structured mode)']);
    });

    describe('JSON syntax errors', () => {
      const EMAIL = 'olena.kovalenko@example.com';
      const NAME = 'Коваленко Олена';
      const broken = [
        `{"name":"${NAME}","email":"${EMAIL}" "x":1}`,
        `{"name":"${NAME}","email": ${EMAIL}}`,
        `{"name":"${NAME}","email":"${EMAIL}"`,
        `{"name":"${NAME}","email":"${EMAIL}`,
        `{"email":"${EMAIL}",}`,
        `${EMAIL}`,
        `{'name':'${NAME}'}`,
      ];

      it.each(broken)('reports %s as invalid JSON without quoting the input', (text) => {
        const rs = reasons(parseRawEvent(Buffer.from(text), CT, LIMITS));

        expect(rs).toHaveLength(1);
        expect(rs[0]).toMatch(/^not valid JSON/);
        for (const r of rs) {
          expect(r).not.toContain(EMAIL);
          expect(r).not.toContain('olena');
          expect(r).not.toContain(NAME);
          expect(r).not.toContain('Коваленко');
        }
      });

      it('does not mistake a syntax error near the word "prototype" for a forbidden key', () => {
        // V8 quotes the input in some syntax errors; the word must not be read as the parser's own verdict.
        expect(reasons(parseRawEvent(Buffer.from('{"kind": prototype}'), CT, LIMITS))).toEqual([expect.stringMatching(/^not valid JSON/)]);
      });
    });

    describe('contract errors', () => {
      it('reports contract violations with pointers', () => {
        const outcome = failure(parseRawEvent(json({ ...example(), time: undefined }), CT, LIMITS));

        expect(outcome.errors.some((e) => e.pointer === '' || e.pointer === '/time')).toBe(true);
      });

      it('refuses NUL characters in envelope strings', () => {
        const outcome = failure(parseRawEvent(json({ ...example(), correlationid: 'abc\u0000def' }), CT, LIMITS));

        expect(outcome.errors).toContainEqual({ pointer: '/correlationid', reason: expect.stringMatching(/^value contains a NUL character/) });
      });
    });

    describe('strings the journal cannot store', () => {
      // Built as JSON text on purpose: the escapes are what a hostile sender writes.
      const withText = (fragment: string): Buffer => {
        const text = JSON.stringify(example());
        return Buffer.from(text.replace('"data":{', `"data":{${fragment},`));
      };
      const storageErrors = (body: Buffer) => failure(parseRawEvent(body, CT, LIMITS)).errors.filter((e) => /NUL|surrogate/.test(e.reason));

      it('refuses a key that is a lone low surrogate, pointing at the object that holds it and saying "key"', () => {
        const errors = failure(parseRawEvent(Buffer.from('{"\\uDFAA": 0}'), CT, LIMITS)).errors;

        expect(errors).toContainEqual({ pointer: '', reason: expect.stringMatching(/^key number 1 of this object contains an unpaired UTF-16 surrogate/) });
      });

      it('refuses a nested key with a lone high surrogate by its position, and every pointer stays storable', () => {
        const errors = storageErrors(withText('"note":"ok","\\uD800x":1'));

        expect(errors).toEqual([{ pointer: '/data', reason: expect.stringMatching(/^key number 2 of this object contains an unpaired/) }]);
        const all = failure(parseRawEvent(withText('"\\uD800x":1'), CT, LIMITS)).errors;
        for (const e of all) expect(/[\uD800-\uDFFF]|\u0000/.test(e.pointer + e.reason)).toBe(false);
      });

      it('points the schema\'s "unknown property" error for such a key at its object, not at a replacement character', () => {
        const all = failure(parseRawEvent(withText('"\\uD800x":1'), CT, LIMITS)).errors;

        const unknown = all.find((e) => /unknown property/.test(e.reason));
        expect(unknown?.pointer).toBe('/data');
        for (const e of all) expect(e.pointer).not.toContain('\uFFFD');
      });

      it('refuses a value with a lone surrogate at its RFC 6901 pointer (~0 and ~1 escaped)', () => {
        const errors = storageErrors(withText('"a/b~c":{"list":["fine","\\uDC00"]}'));

        expect(errors).toEqual([{ pointer: '/data/a~1b~0c/list/1', reason: expect.stringMatching(/^value contains an unpaired UTF-16 surrogate/) }]);
      });

      it('refuses \\u0000 in a key and in a value anywhere', () => {
        const errors = storageErrors(withText('"k\\u0000":1,"v":"x\\u0000y"'));

        expect(errors).toEqual([
          { pointer: '/data', reason: expect.stringMatching(/^key number 1 of this object contains a NUL character/) },
          { pointer: '/data/v', reason: expect.stringMatching(/^value contains a NUL character/) },
        ]);
      });

      it('accepts a correctly paired surrogate (an emoji written as two escapes)', () => {
        const body = Buffer.from(JSON.stringify({ ...example(), data: { ...(example().data as object), text: 'x' } }).replace('"text":"x"', '"text":"\\uD83D\\uDE00 thanks"'));

        expect(parseRawEvent(body, CT, LIMITS).ok).toBe(true);
      });

      it('never quotes the input in a reason', () => {
        const errors = storageErrors(withText('"secret-name-\\uD800":1,"v":"secret-value-\\u0000"'));

        expect(errors).toHaveLength(2);
        for (const e of errors) expect(e.reason).not.toMatch(/secret/);
      });

      it('caps more than 50 errors at 50, the last saying how many were left out', () => {
        // 60 extension attributes with object values give exactly one contract error each; the missing
        // content type adds one more: 61 errors, of which 49 are kept and 12 left out.
        const event = example();
        for (let i = 0; i < 60; i++) event[`x${i}`] = {};

        const outcome = failure(parseRawEvent(json(event), undefined, LIMITS));

        expect(outcome.errors).toHaveLength(MAX_CONTRACT_ERRORS);
        expect(outcome.errors[0].reason).toMatch(/^content type is missing/);
        expect(outcome.errors[MAX_CONTRACT_ERRORS - 1]).toEqual({ pointer: '', reason: '12 more errors not shown' });
      });

      it('keeps exactly 50 errors as they are', () => {
        // 49 bad attributes + the missing content type = 50 errors, nothing left out.
        const event = example();
        for (let i = 0; i < 49; i++) event[`x${i}`] = {};

        const outcome = failure(parseRawEvent(json(event), undefined, LIMITS));

        expect(outcome.errors).toHaveLength(MAX_CONTRACT_ERRORS);
        expect(outcome.errors.at(-1)).toEqual({ pointer: '/x48', reason: 'must be a string, an integer or a boolean' });
      });
    });

    describe('peek', () => {
      const invalid = (overrides: Record<string, unknown>): Record<string, unknown> => ({ ...example(), time: 'yesterday', ...overrides });

      it('fills id, source, type and tenant of a rejected event', () => {
        const outcome = failure(parseRawEvent(json(invalid({})), CT, LIMITS));

        expect(outcome.peek).toEqual({ id: example().id, source: example().source, type: 'appeal.submitted', tenant: 'kyiv', caseRef: 'EP-2024-000123' });
      });

      it('fills the case reference from data.caseRef, else subject, and none when the two differ', () => {
        const data = example().data as Record<string, unknown>;
        const peekOf = (overrides: Record<string, unknown>) => failure(parseRawEvent(json(invalid(overrides)), CT, LIMITS)).peek.caseRef;
        expect(peekOf({ subject: undefined })).toBe('EP-2024-000123');
        expect(peekOf({ data: { ...data, caseRef: undefined } })).toBe('EP-2024-000123');
        expect(peekOf({ subject: 'EP-OTHER' })).toBeUndefined();
        expect(peekOf({ subject: undefined, data: { ...data, caseRef: 'x'.repeat(129) } })).toBeUndefined();
        expect(peekOf({ subject: undefined, data: 'not an object' })).toBeUndefined();
      });

      it('leaves out multi-line and over-long values', () => {
        const outcome = failure(parseRawEvent(json(invalid({ id: 'line1\nline2', source: `https://x.example/${'a'.repeat(512)}`, type: 't'.repeat(257) })), CT, LIMITS));

        expect(outcome.peek).toEqual({ id: undefined, source: undefined, type: undefined, tenant: 'kyiv', caseRef: 'EP-2024-000123' });
      });

      it('leaves out a tenant that does not match the tenant pattern', () => {
        expect(failure(parseRawEvent(json(invalid({ tenant: 'Kyiv City' })), CT, LIMITS)).peek.tenant).toBeUndefined();
        expect(failure(parseRawEvent(json(invalid({ tenant: 'k'.repeat(64) })), CT, LIMITS)).peek.tenant).toBeUndefined();
        expect(failure(parseRawEvent(json(invalid({ tenant: 'k'.repeat(63) })), CT, LIMITS)).peek.tenant).toBe('k'.repeat(63));
      });

      it('leaves out non-string values', () => {
        const outcome = failure(parseRawEvent(json(invalid({ id: 42, tenant: ['kyiv'] })), CT, LIMITS));

        expect(outcome.peek.id).toBeUndefined();
        expect(outcome.peek.tenant).toBeUndefined();
      });
    });
  });

  describe('maxDepth', () => {
    const depth = (text: string, limit = 100): number => maxDepth(Buffer.from(text), limit);

    it('counts nested objects and arrays', () => {
      expect(depth('1')).toBe(0);
      expect(depth('{}')).toBe(1);
      expect(depth('[[[]]]')).toBe(3);
      expect(depth('{"a":[1,{"b":{}}],"c":[]}')).toBe(4);
    });

    it('ignores brackets inside strings', () => {
      expect(depth('{"a":"[[[[{{{{"}')).toBe(1);
      expect(depth('{"[[[[":"]]]]}}}}"}')).toBe(1);
    });

    it('ignores an escaped quote inside a string', () => {
      // The string is `"[`; the escaped quote must not end the string early.
      expect(depth('{"a":"\\"["}')).toBe(1);
      expect(depth('{"a":"\\"[[[[","b":1}')).toBe(1);
    });

    it('ends a string after an escaped backslash', () => {
      // The string is a single backslash; the bracket after it is real nesting.
      expect(depth('{"a":"\\\\","b":[[1]]}')).toBe(3);
    });

    it('stops counting as soon as the limit is passed', () => {
      expect(maxDepth(Buffer.from('['.repeat(1_000_000)), 10)).toBe(11);
    });
  });

  describe('peekValue', () => {
    it('returns a single-line string within the limit', () => {
      expect(peekValue('abc', 3)).toBe('abc');
      expect(peekValue('Київ', 10)).toBe('Київ');
    });

    it.each([
      ['an over-long string', 'abcd'],
      ['an empty string', ''],
      ['a string with a newline', 'a\nb'],
      ['a string with a tab', 'a\tb'],
      ['a string with NUL', 'a\u0000b'],
      ['a string with a lone surrogate', 'a\uD800'],
      ['a string with DEL', 'a\u007fb'],
      ['a number', 42],
      ['null', null],
      ['an object', { id: 'a' }],
    ])('returns undefined for %s', (_label, value) => {
      expect(peekValue(value, 3)).toBeUndefined();
    });
  });
});
