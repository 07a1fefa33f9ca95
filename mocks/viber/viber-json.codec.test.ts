import { createHmac } from 'node:crypto';
import { parse as losslessParse, isLosslessNumber } from 'lossless-json';
import { parseRequestJson, toRawJson } from './viber-json.codec';
import { signViberBody, verifyViberSignature } from './viber-signature.codec';
import { FIRST_MESSAGE_TOKEN, MessageTokenSequence, newViberUserId } from './viber-id.generator';
import { statusMessage, VIBER_STATUS } from './viber-status.constants';

describe('viber JSON codec', () => {
  it('writes a BigInt token as a raw JSON number that plain JSON.parse corrupts and lossless-json keeps', () => {
    const text = toRawJson({ status: 0, status_message: 'ok', message_token: FIRST_MESSAGE_TOKEN, chat_hostname: 'SN-CHAT-05_' });
    expect(text).toBe('{"status":0,"status_message":"ok","message_token":5098034272017990001,"chat_hostname":"SN-CHAT-05_"}');
    expect(FIRST_MESSAGE_TOKEN > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    const naive = JSON.parse(text) as { message_token: number };
    expect(String(naive.message_token)).not.toBe('5098034272017990001');
    expect(BigInt(naive.message_token)).not.toBe(FIRST_MESSAGE_TOKEN);
    const lossless = losslessParse(text) as { message_token: unknown };
    expect(isLosslessNumber(lossless.message_token)).toBe(true);
    expect(String(lossless.message_token)).toBe('5098034272017990001');
  });

  it('serializes nested values like JSON.stringify, dropping undefined properties', () => {
    const v = { a: [1, 'x', null, { b: true, c: undefined, t: 18446744073709551615n }], s: 'кирилиця "лапки"\n', n: 1.5 };
    expect(toRawJson(v)).toBe('{"a":[1,"x",null,{"b":true,"t":18446744073709551615}],"s":"кирилиця \\"лапки\\"\\n","n":1.5}');
  });

  it('hands out increasing tokens above 2^53', () => {
    const seq = new MessageTokenSequence();
    const a = seq.take();
    const b = seq.take();
    expect(b - a).toBe(1n);
    expect(a).toBe(5098034272017990001n);
  });

  it('generates base64 user ids like the real ones', () => {
    const ids = new Set(Array.from({ length: 200 }, () => newViberUserId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it.each([
    ['', 'empty'],
    ['{"receiver":', 'syntax'],
    ['[1,2]', 'not-object'],
    ['"text"', 'not-object'],
    ['null', 'not-object'],
    ['{"__proto__":{"polluted":true}}', 'forbidden-key'],
    ['{"sender":{"constructor":{"prototype":{}}}}', 'forbidden-key'],
    [`{"a":${'['.repeat(100)}${']'.repeat(100)}}`, 'too-deep'],
  ])('refuses %s as %s without throwing', (text, reason) => {
    const r = parseRequestJson(text);
    expect(r).toEqual({ ok: false, reason });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts text that merely mentions a forbidden word', () => {
    const r = parseRequestJson('{"text":"the constructor of __proto__"}');
    expect(r).toEqual({ ok: true, value: { text: 'the constructor of __proto__' } });
  });

  it('names every status of the §9.3 table', () => {
    expect(statusMessage(VIBER_STATUS.invalidAuthToken)).toBe('invalidAuthToken');
    expect(statusMessage(12)).toBe('tooManyRequests');
    expect(statusMessage(20)).toBe('unsupportedMedia');
    expect(statusMessage(99)).toBe('generalError');
  });
});

describe('viber signature codec', () => {
  it('is lowercase hex HMAC-SHA256 of the raw bytes keyed by the auth token', () => {
    const token = '4453b6ac12345678-e02c5f12174805f9-9f4c5d6e7a8b9c0d';
    const body = '{"event":"delivered","timestamp":1,"message_token":5098034272017990001,"user_id":"a+b/c=="}';
    const independent = createHmac('sha256', Buffer.from(token, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex');
    expect(signViberBody(token, body)).toBe(independent);
    expect(signViberBody(token, body)).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyViberSignature(token, body, independent.toUpperCase())).toBe(true);
    expect(verifyViberSignature(token, body.replace('delivered', 'seen'), independent)).toBe(false);
    expect(verifyViberSignature('other-token-value', body, independent)).toBe(false);
    expect(verifyViberSignature(token, body, 'short')).toBe(false);
  });
});
