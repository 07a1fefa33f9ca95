import { intQuery, MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { TgBotContext } from './tg-bot.context';
import { chatOf, userOf, type ChatRecord, type SentMessage, type TgCitizen, type TgSentLog } from './tg-chat-store.repository';
import type { TgChat, TgMessage, TgMessageEntity, TgUpdate, TgUser } from './tg-types.model';

/** Picks a bot by username; the first configured bot when absent. */
export type BotResolver = (username?: string | null) => TgBotContext;

/** Which bot an admin operation is about (default: the first bot). */
export interface BotSelector {
  /** The bot's username. */
  bot?: string;
}

/** A citizen opening a private chat with the bot. */
export interface OpenChatInput extends BotSelector {
  /** The citizen's user id = the chat id; generated (from 700000001) when absent. */
  chatId?: number;
  firstName: string;
  lastName?: string;
  /** Without `@`. */
  username?: string;
  /** IETF tag, e.g. `uk`, `ru`, `en`. */
  languageCode?: string;
}

/** A chat as the admin API shows it. */
export interface ChatView {
  bot: string;
  chat: TgChat;
  user: TgUser;
  blocked: boolean;
  /** Created by a send with `autoCreateChats`, not opened by a citizen. */
  autoCreated: boolean;
  /** Messages the bot sent to it. */
  sentCount: number;
  /** Messages the citizen wrote. */
  receivedCount: number;
}

/** What a citizen's action produced. */
export interface CitizenMessageResult {
  message: TgMessage;
  /** The update emitted; null when the bot's `allowed_updates` excludes messages. */
  update: TgUpdate | null;
}

/** A page of the messages all bots sent. */
export interface SentPage {
  messages: SentMessage[];
  /** Messages in this page. */
  count: number;
  /** Messages kept since the last reset. */
  total: number;
  /** `seq` to pass as `since` for the next page. */
  lastSeq: number;
}

const DEEP_LINK_PAYLOAD = /^[A-Za-z0-9_-]{1,64}$/;
const COMMAND = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)/;

/**
 * The citizen's side of the chats, in process (`mock.chats`) and under `/__admin/chats`: open
 * a chat, write to the bot (including `/start <payload>` deep links), block and unblock it, and
 * read what the bot sent.
 */
export class TgChatsApi {
  /**
   * @param resolveBot picks the bot an operation targets
   * @param sentLog every message the bots sent
   */
  constructor(
    private readonly resolveBot: BotResolver,
    private readonly sentLog: TgSentLog,
  ) {}

  /**
   * Creates the citizen and the private chat, or updates the profile of an existing one.
   * @throws MockAdminError(400) on invalid input, 404 for an unknown bot
   */
  open(input: OpenChatInput): TgChat {
    const bot = this.resolveBot(input?.bot);
    const citizen = checkCitizen(input, () => bot.chats.freshId());
    return chatOf(bot.chats.upsert(citizen).citizen);
  }

  /** One chat. @throws MockAdminError(404) */
  get(chatId: number, sel: BotSelector = {}): ChatView {
    const bot = this.resolveBot(sel.bot);
    return view(bot, this.chat(bot, chatId));
  }

  /** Every chat of a bot. */
  list(sel: BotSelector = {}): ChatView[] {
    const bot = this.resolveBot(sel.bot);
    return bot.chats.list().map((c) => view(bot, c));
  }

  /**
   * The citizen writes `text`; emits a `message` update (with a `bot_command` entity when the
   * text starts with a command). Writing to a bot one blocked unblocks it first, as the
   * "Restart" button does.
   * @throws MockAdminError 404 unknown chat, 400 invalid text
   */
  send(chatId: number, text: string, sel: BotSelector = {}): CitizenMessageResult {
    if (typeof text !== 'string' || text.trim() === '' || text.length > 4096) {
      throw new MockAdminError(400, 'text must be a non-blank string of at most 4096 characters');
    }
    const bot = this.resolveBot(sel.bot);
    const chat = this.chat(bot, chatId);
    if (chat.blocked) this.setBlocked(bot, chat, false);
    const message: TgMessage = { message_id: chat.nextMessageId++, from: userOf(chat.citizen), chat: chatOf(chat.citizen), date: bot.now(), text };
    const command = COMMAND.exec(text);
    if (command) message.entities = [{ type: 'bot_command', offset: 0, length: command[0].length } satisfies TgMessageEntity];
    chat.received++;
    return { message, update: bot.emit('message', chat.citizen.id, { message })?.update ?? null };
  }

