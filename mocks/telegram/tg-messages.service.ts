import type { TgBotContext } from './tg-bot.context';
import { chatOf, type ChatRecord, type SentMessage, type TgSentLog } from './tg-chat-store.repository';
import { badRequest, TgApiError, tooManyRequests } from './tg-envelope.codec';
import { mimeTypeOf, type StoredFile, type TgFileStore } from './tg-file-store.repository';
import { CAPTION_RULES, formatText, MESSAGE_TEXT_RULES, type ParsedText } from './tg-formatted-text.parser';
import { sniffImage } from './tg-image-size.codec';
import type { TgParams } from './tg-params.reader';
import { checkReplyMarkup, type CheckedReplyMarkup } from './tg-reply-markup.validator';
import type { TgThrottle } from './tg-throttle.guard';
import type { TgMessage, TgPhotoSize } from './tg-types.model';

/** What the send methods need. */
export interface TgMessagesDeps {
  sentLog: TgSentLog;
  throttle: TgThrottle;
  files: TgFileStore;
  /** Any positive chat id is an existing private chat (benchmarks). */
  autoCreateChats: () => boolean;
}

type FileKind = StoredFile['kind'];

/**
 * sendMessage, sendDocument, sendPhoto and getChat. Checks run in the Bot API server's order:
 * the content (text, caption, file), the reply markup, the chat, then what Telegram itself
 * refuses (blocked, flood).
 */
export class TgMessagesService {
  /** @param deps the sent log, throttle, file store and chat policy */
  constructor(private readonly deps: TgMessagesDeps) {}

  /** `sendMessage`. */
  sendMessage(bot: TgBotContext, p: TgParams): TgMessage {
    const text = formatText(p.str('text'), p.str('parse_mode'), p.str('entities'), MESSAGE_TEXT_RULES);
    const markup = checkReplyMarkup(p.str('reply_markup'));
    const chat = this.deliverableChat(bot, p);
    const message: TgMessage = { ...this.envelope(bot, chat), text: text.text };
    if (text.entities.length > 0) message.entities = text.entities;
    if (markup?.isInline) message.reply_markup = markup.markup;
    this.record(bot, chat, message, 'sendMessage', p, text, markup, null);
    return message;
  }

  /** `sendDocument`: an uploaded file (multipart), a known file_id or an HTTP URL. */
  sendDocument(bot: TgBotContext, p: TgParams): TgMessage {
    return this.sendFile(bot, p, 'document');
  }

  /** `sendPhoto`: as sendDocument; an upload must be a PNG, JPEG, GIF or WebP image. */
  sendPhoto(bot: TgBotContext, p: TgParams): TgMessage {
    return this.sendFile(bot, p, 'photo');
  }

