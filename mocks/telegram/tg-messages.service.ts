import type { TgBotContext } from './tg-bot.context';
import { chatOf, type ChatRecord, type TgSentLog } from './tg-chat-store.repository';
import { badRequest, TgApiError, tooManyRequests } from './tg-envelope.codec';
import { formatText, MESSAGE_TEXT_RULES, type ParsedText } from './tg-formatted-text.parser';
import type { TgParams } from './tg-params.reader';
import { checkReplyMarkup, type CheckedReplyMarkup } from './tg-reply-markup.validator';
import type { TgThrottle } from './tg-throttle.guard';
import type { TgMessage } from './tg-types.model';

/** What the send methods need. */
export interface TgMessagesDeps {
  sentLog: TgSentLog;
  throttle: TgThrottle;
  /** Any positive chat id is an existing private chat (benchmarks). */
  autoCreateChats: () => boolean;
}

/**
 * sendMessage and getChat. Checks run in the Bot API server's order: the text, the reply
 * markup, the chat, then what Telegram itself refuses (blocked, flood). Media uploads
 * (sendDocument, sendPhoto) are not modelled: no adapter sends files (README).
 */
export class TgMessagesService {
  /** @param deps the sent log, throttle and chat policy */
  constructor(private readonly deps: TgMessagesDeps) {}

  /** `sendMessage`. */
  sendMessage(bot: TgBotContext, p: TgParams): TgMessage {
    const text = formatText(p.str('text'), p.str('parse_mode'), p.str('entities'), MESSAGE_TEXT_RULES);
    const markup = checkReplyMarkup(p.str('reply_markup'));
    const chat = this.deliverableChat(bot, p);
    const message: TgMessage = { ...this.envelope(bot, chat), text: text.text };
    if (text.entities.length > 0) message.entities = text.entities;
    if (markup?.isInline) message.reply_markup = markup.markup;
    this.record(bot, chat, message, 'sendMessage', p, text, markup);
    return message;
  }

  /** `getChat` for a private chat. */
  getChat(bot: TgBotContext, p: TgParams): Record<string, unknown> {
    const chat = this.findChat(bot, p);
    return { ...chatOf(chat.citizen), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: true, limited_gifts: true, unique_gifts: true, premium_subscription: true } };
  }

  /** The chat a send goes to, checked for existence, blocking and flood limits. */
  private deliverableChat(bot: TgBotContext, p: TgParams): ChatRecord {
    const chat = this.findChat(bot, p);
    if (chat.blocked) throw new TgApiError(403, 'Forbidden: bot was blocked by the user');
    const wait = this.deps.throttle.take(bot.me.id, String(chat.citizen.id));
    if (wait !== null) throw tooManyRequests(wait);
    return chat;
  }

  private findChat(bot: TgBotContext, p: TgParams): ChatRecord {
    const raw = p.str('chat_id').trim();
    if (raw === '') throw badRequest('chat_id is empty');
    // Channel usernames (@name) and group ids are not modelled: such chats are "not found".
    if (!/^-?\d{1,20}$/.test(raw)) throw badRequest('chat not found');
    const id = Number(raw);
    const existing = Number.isSafeInteger(id) ? bot.chats.get(id) : undefined;
    if (existing !== undefined) return existing;
    if (this.deps.autoCreateChats() && Number.isSafeInteger(id) && id > 0) {
      return bot.chats.upsert({ id, firstName: `Citizen ${id}` }, true);
    }
    throw badRequest('chat not found');
  }

  private envelope(bot: TgBotContext, chat: ChatRecord): TgMessage {
    return { message_id: chat.nextMessageId++, from: bot.from, chat: chatOf(chat.citizen), date: bot.now() };
  }

  private record(bot: TgBotContext, chat: ChatRecord, message: TgMessage, method: string, p: TgParams, rendered: ParsedText | null, markup: CheckedReplyMarkup | null): void {
    const raw = p.str('text');
    const sent = this.deps.sentLog.append({
      bot: bot.account.username,
      chatId: chat.citizen.id,
      message_id: message.message_id,
      date: message.date,
      method,
      text: raw === '' ? null : raw,
      parse_mode: p.str('parse_mode') || null,
      rendered: rendered === null ? null : { text: rendered.text, entities: rendered.entities },
      reply_markup: markup?.markup ?? null,
      disable_notification: p.bool('disable_notification'),
    });
    chat.sent.push(sent);
  }
}
