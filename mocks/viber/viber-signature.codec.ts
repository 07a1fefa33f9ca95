import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of every callback Viber POSTs to a webhook. */
export const SIGNATURE_HEADER = 'X-Viber-Content-Signature';

/**
 * The callback signature: lowercase hex HMAC-SHA256 with the bot's auth token as key, over the
 * exact raw body bytes (§9.6). Signing the raw bytes, not a re-serialization, is the point: a
 * receiver that verifies a re-stringified body fails against the real service too.
 */
export function signViberBody(authToken: string, rawBody: string | Buffer): string {
  return createHmac('sha256', authToken).update(rawBody).digest('hex');
}

/** Checks a signature in constant time (for the mock's own tests and tools). */
export function verifyViberSignature(authToken: string, rawBody: string | Buffer, signature: string): boolean {
  const expected = Buffer.from(signViberBody(authToken, rawBody), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
