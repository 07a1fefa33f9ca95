import { GrammyError, HttpError } from 'grammy';
import { PermanentError, TransientError } from '../../contracts';

/**
 * Telegram refused this recipient, not the message or the bot: the hub records a `failed`
 * delivery and tries the next channel instead of retrying or dead-lettering.
 */
export interface RecipientRefusal {
  kind: 'refused';
  /** `telegram:403`, `telegram:400` or `telegram:migrated`. */
  code: string;
  /** For an operator; never holds the chat id or the text. */
  message: string;
  /** The chat no longer takes messages from the bot; the hub deactivates the link. */
  addressInactive: boolean;
}

/** What a failed Bot API call means for the hub. */
export type SendFailure = RecipientRefusal | TransientError | PermanentError;

/** Descriptions of 400s that are about the chat, not the message (Telegram has no finer code). */
const CHAT_GONE_400 = /chat not found|PEER_ID_INVALID|user not found|chat_id is empty/i;

/**
 * Telegram's `description` made safe for journals and dead-letter headers: quoted fragments
 * (`can't parse entities: Unsupported start tag "b2"` quotes the message) and long digit runs
 * (chat ids, phone numbers) are cut out, and the length is bounded.
 */
export function safeDescription(description: unknown): string {
  if (typeof description !== 'string') return 'no description';
  return description
    .replace(/"[^"]*"?/g, '"…"')
    .replace(/\d{7,}/g, '…')
    .replace(/[\r\n\t]+/g, ' ')
    .slice(0, 200);
}

/**
 * Classifies a failed sendMessage (see README "Failures"). Anything that is not a Bot API
 * answer or a network failure (a bug, a surprise) is transient, as `failureClassOf` would treat it.
 * @param err what grammY threw
 * @param method the Bot API method, for the message
 */
export function classifySendError(err: unknown, method = 'sendMessage'): SendFailure {
  if (err instanceof GrammyError) {
    const code = err.error_code;
    const what = `Telegram refused ${method}: ${typeof code === 'number' ? code : '?'} ${safeDescription(err.description)}`;
    if (typeof code !== 'number') return new TransientError(`Telegram answered ${method} with an envelope without error_code`);
    if (err.parameters?.migrate_to_chat_id !== undefined) {
      // A group became a supergroup: the old id is dead. The bot serves private chats, so the
      // new id is not followed; the chat has to be linked anew.
      return { kind: 'refused', code: 'telegram:migrated', message: 'the chat was migrated to a supergroup; link it anew', addressInactive: true };
    }
    if (code === 429) {
      const after = Number(err.parameters?.retry_after);
      return new TransientError(what, Number.isFinite(after) && after >= 0 ? after * 1000 : undefined);
    }
    // On sendMessage every 403 is about the chat: blocked, deactivated, kicked, never started.
    if (code === 403) return { kind: 'refused', code: 'telegram:403', message: safeDescription(err.description), addressInactive: true };
    if (code === 400 && CHAT_GONE_400.test(err.description ?? '')) {
      return { kind: 'refused', code: 'telegram:400', message: safeDescription(err.description), addressInactive: true };
    }
    if (code >= 500 || code === 409) return new TransientError(what);
    // 400 (message too long, bad HTML), 401 (token revoked), 404 (malformed token): repeats as is.
    return new PermanentError(what);
  }
  if (err instanceof HttpError) return new TransientError(`Telegram unreachable during ${method} (${networkReason(err.error)})`);
  if (err instanceof TransientError || err instanceof PermanentError) return err;
  return new TransientError(`Telegram ${method} failed unexpectedly (${err instanceof Error ? err.name : typeof err})`);
}

/**
 * Why the HTTP call failed, without the message of the underlying error: node-fetch puts the
 * request URL, and with it the bot token, into its messages.
 */
export function networkReason(cause: unknown): string {
  if (!cause || typeof cause !== 'object') return 'unknown';
  const c = cause as { name?: unknown; code?: unknown; type?: unknown; message?: unknown };
  if (c.name === 'AbortError' || c.type === 'aborted') return 'aborted or timed out';
  if (c.type === 'invalid-json') return 'the answer is not JSON';
  if (typeof c.code === 'string' && /^[A-Z_]{2,40}$/.test(c.code)) return c.code;
  if (typeof c.message === 'string' && /timed out/.test(c.message)) return 'timed out';
  return typeof c.name === 'string' && /^[A-Za-z]{1,40}$/.test(c.name) ? c.name : 'unknown';
}
