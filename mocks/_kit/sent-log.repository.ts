import { Waiters } from './waiter.helper';

/** Settings of a {@link SentLog}. */
export interface SentLogOptions<T> {
  /** Entries kept; the oldest go first beyond it (0 keeps none, waiters are still woken). */
  max: number;
  /** Names the entries in the timeout error of `waitFor` ("callback", "message"). */
  what: string;
  /** A copy handed out, so callers cannot change the log (default: shallow copy). */
  copy?: (entry: T) => T;
  /** Whether an entry is finished; `waitFor` resolves only with finished ones (default: all are). */
  done?: (entry: T) => boolean;
}

/**
 * The record of what a mock sent (callbacks, attempts, messages): in sending order, bounded so a
 * standalone mock running for days does not grow without limit, numbered by a sequence that
 * survives `clear()` (so `since` and redelivery indexes stay unambiguous), and waitable.
 */
export class SentLog<T> {
  private readonly entries = new Map<number, T>();
  private seq = 0;
  private readonly waiters: Waiters<T>;
  private readonly copy: (entry: T) => T;
  private readonly done: (entry: T) => boolean;

  /** @param options size, naming, copying and the finished test */
  constructor(private readonly options: SentLogOptions<T>) {
    this.waiters = new Waiters<T>(options.what);
    this.copy = options.copy ?? ((e) => ({ ...e }));
    this.done = options.done ?? (() => true);
  }

  /**
   * Keeps a new entry built from its sequence number (1, 2, … per log) and returns it (the live
   * entry, for the owner to complete). Call {@link finish} when it is finished.
   */
  add(build: (seq: number) => T): T {
    const seq = ++this.seq;
    const entry = build(seq);
    if (this.options.max > 0) {
      this.entries.set(seq, entry);
      if (this.entries.size > this.options.max) this.entries.delete(this.entries.keys().next().value as number);
    }
    return entry;
  }

  /** Wakes the waiters for an entry that is now finished. */
  finish(entry: T): void {
    this.waiters.notify(entry);
  }

  /** A copy of the entry with this sequence number, if still kept. */
  get(seq: number): T | undefined {
    const e = this.entries.get(seq);
    return e === undefined ? undefined : this.copy(e);
  }

  /** Copies of the kept entries with a sequence above `since` passing `filter`, oldest first. */
  list(filter: (entry: T) => boolean = () => true, since = 0): T[] {
    const out: T[] = [];
    for (const [seq, e] of this.entries) if (seq > since && filter(e)) out.push(this.copy(e));
    return out;
  }

  /** Entries kept. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Resolves with the first finished entry (kept, or still to come) matching `predicate`.
   * @throws Error after `timeoutMs` (default 5000)
   */
  waitFor(predicate: (entry: T) => boolean = () => true, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.waiters.waitFor((e) => this.done(e) && predicate(e), {
      timeoutMs: options.timeoutMs,
      copy: this.copy,
      existing: () => {
        for (const e of this.entries.values()) if (this.done(e) && predicate(e)) return e;
        return undefined;
      },
    });
  }

  /** Forgets the entries (the sequence keeps counting). */
  clear(): void {
    this.entries.clear();
  }
}
