import { canonicalJson, duplicateKey, parseTurboBody } from './turbo-json.codec';

describe('TurboSMS body parsing', () => {
  it('treats an empty body as absent and malformed JSON as 502 FAILED_PARSE_BODY', () => {
    expect(parseTurboBody('  ')).toEqual({ ok: true, value: undefined });
    const r = parseTurboBody('{"recipients":[');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ code: 502, status: 'FAILED_PARSE_BODY' });
  });

  it('refuses __proto__ / constructor / prototype keys at any depth with 300 INVALID_REQUEST', () => {
    for (const text of ['{"__proto__":{"x":1}}', '{"sms":{"constructor":{"prototype":{}}}}', '{"a":[{"prototype":1}]}']) {
      const r = parseTurboBody(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe(300);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses absurd nesting without blowing the stack', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const r = parseTurboBody(deep);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe(r.reason.startsWith('nesting') ? 300 : 502);
  });

  it('canonical JSON ignores key order and whitespace but not values or array order', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"a":{"y":[1,2],"x":"т"}}'))).toBe(canonicalJson({ a: { x: 'т', y: [1, 2] }, b: 1 }));
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('the duplicate key ignores a body token but depends on the caller token', () => {
    const body = { recipients: ['380501234567'], sms: { sender: 'CityInfo', text: 'x' } };
    expect(duplicateKey('t1', body)).toBe(duplicateKey('t1', { ...body, token: 't1' }));
    expect(duplicateKey('t1', body)).not.toBe(duplicateKey('t2', body));
    expect(duplicateKey('t1', body)).not.toBe(duplicateKey('t1', { ...body, sms: { sender: 'CityInfo', text: 'y' } }));
  });
});
