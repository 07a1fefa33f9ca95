import type { TgChat, TgMessageEntity, TgUser } from './tg-types.model';

/** The citizen on the other side of a private chat. */
export interface TgCitizen {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
}

/** A message the bot sent, as the admin API shows it. */
export interface SentMessage {
  /** Increasing over all bots; `GET /__admin/sent?since=` pages by it. */
  seq: number;
  /** Username of the bot that sent it. */
  bot: string;
  chatId: number;
  message_id: number;
  /** Unix time, seconds. */
  date: number;
  /** The API method (sendMessage; a method a webhook reply ran is recorded the same way). */
  method: string;
  /** Text exactly as the bot sent it, markup included. */
  text: string | null;
  parse_mode: string | null;
  /** What the citizen sees: the text after markup parsing and trimming, and its entities. */
  rendered: { text: string; entities: TgMessageEntity[] } | null;
  reply_markup: unknown;
  disable_notification: boolean;
}

/** One private chat between a bot and a citizen. */
export interface ChatRecord {
  citizen: TgCitizen;
  blocked: boolean;
  /** Created by a send while `autoCreateChats` is on, rather than opened by the citizen. */
  autoCreated: boolean;
  /** Message ids are one sequence per chat, shared by both sides, as in a private chat. */
  nextMessageId: number;
  sent: SentMessage[];
  /** Messages the citizen wrote. */
  received: number;
}

const FIRST_GENERATED_ID = 700_000_001;

/** The private chats of one bot, keyed by chat id. */
export class TgChatStore {
  private readonly chats = new Map<string, ChatRecord>();
  private nextGenerated = FIRST_GENERATED_ID;

  /** The chat with that id (number or numeric string), if it exists. */
  get(chatId: number | string): ChatRecord | undefined {
    return this.chats.get(String(chatId));
  }

  /** Every chat, in creation order. */
  list(): ChatRecord[] {
    return [...this.chats.values()];
  }

  /** Number of chats. */
  get size(): number {
    return this.chats.size;
  }

  /** Creates the chat, or updates the citizen's profile when it exists. */
  upsert(citizen: TgCitizen, autoCreated = false): ChatRecord {
    const existing = this.chats.get(String(citizen.id));
    if (existing) {
      existing.citizen = citizen;
      return existing;
    }
    const record: ChatRecord = { citizen, blocked: false, autoCreated, nextMessageId: 1, sent: [], received: 0 };
    this.chats.set(String(citizen.id), record);
    return record;
  }

  /** A chat id no chat uses yet. */
  freshId(): number {
    while (this.chats.has(String(this.nextGenerated))) this.nextGenerated++;
    return this.nextGenerated++;
  }

  /** Forgets every chat. */
  clear(): void {
    this.chats.clear();
    this.nextGenerated = FIRST_GENERATED_ID;
  }
}

/** The `Chat` object of a private chat. */
export function chatOf(citizen: TgCitizen): TgChat {
  // Field order as Telegram writes it: id, names, username, type.
  return {
    id: citizen.id,
    first_name: citizen.firstName,
    ...(citizen.lastName ? { last_name: citizen.lastName } : {}),
    ...(citizen.username ? { username: citizen.username } : {}),
    type: 'private',
  };
}

/** The `User` object of a citizen. */
export function userOf(citizen: TgCitizen): TgUser {
  const user: TgUser = { id: citizen.id, is_bot: false, first_name: citizen.firstName };
  if (citizen.lastName) user.last_name = citizen.lastName;
  if (citizen.username) user.username = citizen.username;
  if (citizen.languageCode) user.language_code = citizen.languageCode;
  return user;
}

/**
 * Every message the bots sent, oldest first. Sequence numbers are contiguous, so `since` is an
 * index computation rather than a scan (a benchmark reads 100 000 of them).
 */
export class TgSentLog {
  private items: SentMessage[] = [];
  private nextSeq = 1;

  /** Assigns the next sequence number and keeps the message. */
  append(message: Omit<SentMessage, 'seq'>): SentMessage {
    const stored = { seq: this.nextSeq++, ...message };
    this.items.push(stored);
    return stored;
  }

  /** Messages with `seq` greater than `since`, at most `limit`. */
  since(since: number, limit = Number.MAX_SAFE_INTEGER): SentMessage[] {
    const first = this.items.length > 0 ? this.items[0].seq : this.nextSeq;
    const from = Math.max(0, since - first + 1);
    return this.items.slice(from, from + limit);
  }

  /** Messages kept. */
  get count(): number {
    return this.items.length;
  }

  /** Sequence number of the newest message (0 when none was ever sent). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Forgets every message; sequence numbers keep counting so `since` stays meaningful. */
  clear(): void {
    this.items = [];
  }
}
