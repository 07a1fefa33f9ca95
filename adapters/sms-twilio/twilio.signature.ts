import secureJson from 'secure-json-parse';
import { validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import type { WebhookRequest } from '../../contracts';
import type { CallbackParams } from './twilio.mapper';

/** Status callbacks are a few hundred bytes; anything far larger is not one. */
const MAX_CALLBACK_BYTES = 64 * 1024;

/** The result of checking a callback's `X-Twilio-Signature`. */
export type SignatureCheck = { verified: true; params: CallbackParams } | { verified: false; detail: string };

/**
 * Reads an `application/x-www-form-urlencoded` body; a repeated key becomes an array, as
 * Twilio's validator expects. The result has no prototype, so no key can reach one.
 * @param body the body as text
 */
export function formParams(body: string): CallbackParams {
  const out = Object.create(null) as CallbackParams;
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Verifies `X-Twilio-Signature` the way twilio-node does (HMAC-SHA1 with the auth token over the
 * URL called plus the sorted form parameters; the URL is tried with and without its port). A URL
 * carrying `bodySHA256` is a JSON callback: the signature covers the URL and the hash the body.
 * Never throws.
 * @param authToken the account's auth token
 * @param request the callback exactly as received
 */
export function checkCallbackSignature(authToken: string, request: WebhookRequest): SignatureCheck {
  const signature = request.headers['x-twilio-signature'];
  if (!signature) return { verified: false, detail: 'no X-Twilio-Signature header' };
  if (request.rawBody.length > MAX_CALLBACK_BYTES) return { verified: false, detail: `body of ${request.rawBody.length} bytes is too large for a status callback` };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { verified: false, detail: 'the callback URL cannot be parsed' };
  }
  // Invalid UTF-8 becomes U+FFFD here, so a mangled body fails the signature rather than throwing.
  const body = request.rawBody.toString('utf8');
  try {
    if (url.searchParams.has('bodySHA256')) {
      if (!validateRequestWithBody(authToken, signature, request.url, body)) return { verified: false, detail: 'X-Twilio-Signature or bodySHA256 does not match' };
      return { verified: true, params: jsonParams(body) };
    }
    const params = formParams(body);
    if (!validateRequest(authToken, signature, request.url, params)) return { verified: false, detail: 'X-Twilio-Signature does not match' };
    return { verified: true, params };
  } catch {
    return { verified: false, detail: 'the callback cannot be checked' };
  }
}

/** Top-level scalar fields of a JSON callback body, as strings. */
function jsonParams(body: string): CallbackParams {
  const out = Object.create(null) as CallbackParams;
  let v: unknown;
  try {
    v = secureJson.parse(body, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return out;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
  return out;
}
