import type { MessageRecord } from './twilio-message.model';

/** Where a record sits in the two list indexes, for O(1) page-token continuation. */
interface Positions {
  inAccount: number;
  inRecipient: number;
}

/** A page of records, newest first. */
export interface RecordPage {
  records: MessageRecord[];
  /** Whether more matching records follow. */
  more: boolean;
}

/** What to list. */
export interface ListQuery {
  accountSid: string;
  to?: string;
  /** Extra filter (From, DateSent…), applied while walking. */
  filter?: (r: MessageRecord) => boolean;
  /** Continue after this record (the page token), else skip `offset` matches. */
  afterSid?: string;
  offset: number;
  limit: number;
}

/**
 * Messages by SID, plus append-only per-account and per-(account, To) indexes so that fetch is
 * O(1) and a list page costs its size (when filtering only by To), even with 100 000 messages.
 */
export class MessageStore {
  private readonly bySid = new Map<string, MessageRecord>();
  private readonly positions = new Map<string, Positions>();
  private readonly byAccount = new Map<string, MessageRecord[]>();
  private readonly byRecipient = new Map<string, MessageRecord[]>();

  /** Stores a new message. */
  add(record: MessageRecord): void {
    const account = listOf(this.byAccount, record.accountSid);
    const recipient = listOf(this.byRecipient, recipientKey(record.accountSid, record.to));
    this.bySid.set(record.sid, record);
    this.positions.set(record.sid, { inAccount: account.length, inRecipient: recipient.length });
    account.push(record);
    recipient.push(record);
  }

  /** A message by SID, or undefined. */
  get(sid: string): MessageRecord | undefined {
    return this.bySid.get(sid);
  }

  /** Number of stored messages. */
  get size(): number {
    return this.bySid.size;
  }

  /** Every message (all accounts), oldest first; optionally only those to one number. */
  all(to?: string): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const list of this.byAccount.values()) for (const r of list) if (to === undefined || r.to === to) out.push(r);
    return out.sort((a, b) => a.dateCreated - b.dateCreated);
  }

  /** One page of an account's messages, newest first. */
  page(q: ListQuery): RecordPage {
    const list = (q.to === undefined ? this.byAccount.get(q.accountSid) : this.byRecipient.get(recipientKey(q.accountSid, q.to))) ?? [];
    let i = list.length - 1;
    let skip = q.offset;
    if (q.afterSid !== undefined) {
      const pos = this.positions.get(q.afterSid);
      const anchor = this.bySid.get(q.afterSid);
      if (pos === undefined || anchor === undefined || anchor.accountSid !== q.accountSid) return { records: [], more: false };
      i = (q.to === undefined ? pos.inAccount : pos.inRecipient) - 1;
      skip = 0;
    }
    const records: MessageRecord[] = [];
    for (; i >= 0; i--) {
      const r = list[i];
      if (q.filter && !q.filter(r)) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      if (records.length === q.limit) return { records, more: true };
      records.push(r);
    }
    return { records, more: false };
  }

  /** Forgets every message. */
  reset(): void {
    this.bySid.clear();
    this.positions.clear();
    this.byAccount.clear();
    this.byRecipient.clear();
  }
}

function recipientKey(accountSid: string, to: string): string {
  return `${accountSid}\u0000${to}`;
}

function listOf<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
