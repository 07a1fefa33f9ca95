import { createHmac } from 'node:crypto';
import { signatureOf, verifyViberSignature, viberSignature } from './viber.signature';

const TOKEN = '4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f';
const body = Buffer.from('{"event":"delivered","timestamp":1457764197627,"message_token":4912661846655238145,"user_id":"01234567890A="}');

describe('Viber callback signature', () => {
  it('is hex HMAC-SHA256 of the raw body keyed with the auth token', () => {
    expect(viberSignature(TOKEN, body)).toBe(createHmac('sha256', TOKEN).update(body).digest('hex'));
    expect(viberSignature(TOKEN, body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the right signature in lower or upper case', () => {
    const sig = viberSignature(TOKEN, body);
    expect(verifyViberSignature(TOKEN, body, sig)).toBe(true);
    expect(verifyViberSignature(TOKEN, body, sig.toUpperCase())).toBe(true);
  });

  it('refuses another key, another body, a truncated or non-hex signature, and none', () => {
    const sig = viberSignature(TOKEN, body);
    expect(verifyViberSignature(`${TOKEN}x`, body, sig)).toBe(false);
    expect(verifyViberSignature(TOKEN, Buffer.concat([body, Buffer.from(' ')]), sig)).toBe(false);
    expect(verifyViberSignature(TOKEN, body, sig.slice(0, 62))).toBe(false);
    expect(verifyViberSignature(TOKEN, body, `${sig.slice(0, 62)}xx`)).toBe(false);
    expect(verifyViberSignature(TOKEN, body, undefined)).toBe(false);
    expect(verifyViberSignature(TOKEN, body, '')).toBe(false);
  });

  it('reads the lower-case header first, else the ?sig= query parameter', () => {
    expect(signatureOf({ 'x-viber-content-signature': ' abc ' }, 'https://hub/v1/webhooks/viber?sig=def')).toBe('abc');
    expect(signatureOf({}, 'https://hub/v1/webhooks/viber?sig=def')).toBe('def');
    expect(signatureOf({}, '/v1/webhooks/viber?sig=def')).toBe('def');
    expect(signatureOf({ X_Viber_Content_Signature: 'abc' } as Record<string, string>, '/v1/webhooks/viber')).toBeUndefined();
  });
});
