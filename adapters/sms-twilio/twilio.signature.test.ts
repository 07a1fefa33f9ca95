import { createHash, createHmac } from 'node:crypto';
import type { WebhookRequest } from '../../contracts';
import { checkCallbackSignature, formParams } from './twilio.signature';

/*
 * Signatures here are computed from the algorithm in external-systems.md §5.4 (HMAC-SHA1 over the
 * URL plus the sorted `key+value` pairs, base64), independently of the twilio package the
 * adapter verifies with.
 */
const TOKEN = 'auth-token-for-tests';

function sign(url: string, params: Record<string, string | string[]>, token = TOKEN): string {
  let data = url;
  for (const k of Object.keys(params).sort()) {
    const v = params[k];
    for (const x of Array.isArray(v) ? [...new Set(v)].sort() : [v]) data += k + x;
  }
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

const params = { MessageSid: `SM${'1'.repeat(32)}`, MessageStatus: 'delivered', To: '+380501234567', ApiVersion: '2010-04-01' };
const body = new URLSearchParams(params).toString();

function request(url: string, signature: string | undefined, raw = body): WebhookRequest {
  return { method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) }, rawBody: Buffer.from(raw) };
}

describe('checkCallbackSignature', () => {
  const url = 'https://hub.example/v1/webhooks/sms-twilio?x=1';

  it('accepts a genuine callback and returns its parameters', () => {
    const r = checkCallbackSignature(TOKEN, request(url, sign(url, params)));
    expect(r.verified).toBe(true);
    expect(r.verified && { ...r.params }).toEqual(params);
  });

  it('accepts the URL signed with the default port while received without it, and the reverse', () => {
    expect(checkCallbackSignature(TOKEN, request(url, sign('https://hub.example:443/v1/webhooks/sms-twilio?x=1', params))).verified).toBe(true);
    expect(checkCallbackSignature(TOKEN, request('https://hub.example:443/v1/webhooks/sms-twilio?x=1', sign(url, params))).verified).toBe(true);
  });

  it('refuses a missing header, another token, a changed body, URL or query', () => {
    expect(checkCallbackSignature(TOKEN, request(url, undefined))).toEqual({ verified: false, detail: 'no X-Twilio-Signature header' });
    expect(checkCallbackSignature(TOKEN, request(url, sign(url, params, 'another-token'))).verified).toBe(false);
    expect(checkCallbackSignature(TOKEN, request(url, sign(url, params), `${body}&Extra=1`)).verified).toBe(false);
    expect(checkCallbackSignature(TOKEN, request(url, sign(url, params), body.replace('delivered', 'failed'))).verified).toBe(false);
    expect(checkCallbackSignature(TOKEN, request(url.replace('x=1', 'x=2'), sign(url, params))).verified).toBe(false);
  });

  it('never throws on garbage', () => {
    const sig = sign(url, params);
    for (const raw of ['{', '\u0000\uffff', '%E0%A4%A', 'a'.repeat(100_000), '__proto__=1&constructor=2']) {
      expect(checkCallbackSignature(TOKEN, request(url, sig, raw)).verified).toBe(false);
    }
    expect(checkCallbackSignature(TOKEN, request('not a url', sig)).verified).toBe(false);
  });

  it('checks JSON callbacks by bodySHA256', () => {
    const json = JSON.stringify({ MessageSid: params.MessageSid, MessageStatus: 'read' });
    const hashed = `https://hub.example/hook?bodySHA256=${createHash('sha256').update(json).digest('hex')}`;
    const ok = checkCallbackSignature(TOKEN, request(hashed, sign(hashed, {}), json));
    expect(ok.verified && ok.params.MessageStatus).toBe('read');
    expect(checkCallbackSignature(TOKEN, request(hashed, sign(hashed, {}), `${json} `)).verified).toBe(false);
  });
});

describe('formParams', () => {
  it('keeps repeated keys as arrays and prototype names as plain keys', () => {
    const p = formParams('A=1&A=2&B=%2B+x&__proto__=p');
    expect({ ...p }).toEqual({ A: ['1', '2'], B: '+ x', ['__proto__']: 'p' });
    expect(Object.getPrototypeOf(p)).toBeNull();
  });
});
