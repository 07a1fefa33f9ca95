import type { DeliveryReport, InboundMessage, NotificationDispatch } from '../../contracts';
import type { RecipientRefusal } from './telegram.errors';

/** What the adapter sends with sendMessage. */
export interface SendMessageCall {
  chatId: number | string;
  text: string;
  other: { parse_mode?: 'HTML' };
}

/** The part of Telegram's `Message` the adapter reads. */
export interface SentMessage {
  message_id: number;
  date?: number;
  chat: { id: number | string };
}

/**
 * The chat id a dispatch addresses, or undefined when the address cannot be one. Private chat
 * ids are integers below 2^53 (Telegram guarantees 52 significant bits), so they are sent as
 * JSON numbers, as Telegram's own clients do.
 */
export function chatIdOf(address: string): number | undefined {
  if (!/^-?[0-9]{1,16}$/.test(address)) return undefined;
  const id = Number(address);
  return Number.isSafeInteger(id) && id !== 0 ? id : undefined;
}

/**
 * The sendMessage call for a dispatch. Without `parseMode` the text is plain: characters like
 * `<` or `*` in a citizen's address line are shown as typed, never parsed as markup.
 */
export function sendMessageCall(dispatch: NotificationDispatch, chatId: number, parseMode?: 'HTML'): SendMessageCall {
  return { chatId, text: dispatch.text, other: parseMode ? { parse_mode: parseMode } : {} };
}

/**
 * `<chat_id>:<message_id>`: `message_id` is unique only within its chat.
 */
export function providerMessageIdOf(message: SentMessage): string {
  return `${message.chat.id}:${message.message_id}`;
}

/**
 * The delivery report for a message Telegram took. Always `sent`: the Bot API has no delivery
 * or read receipts, and a successful sendMessage means the message is in the chat.
 * @param now used when the answer lacks `date`
 */
export function sentReport(dispatchId: string, message: SentMessage, now: Date): DeliveryReport {
  const at = typeof message.date === 'number' && message.date > 0 ? new Date(message.date * 1000) : now;
  return { dispatchId, providerMessageId: providerMessageIdOf(message), status: 'sent', occurredAt: at.toISOString() };
}

/**
 * The delivery report for a recipient Telegram refused. No message exists, so the provider
 * message id is `dispatch:<dispatchId>` (the hub maps it by `dispatchId` anyway).
 */
export function refusedReport(dispatchId: string, refusal: Pick<RecipientRefusal, 'code' | 'message' | 'addressInactive'>, now: Date): DeliveryReport {
  return {
    dispatchId,
    providerMessageId: `dispatch:${dispatchId}`,
    status: 'failed',
    failure: { code: refusal.code, message: refusal.message.slice(0, 500) || refusal.code },
    ...(refusal.addressInactive ? { addressInactive: true } : {}),
    occurredAt: now.toISOString(),
  };
}

/** The journal's view of a dispatch: ids and sizes only, never the chat id or the text. */
export function requestSummary(dispatch: NotificationDispatch, parseMode?: 'HTML'): Record<string, unknown> {
  return {
    method: 'sendMessage',
    dispatchId: dispatch.dispatchId,
    notificationId: dispatch.notificationId,
    priority: dispatch.priority,
    locale: dispatch.locale,
    textLength: dispatch.text.length,
    parseMode: parseMode ?? 'none',
  };
}

/** The journal's view of a report: status, code and Telegram's per-chat `message_id`, no chat id. */
export function responseSummary(report: DeliveryReport, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const messageId = report.status === 'failed' ? undefined : Number(report.providerMessageId.split(':').pop());
  return {
    status: report.status,
    ...(messageId !== undefined && Number.isFinite(messageId) ? { messageId } : {}),
    ...(report.failure ? { failureCode: report.failure.code } : {}),
    ...(report.addressInactive ? { addressInactive: true } : {}),
    ...extra,
  };
}

/** A deep-link payload: Telegram allows up to 64 characters of `A-Z a-z 0-9 _ -`. */
const DEEP_LINK_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
/** `/start`, optionally addressed to the bot (`/start@my_bot`), then the rest of the message. */
const START_COMMAND = /^\/start(?:@[A-Za-z0-9_]{1,64})?(?:\s+([\s\S]*))?$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const chatIdString = (v: unknown): string | undefined => ((typeof v === 'number' && Number.isSafeInteger(v)) || (typeof v === 'string' && /^-?[0-9]{1,20}$/.test(v)) ? String(v) : undefined);

/** The `update_id` of an Update, when it has a usable one. */
export function updateIdOf(update: unknown): number | undefined {
  const id = isObj(update) ? update.update_id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : undefined;
}

/**
 * What a citizen did, read from one Update. Only private chats count (the bot notifies
 * citizens one to one; groups it was added to are ignored). `/start <payload>` opens the bot
 * from a deep link (`t.me/<bot>?start=<token>`); a payload outside the deep-link alphabet is
 * not a token, so it comes through as a start without one. Blocking the bot arrives as
 * `my_chat_member` with the new status `kicked`. Everything else (media, edits, unblocking)
 * yields nothing: unblocking alone links nothing until the citizen sends `/start` again.
 */
export function inboundOf(update: unknown): InboundMessage[] {
  if (!isObj(update)) return [];
  const message = update.message;
  if (isObj(message) && isObj(message.chat) && message.chat.type === 'private') {
    const address = chatIdString(message.chat.id);
    const text = message.text;
    if (!address || typeof text !== 'string' || text.length === 0) return [];
    const from = isObj(message.from) ? message.from : {};
    const language = typeof from.language_code === 'string' && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(from.language_code) ? from.language_code : undefined;
    const lang = language ? { language } : {};
    const start = START_COMMAND.exec(text.trim());
    if (start) {
      const payload = start[1]?.trim();
      return [{ kind: 'start', channel: 'telegram', address, ...(payload && DEEP_LINK_PAYLOAD.test(payload) ? { token: payload } : {}), ...lang }];
    }
    return [{ kind: 'text', channel: 'telegram', address, text, ...lang }];
  }
  const member = update.my_chat_member;
  if (isObj(member) && isObj(member.chat) && member.chat.type === 'private' && isObj(member.new_chat_member)) {
    const address = chatIdString(member.chat.id);
    if (address && member.new_chat_member.status === 'kicked') return [{ kind: 'unsubscribed', channel: 'telegram', address }];
  }
  return [];
}
