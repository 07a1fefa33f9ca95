import { createHmac } from 'node:crypto';

/** Parameters of a signed form post; an array contributes once per distinct value. */
export type SignedParams = Readonly<Record<string, string | readonly string[]>>;

/**
 * The `X-Twilio-Signature` of a form-encoded webhook, computed the way twilio-node's
 * `getExpectedTwilioSignature` checks it: the full URL (query included, exactly as configured),
 * then every POST parameter sorted by key appended as key + value (array values de-duplicated
 * and sorted), HMAC-SHA1 keyed with the account's auth token, base64.
 *
 * Written independently of the SDK on purpose: the tests prove it against `validateRequest`.
 */
export function twilioSignature(authToken: string, url: string, params: SignedParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (typeof value === 'string') data += key + value;
    else for (const v of [...new Set(value)].sort()) data += key + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}
