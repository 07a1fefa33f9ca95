import { asObject, parseViberJson, tokenString } from './viber-json.codec';

describe('lossless Viber JSON', () => {
  it('keeps a message_token above 2^53 exact, where JSON.parse rounds it', () => {
    const raw = '{"status":0,"status_message":"ok","message_token":5098034272017990001,"chat_hostname":"SN-CHAT-05_"}';
    expect(String((JSON.parse(raw) as { message_token: number }).message_token)).not.toBe('5098034272017990001');
    const body = asObject(parseViberJson(raw))!;
    expect(body.status).toBe(0);
    expect(tokenString(body.message_token)).toBe('5098034272017990001');
  });

  it('keeps the largest unsigned 64-bit token and small tokens alike', () => {
    expect(tokenString(asObject(parseViberJson('{"t":18446744073709551615}'))!.t)).toBe('18446744073709551615');
    expect(tokenString(asObject(parseViberJson('{"t":42}'))!.t)).toBe('42');
    expect(tokenString('5466394344559121456')).toBe('5466394344559121456');
  });

  it('refuses values that are not token integers', () => {
    for (const v of [-1, 1.5, 'abc', '', '1e5', null, undefined, {}, 2 ** 60]) expect(tokenString(v)).toBeUndefined();
  });

  it('keeps __proto__ an own property instead of a prototype', () => {
    const o = asObject(parseViberJson('{"__proto__":{"polluted":1},"event":"x"}'))!;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((o as { polluted?: number }).polluted).toBeUndefined();
    expect(o.event).toBe('x');
  });

  it('throws on what is not JSON', () => {
    expect(() => parseViberJson('{"status":0,')).toThrow();
  });
});
