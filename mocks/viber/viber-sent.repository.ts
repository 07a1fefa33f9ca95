import type { SentMessage } from './viber-domain.types';

/**
 * Sent messages, indexed by sequence, by token and by receiver so that a send, a progress event
 * and a per-user listing each cost O(1). Beyond `max` the oldest are dropped, so a long benchmark
 * cannot exhaust memory.
 */
export class SentRepository {
  private readonly bySeq = new Map<number, SentMessage>();
  private readonly byToken = new Map<string, SentMessage[]>();
  private readonly byUser = new Map<string, SentMessage[]>();
  private seq = 0;

  /** @param max messages kept */
  constructor(private readonly max: number) {}

  /** Stores a message; its `seq` is assigned here. */
  add(message: Omit<SentMessage, 'seq'>): SentMessage {
    const m: SentMessage = { ...message, seq: ++this.seq };
    this.bySeq.set(m.seq, m);
    push(this.byToken, m.token.toString(), m);
    push(this.byUser, m.receiver, m);
    if (this.bySeq.size > this.max) this.evictOldest();
    return m;
  }

  /** The messages carrying a token (one, or one per broadcast receiver). */
  byMessageToken(token: string): SentMessage[] {
    return this.byToken.get(token) ?? [];
  }

  /** What bots sent to one user, oldest first. */
  forUser(userId: string): SentMessage[] {
    return [...(this.byUser.get(userId) ?? [])];
  }

  /** Messages with `seq` greater than `since`, oldest first. */
  list(since = 0): SentMessage[] {
    const out: SentMessage[] = [];
    if (since >= this.seq) return out;
    // Walking from `since` is O(result) as long as the wanted seqs are still kept.
    for (let s = Math.max(since + 1, this.seq - this.bySeq.size + 1); s <= this.seq; s++) {
      const m = this.bySeq.get(s);
      if (m) out.push(m);
    }
    return out;
  }

  /** Messages kept. */
  count(): number {
    return this.bySeq.size;
  }

  /** Highest seq handed out. */
  lastSeq(): number {
    return this.seq;
  }

  /** Forgets every message; sequence numbers start again. */
  reset(): void {
    this.bySeq.clear();
    this.byToken.clear();
    this.byUser.clear();
    this.seq = 0;
  }

  private evictOldest(): void {
    const first = this.bySeq.keys().next();
    if (first.done) return;
    const m = this.bySeq.get(first.value)!;
    this.bySeq.delete(first.value);
    drop(this.byToken, m.token.toString(), m);
    drop(this.byUser, m.receiver, m);
  }
}

function push(map: Map<string, SentMessage[]>, key: string, m: SentMessage): void {
  const list = map.get(key);
  if (list) list.push(m);
  else map.set(key, [m]);
}

function drop(map: Map<string, SentMessage[]>, key: string, m: SentMessage): void {
  const list = map.get(key);
  if (!list) return;
  // The evicted message is the oldest overall, hence the first of its lists.
  if (list[0] === m) list.shift();
  else list.splice(list.indexOf(m), 1);
  if (list.length === 0) map.delete(key);
}
