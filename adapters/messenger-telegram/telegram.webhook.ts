import { createHash, timingSafeEqual } from 'node:crypto';
import sjson from 'secure-json-parse';
import type { WebhookOutcome, WebhookRequest } from '../../contracts';
import { inboundOf, updateIdOf } from './telegram.mapper';

/** The header Telegram echoes setWebhook's `secret_token` in (lower-case, as the hub gives headers). */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Updates are a few kilobytes; a bigger body is not one (and is not worth parsing). */
const MAX_UPDATE_BYTES = 1024 * 1024;

/**
 * Compares the header with the configured secret in constant time. Both sides are hashed first,
 * so neither the content nor the length of the secret leaks through timing.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Verifies and reads one webhook POST. Telegram signs nothing: the secret header proves the
 * sender, the body is trusted once it does. A verified body that is not an Update is answered
 * 200 with nothing read, because a non-2xx makes Telegram deliver the same garbage again and
 * holds up every later update of the bot. Never throws.
 */
export function readWebhook(request: WebhookRequest, secret: string): WebhookOutcome {
  const headers = request.headers ?? {};
  const given = headers[SECRET_HEADER];
  if (given === undefined) return { verified: false, detail: `missing ${SECRET_HEADER} header`, deliveries: [], inbound: [] };
  if (!secretMatches(given, secret)) return { verified: false, detail: `${SECRET_HEADER} does not match the configured secret`, deliveries: [], inbound: [] };
  const ignored = (detail: string): WebhookOutcome => ({ verified: true, detail, deliveries: [], inbound: [], reply: { status: 200 } });
  const raw = request.rawBody;
  if (!Buffer.isBuffer(raw) || raw.length === 0 || raw.length > MAX_UPDATE_BYTES) return ignored('body is not an Update (empty or too large); ignored');
  let update: unknown;
  try {
    // Rejects `__proto__` / `constructor.prototype` keys instead of letting them near an object.
    update = sjson.parse(raw.toString('utf8'), null, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return ignored('body is not JSON; ignored');
  }
  const updateId = updateIdOf(update);
  if (updateId === undefined) return ignored('JSON without an update_id; ignored');
  return { verified: true, dedupKey: `update:${updateId}`, deliveries: [], inbound: inboundOf(update), reply: { status: 200 } };
}
