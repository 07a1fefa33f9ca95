import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks';
import { twilioSignature } from './twilio-signature.codec';

const TOKEN = '12345';
const PARAMS = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered', To: '+380501112233', From: '+15005550006', ApiVersion: '2010-04-01' };

describe('twilioSignature', () => {
  it('is what twilio-node expects for a URL with a query string', () => {
    const url = 'https://hub.example.org/webhooks/twilio/status?tenant=kyiv&x=1';
    expect(twilioSignature(TOKEN, url, PARAMS)).toBe(getExpectedTwilioSignature(TOKEN, url, PARAMS));
    expect(validateRequest(TOKEN, twilioSignature(TOKEN, url, PARAMS), url, PARAMS)).toBe(true);
  });

  it('validates with and without the default port, as the SDK checks both', () => {
    const withPort = 'https://hub.example.org:443/cb?a=b';
    const sig = twilioSignature(TOKEN, withPort, PARAMS);
    expect(validateRequest(TOKEN, sig, 'https://hub.example.org/cb?a=b', PARAMS)).toBe(true);
    const withoutPort = 'http://hub.example.org/cb';
    expect(validateRequest(TOKEN, twilioSignature(TOKEN, withoutPort, PARAMS), 'http://hub.example.org:80/cb', PARAMS)).toBe(true);
  });

  it('sorts keys and de-duplicates and sorts array values like the SDK', () => {
    const url = 'http://127.0.0.1:8080/cb';
    const params = { b: '2', a: '1', MediaUrl: ['https://x/2', 'https://x/1', 'https://x/2'] };
    expect(twilioSignature(TOKEN, url, params)).toBe(getExpectedTwilioSignature(TOKEN, url, params));
  });

  it('depends on the token, the URL and every parameter', () => {
    const url = 'http://127.0.0.1:8080/cb';
    const sig = twilioSignature(TOKEN, url, PARAMS);
    expect(validateRequest('other', sig, url, PARAMS)).toBe(false);
    expect(validateRequest(TOKEN, sig, url + '?x=1', PARAMS)).toBe(false);
    expect(validateRequest(TOKEN, sig, url, { ...PARAMS, MessageStatus: 'sent' })).toBe(false);
    expect(sig).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it('hashes non-ASCII values as UTF-8', () => {
    const url = 'https://hub.example.org/cb?місто=Київ';
    const params = { Body: 'Привіт, світ' };
    expect(twilioSignature(TOKEN, url, params)).toBe(getExpectedTwilioSignature(TOKEN, url, params));
  });
});
