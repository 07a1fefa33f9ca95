/** Default number of dispatches remembered (a day of a busy city's SMS fits several times). */
export const DEFAULT_LEDGER_CAPACITY = 20_000;

/**
 * What the adapter remembers of one dispatch: its final outcome, or the batch an attempt whose
 * outcome is unknown went out in (so a retry can send that batch again byte for byte).
 */
export type LedgerEntry<T, B> = { kind: 'done'; value: T } | { kind: 'pending'; batch: B };

/**
 * Bounded memory of recent dispatches by dispatch id, least recently used evicted first. It is
 * what keeps a redelivered dispatch from reaching the citizen twice within one hub process;
 * TurboSMS's own 507 duplicate check covers identical requests across processes.
 */
export class DispatchLedger<T, B> {
  private readonly entries = new Map<string, LedgerEntry<T, B>>();

  /** @param capacity most dispatches remembered at once */
  constructor(private readonly capacity = DEFAULT_LEDGER_CAPACITY) {}

  /** Number of dispatches remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** What is remembered of a dispatch; reading it makes it the most recently used. */
  get(id: string): LedgerEntry<T, B> | undefined {
    const e = this.entries.get(id);
    if (e) this.put(id, e);
    return e;
  }

  /** Remembers a dispatch's final outcome (replacing a pending batch). */
  remember(id: string, value: T): void {
    this.put(id, { kind: 'done', value });
  }

  /** Remembers the batch of an attempt with an unknown outcome; a final outcome is never replaced. */
  markPending(id: string, batch: B): void {
    if (this.entries.get(id)?.kind === 'done') return;
    this.put(id, { kind: 'pending', batch });
  }

  /** Forgets a dispatch (its batch was refused for good, or is too old to send again as it was). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  private put(id: string, e: LedgerEntry<T, B>): void {
    // A Map keeps insertion order: re-inserting moves the id to the young end.
    this.entries.delete(id);
    this.entries.set(id, e);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
