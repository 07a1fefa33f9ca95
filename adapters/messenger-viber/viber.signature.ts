import { createHmac, timingSafeEqual } from 'node:crypto';

/** Viber's callback signature: hex HMAC-SHA256 of the exact raw body, keyed with the auth token. */
export function viberSignature(authToken: string, rawBody: Buffer): string {
  return createHmac('sha256', authToken).update(rawBody).digest('hex');
}

/**
 * The signature a callback carries: the `x-viber-content-signature` header, else a `sig` query
 * parameter (the official middleware accepts both). The SDK's own header lookup uses a name
 * Node never produces; header names here are lower-case as the hub hands them over.
 */
export function signatureOf(headers: Readonly<Record<string, string>>, url: string): string | undefined {
  const header = headers['x-viber-content-signature'];
  if (header) return header.trim();
  try {
    return new URL(url, 'http://callback.invalid').searchParams.get('sig') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `signature` is the body's signature. Compared in constant time on the decoded bytes;
 * anything that is not 64 hex digits fails without comparing.
 */
export function verifyViberSignature(authToken: string, rawBody: Buffer, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', authToken).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