  /**
   * The citizen follows `t.me/<bot>?start=<payload>`: the client sends `/start <payload>`.
   * @throws MockAdminError 400 when the payload is not 1-64 of `[A-Za-z0-9_-]`, 404 unknown chat
   */
  start(chatId: number, payload?: string, sel: BotSelector = {}): CitizenMessageResult {
    if (payload !== undefined && (typeof payload !== 'string' || !DEEP_LINK_PAYLOAD.test(payload))) {
      throw new MockAdminError(400, 'payload must be 1-64 characters of [A-Za-z0-9_-] (a deep-link start parameter)');
    }
    return this.send(chatId, payload === undefined ? '/start' : `/start ${payload}`, sel);
  }

  /** The citizen blocks the bot: later sends get 403; a `my_chat_member` (kicked) update is emitted. */
  block(chatId: number, sel: BotSelector = {}): ChatView {
    const bot = this.resolveBot(sel.bot);
    const chat = this.chat(bot, chatId);
    if (!chat.blocked) this.setBlocked(bot, chat, true);
    return view(bot, chat);
  }

  /** The citizen unblocks the bot; a `my_chat_member` (member) update is emitted. */
  unblock(chatId: number, sel: BotSelector = {}): ChatView {
    const bot = this.resolveBot(sel.bot);
    const chat = this.chat(bot, chatId);
    if (chat.blocked) this.setBlocked(bot, chat, false);
    return view(bot, chat);
  }

  /** What the bot sent to the chat, oldest first. @throws MockAdminError(404) */
  messages(chatId: number, sel: BotSelector = {}): SentMessage[] {
    const bot = this.resolveBot(sel.bot);
    return [...this.chat(bot, chatId).sent];
  }

  /** Messages every bot sent with `seq` > `since` (for bulk checks), at most `limit`. */
  sent(options: { since?: number; limit?: number } = {}): SentPage {
    const messages = this.sentLog.since(options.since ?? 0, options.limit);
    return {
      messages,
      count: messages.length,
      total: this.sentLog.count,
      lastSeq: messages.length > 0 ? messages[messages.length - 1].seq : Math.max(options.since ?? 0, 0),
    };
  }

  /** The `/__admin/chats` and `/__admin/sent` endpoints. */
  routes(): AdminRoute[] {
    const base = '/__admin/chats';
    const sel = (ctx: AdminContext): BotSelector => ({ bot: ctx.query.get('bot') ?? undefined });
    const id = (ctx: AdminContext) => chatIdParam(ctx.params.chatId);
    return [
      {
        method: 'POST',
        path: base,
        handle: (ctx) => {
          const b = objectBody(ctx, ['chatId', 'firstName', 'lastName', 'username', 'languageCode', 'bot']);
          return { status: 201, body: this.open({ ...(b as unknown as OpenChatInput), bot: (b.bot as string | undefined) ?? sel(ctx).bot }) };
        },
      },
      { method: 'GET', path: base, handle: (ctx) => ({ body: { chats: this.list(sel(ctx)) } }) },
      { method: 'GET', path: `${base}/:chatId`, handle: (ctx) => ({ body: this.get(id(ctx), sel(ctx)) }) },
      {
        method: 'POST',
        path: `${base}/:chatId/messages`,
        handle: (ctx) => ({ status: 201, body: this.send(id(ctx), objectBody(ctx, ['text']).text as string, sel(ctx)) }),
      },
      { method: 'GET', path: `${base}/:chatId/messages`, handle: (ctx) => ({ body: { messages: this.messages(id(ctx), sel(ctx)) } }) },
      {
        method: 'POST',
        path: `${base}/:chatId/start`,
        handle: (ctx) => ({ status: 201, body: this.start(id(ctx), objectBody(ctx, ['payload']).payload as string | undefined, sel(ctx)) }),
      },
      { method: 'POST', path: `${base}/:chatId/block`, handle: (ctx) => ({ body: this.block(id(ctx), sel(ctx)) }) },
      { method: 'POST', path: `${base}/:chatId/unblock`, handle: (ctx) => ({ body: this.unblock(id(ctx), sel(ctx)) }) },
      {
        method: 'GET',
        path: '/__admin/sent',
        handle: (ctx) => ({ body: this.sent({ since: intQuery(ctx.query, 'since'), limit: intQuery(ctx.query, 'limit') }) }),
      },
    ];
  }