  /** `getChat` for a private chat. */
  getChat(bot: TgBotContext, p: TgParams): Record<string, unknown> {
    const chat = this.findChat(bot, p);
    return { ...chatOf(chat.citizen), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: true, limited_gifts: true, unique_gifts: true, premium_subscription: true } };
  }

  private sendFile(bot: TgBotContext, p: TgParams, kind: FileKind): TgMessage {
    const file = this.inputFile(p, kind);
    const caption = formatText(p.str('caption'), p.str('parse_mode'), p.str('caption_entities'), CAPTION_RULES);
    const markup = checkReplyMarkup(p.str('reply_markup'));
    const chat = this.deliverableChat(bot, p);
    const message: TgMessage = this.envelope(bot, chat);
    if (kind === 'document') {
      message.document = {
        file_id: file.stored.fileId,
        file_unique_id: file.stored.fileUniqueId,
        ...(file.stored.fileName !== null ? { file_name: file.stored.fileName } : {}),
        ...(file.stored.mimeType !== null ? { mime_type: file.stored.mimeType } : {}),
        file_size: file.stored.size,
      };
    } else {
      message.photo = photoSizes(file.stored);
    }
    if (caption.text !== '') message.caption = caption.text;
    if (caption.entities.length > 0) message.caption_entities = caption.entities;
    if (markup?.isInline) message.reply_markup = markup.markup;
    this.record(bot, chat, message, kind === 'document' ? 'sendDocument' : 'sendPhoto', p, caption.text === '' ? null : caption, markup, {
      kind,
      fileName: file.stored.fileName,
      size: file.stored.size,
      mimeType: file.stored.mimeType,
      fileId: file.stored.fileId,
      source: file.source,
    });
    return message;
  }

  private inputFile(p: TgParams, kind: FileKind): { stored: StoredFile; source: 'upload' | 'file_id' | 'url' } {
    const upload = p.file(kind);
    const value = p.str(kind);
    if (upload !== null) {
      if (upload.size === 0) throw badRequest('file must be non-empty');
      let dims: { width: number; height: number } | undefined;
      if (kind === 'photo') {
        const image = sniffImage(upload.head);
        if (image === null) throw new TgApiError(400, 'Bad Request: IMAGE_PROCESS_FAILED');
        dims = { width: image.width, height: image.height };
      }
      const stored = this.deps.files.put(
        { kind, fileName: upload.fileName === '' ? null : upload.fileName, mimeType: kind === 'photo' ? null : mimeTypeOf(upload.fileName, upload.contentType), size: upload.size, ...dims },
        upload.sha256,
      );
      return { stored, source: 'upload' };
    }
    if (value === '' || value.startsWith('attach://')) throw badRequest(`there is no ${kind} in the request`);
    const known = this.deps.files.get(value);
    if (known !== undefined) return { stored: known, source: 'file_id' };
    if (/^https?:\/\/[^\s/]+/i.test(value)) {
      // Telegram would download it; the mock records the URL and trusts it.
      const name = urlFileName(value);
      const stored = this.deps.files.put(
        { kind, fileName: kind === 'document' ? name : null, mimeType: kind === 'document' ? mimeTypeOf(name, null) : null, size: 0, ...(kind === 'photo' ? { width: 0, height: 0 } : {}) },
        Buffer.from(value).toString('hex').padEnd(18, '0'),
      );
      return { stored, source: 'url' };
    }
    throw badRequest('wrong file identifier/HTTP URL specified');
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

  private record(
    bot: TgBotContext,
    chat: ChatRecord,
    message: TgMessage,
    method: string,
    p: TgParams,
    rendered: ParsedText | null,
    markup: CheckedReplyMarkup | null,
    file: SentMessage['file'],
  ): void {
    const raw = method === 'sendMessage' ? p.str('text') : p.str('caption');
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
      file,
      disable_notification: p.bool('disable_notification'),
    });
    chat.sent.push(sent);
  }
}

const THUMB_SIDES = [90, 320, 800];
const MAX_PHOTO_SIDE = 2560;

/**
 * Telegram stores a photo in several sizes. The mock lists 90/320/800-pixel versions smaller
 * than the original plus the original (at most 2560 px on the long side); file sizes of the
 * smaller ones are estimated by area.
 */
function photoSizes(f: StoredFile): TgPhotoSize[] {
  const width = f.width ?? 0;
  const height = f.height ?? 0;
  const side = Math.max(width, height);
  const sizes: TgPhotoSize[] = [];
  const add = (scale: number, suffix: string) => {
    sizes.push({
      file_id: f.fileId + suffix,
      file_unique_id: f.fileUniqueId + suffix,
      width: Math.max(1, Math.round(width * scale)),
      height: Math.max(1, Math.round(height * scale)),
      file_size: Math.max(1, Math.round(f.size * scale * scale)),
    });
  };
  THUMB_SIDES.filter((s) => s < side).forEach((s, i) => add(s / side, `_${i}`));
  if (side === 0) sizes.push({ file_id: f.fileId, file_unique_id: f.fileUniqueId, width: 0, height: 0, file_size: f.size });
  else add(Math.min(1, MAX_PHOTO_SIDE / side), '');
  return sizes;
}

function urlFileName(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || null;
  } catch {
    return null;
  }
}
