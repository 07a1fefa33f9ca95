import { messageIdKey, type ParsedContent } from './smtp-message.parser';

/** A message the mock accepted (250 after DATA), with its SMTP envelope and session facts. */
export interface CapturedMessage extends ParsedContent {
  /** Arrival number since the last reset, from 0: the position in `messages()` until old ones are evicted. */
  index: number;
  /** The id in the `250 … queued as <queueId>` reply the client got. */
  queueId: string;
  receivedAt: string;
  /** MAIL FROM ('' for the null sender) and the accepted RCPT TO addresses, as sent. */
  envelope: { from: string; to: string[] };
  /** Size of the whole source in bytes, as received (after dot-unstuffing). */
  size: number;
  /** The kept raw source is cut at `maxRawBytes`. */
  rawTruncated: boolean;
  /** The AUTH user, or null when the client did not log in. */
  authUser: string | null;
  /** The session was encrypted (STARTTLS or implicit TLS). */
  secure: boolean;
  /** The EHLO/HELO name the client gave. */
  heloName: string;
  remoteAddress: string;
  /** Index of the first message kept with the same Message-ID, when this one repeats it. */
  duplicateOf: number | null;
}

/** A Message-ID received more than once. */
export interface DuplicateMessageId {
  /** As the first copy carried it (angle brackets included). */
  messageId: string;
  count: number;
  /** Indexes of every copy, oldest first. */
  indexes: number[];
}

/** Filters of {@link MessageRepository.list}. */
export interface MessageQuery {
  /** Only messages with this envelope recipient (case-insensitive). */
  to?: string;
  /** Only copies with this Message-ID (angle brackets optional). */
  messageId?: string;
  /** Only messages with an index at least this. */
  fromIndex?: number;
  /** At most this many (the oldest matching ones). */
  limit?: number;
}

/** Limits of the store. */
export interface MessageStoreLimits {
  /** The oldest messages are evicted beyond this many. */
  maxMessages: number;
  /** Raw sources are kept up to this many bytes each. */
  maxRawBytes: number;
  /** The raw sources of the oldest messages are dropped while all kept ones exceed this. */
  maxTotalRawBytes: number;
}

interface Entry {
  message: CapturedMessage;
  raw: Buffer | null;
}

/**
 * The accepted messages, in order of acceptance. Every lookup the SMTP path and a test use is a
 * Map (Message-ID, recipient) or an array offset (index), so the store stays O(1) per message
 * through a 100 000-message run; memory is bounded by the limits.
 */
export class MessageRepository {
  private entries: (Entry | undefined)[] = [];
  /** Index of entries[0]. */
  private offset = 0;
  private nextIndex = 0;
  private kept = 0;
  private readonly byId = new Map<string, number[]>();
  private readonly duplicateKeys = new Set<string>();
  private readonly byRecipient = new Map<string, number[]>();
  private rawTotal = 0;
  /** Oldest index whose raw may still be kept. */
  private rawCursor = 0;

  /** @param limits memory bounds */
  constructor(private readonly limits: MessageStoreLimits) {}

  /** Stores a message; the index and `duplicateOf` are assigned here. The result is frozen. */
  add(input: Omit<CapturedMessage, 'index' | 'duplicateOf' | 'rawTruncated'>, raw: Buffer): CapturedMessage {
    const index = this.nextIndex++;
    const key = input.messageId === null ? null : messageIdKey(input.messageId);
    const copies = key === null ? undefined : this.byId.get(key);
    const keptRaw = ownCopy(raw.subarray(0, this.limits.maxRawBytes));
    const message = deepFreeze<CapturedMessage>({
      ...input,
      index,
      rawTruncated: keptRaw.length < raw.length,
      duplicateOf: copies?.[0] ?? null,
    });
    this.entries.push({ message, raw: keptRaw });
    this.kept++;
    this.rawTotal += keptRaw.length;
    if (key !== null) {
      if (copies) {
        copies.push(index);
        this.duplicateKeys.add(key);
      } else {
        this.byId.set(key, [index]);
      }
    }
    for (const rcpt of new Set(input.envelope.to.map((a) => a.toLowerCase()))) {
      const list = this.byRecipient.get(rcpt);
      if (list) list.push(index);
      else this.byRecipient.set(rcpt, [index]);
    }
    while (this.kept > this.limits.maxMessages) this.evictOldest();
    this.enforceRawBudget();
    return message;
  }

  /** The message with this index, if still kept. */
  get(index: number): CapturedMessage | undefined {
    return this.entry(index)?.message;
  }

  /**
   * The kept raw source of a message.
   * @returns undefined for an unknown index; `raw: null` when it was dropped to stay within `maxTotalRawBytes`
   */
  raw(index: number): { raw: Buffer | null; truncated: boolean } | undefined {
    const e = this.entry(index);
    return e === undefined ? undefined : { raw: e.raw, truncated: e.message.rawTruncated };
  }