  private chat(bot: TgBotContext, chatId: number): ChatRecord {
    const chat = Number.isSafeInteger(chatId) ? bot.chats.get(chatId) : undefined;
    if (chat === undefined) throw new MockAdminError(404, `no chat ${chatId} with @${bot.account.username}`);
    return chat;
  }

  private setBlocked(bot: TgBotContext, chat: ChatRecord, blocked: boolean): void {
    chat.blocked = blocked;
    const member = (status: 'member' | 'kicked') => (status === 'kicked' ? { user: bot.from, status, until_date: 0 } : { user: bot.from, status });
    bot.emit('my_chat_member', chat.citizen.id, {
      my_chat_member: {
        chat: chatOf(chat.citizen),
        from: userOf(chat.citizen),
        date: bot.now(),
        old_chat_member: member(blocked ? 'member' : 'kicked'),
        new_chat_member: member(blocked ? 'kicked' : 'member'),
      },
    });
  }
}

function view(bot: TgBotContext, c: ChatRecord): ChatView {
  return {
    bot: bot.account.username,
    chat: chatOf(c.citizen),
    user: userOf(c.citizen),
    blocked: c.blocked,
    autoCreated: c.autoCreated,
    sentCount: c.sent.length,
    receivedCount: c.received,
  };
}

function checkCitizen(input: OpenChatInput, freshId: () => number): TgCitizen {
  if (typeof input !== 'object' || input === null) throw new MockAdminError(400, 'a chat needs at least { firstName }');
  const problems: string[] = [];
  const text = (k: keyof OpenChatInput, re: RegExp, what: string) => {
    const v = input[k];
    if (v !== undefined && (typeof v !== 'string' || !re.test(v))) problems.push(`${k} must be ${what}`);
  };
  if (input.firstName === undefined) problems.push('firstName is required');
  text('firstName', /^(?=.*\S)[^\u0000-\u001f]{1,64}$/, 'a non-blank string of at most 64 characters');
  text('lastName', /^[^\u0000-\u001f]{0,64}$/, 'a string of at most 64 characters');
  text('username', /^[A-Za-z][A-Za-z0-9_]{4,31}$/, '5-32 characters of [A-Za-z0-9_] starting with a letter, without "@"');
  text('languageCode', /^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'an IETF language tag such as uk, ru or en');
  if (input.chatId !== undefined && !(Number.isSafeInteger(input.chatId) && input.chatId > 0)) problems.push('chatId must be a positive integer');
  if (problems.length > 0) throw new MockAdminError(400, `invalid chat: ${problems.join('; ')}`, { problems });
  return {
    id: input.chatId ?? freshId(),
    firstName: input.firstName,
    ...(input.lastName ? { lastName: input.lastName } : {}),
    ...(input.username ? { username: input.username } : {}),
    ...(input.languageCode ? { languageCode: input.languageCode } : {}),
  };
}

function objectBody(ctx: AdminContext, allowed: string[]): Record<string, unknown> {
  const v = ctx.json();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MockAdminError(400, 'body must be a JSON object');
  const unknown = Object.keys(v).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new MockAdminError(400, `unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return v as Record<string, unknown>;
}

function chatIdParam(raw: string): number {
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new MockAdminError(400, 'chat id must be a positive integer');
  return Number(raw);
}