  /** Messages in order of acceptance, newest last. */
  list(query: MessageQuery = {}): CapturedMessage[] {
    const from = query.fromIndex ?? 0;
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let indexes: Iterable<number>;
    if (query.messageId !== undefined) indexes = this.byId.get(messageIdKey(query.messageId)) ?? [];
    else if (query.to !== undefined) indexes = this.byRecipient.get(query.to.trim().toLowerCase()) ?? [];
    else indexes = range(Math.max(from, this.nextIndex - this.kept), this.nextIndex);
    const wantTo = query.to?.trim().toLowerCase();
    const out: CapturedMessage[] = [];
    for (const i of indexes) {
      if (out.length >= limit) break;
      if (i < from) continue;
      const m = this.get(i);
      if (m === undefined) continue;
      if (wantTo !== undefined && query.messageId !== undefined && !m.envelope.to.some((a) => a.toLowerCase() === wantTo)) continue;
      out.push(m);
    }
    return out;
  }

  /** The first kept copy with this Message-ID (angle brackets optional). */
  byMessageId(messageId: string): CapturedMessage | undefined {
    const first = this.byId.get(messageIdKey(messageId))?.[0];
    return first === undefined ? undefined : this.get(first);
  }

  /** Message-IDs kept more than once, in order of their first copy. */
  duplicates(): DuplicateMessageId[] {
    const out: DuplicateMessageId[] = [];
    for (const key of this.duplicateKeys) {
      const indexes = this.byId.get(key) ?? [];
      out.push({ messageId: this.get(indexes[0])?.messageId ?? `<${key}>`, count: indexes.length, indexes: [...indexes] });
    }
    return out.sort((a, b) => a.indexes[0] - b.indexes[0]);
  }

  /** Counts for the info endpoint. */
  stats(): { messages: number; received: number; uniqueMessageIds: number; duplicateMessageIds: number; rawBytesKept: number } {
    return {
      messages: this.kept,
      received: this.nextIndex,
      uniqueMessageIds: this.byId.size,
      duplicateMessageIds: this.duplicateKeys.size,
      rawBytesKept: this.rawTotal,
    };
  }

  /** Forgets every message; indexes start again at 0. */
  clear(): void {
    this.entries = [];
    this.offset = 0;
    this.nextIndex = 0;
    this.kept = 0;
    this.byId.clear();
    this.duplicateKeys.clear();
    this.byRecipient.clear();
    this.rawTotal = 0;
    this.rawCursor = 0;
  }

  private entry(index: number): Entry | undefined {
    if (!Number.isInteger(index) || index < this.offset) return undefined;
    return this.entries[index - this.offset];
  }

  private evictOldest(): void {
    const firstKept = this.nextIndex - this.kept;
    const e = this.entry(firstKept);
    this.entries[firstKept - this.offset] = undefined;
    this.kept--;
    if (e !== undefined) {
      this.rawTotal -= e.raw?.length ?? 0;
      const { messageId, envelope } = e.message;
      if (messageId !== null) {
        const key = messageIdKey(messageId);
        const copies = this.byId.get(key);
        // Copies are in index order, so the evicted (oldest) one is first.
        copies?.shift();
        if (!copies || copies.length === 0) this.byId.delete(key);
        if (!copies || copies.length < 2) this.duplicateKeys.delete(key);
      }
      for (const rcpt of new Set(envelope.to.map((a) => a.toLowerCase()))) {
        const list = this.byRecipient.get(rcpt);
        list?.shift();
        if (!list || list.length === 0) this.byRecipient.delete(rcpt);
      }
    }
    this.rawCursor = Math.max(this.rawCursor, firstKept + 1);
    // Drop the evicted prefix now and then, so eviction stays O(1) amortized.
    const dead = firstKept + 1 - this.offset;
    if (dead > 1024 && dead * 2 > this.entries.length) {
      this.entries = this.entries.slice(dead);
      this.offset += dead;
    }
  }

  private enforceRawBudget(): void {
    // Never drop the newest message's raw: a test reading it right away must find it.
    while (this.rawTotal > this.limits.maxTotalRawBytes && this.rawCursor < this.nextIndex - 1) {
      const e = this.entry(this.rawCursor++);
      if (e?.raw) {
        this.rawTotal -= e.raw.length;
        e.raw = null;
      }
    }
  }
}

/**
 * Copies into a buffer of its own: a small Buffer is a slice of an 8 KiB pool slab shared with
 * unrelated allocations, and keeping 100 000 slices would pin their slabs whole.
 */
function ownCopy(bytes: Buffer): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(copy);
  return copy;
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i++) yield i;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
