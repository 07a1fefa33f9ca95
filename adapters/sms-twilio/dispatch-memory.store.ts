import { TransientError } from '../../contracts';

/** What the adapter remembers of one dispatch: its final outcome, or that an attempt's outcome is unknown. */
export type Remembered<T> = { kind: 'done'; outcome: T } | { kind: 'uncertain'; sinceMs: number };

/** Default number of dispatches remembered (a day of a busy city's SMS fits several times). */
export const DEFAULT_CAPACITY = 20_000;

/**
 * Bounded memory of recent dispatches, by dispatch id, least recently used evicted first, plus
 * the calls still in flight. Twilio's create call has no idempotency key, so this is what keeps a
 * redelivered dispatch from reaching the citizen twice. It holds outcomes and timestamps only,
 * never addresses or texts.
 */
export class DispatchMemory<T> {
  private readonly entries = new Map<string, Remembered<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();

  /** @param capacity most dispatches remembered at once */
  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Number of dispatches remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** What is remembered of a dispatch; reading it makes it the most recently used. */
  get(id: string): Remembered<T> | undefined {
    const e = this.entries.get(id);
    if (e) this.put(id, e);
    return e;
  }

  /** Final outcomes remembered, oldest first (for scans on rare paths; does not touch recency). */
  *outcomes(): IterableIterator<T> {
    for (const e of this.entries.values()) if (e.kind === 'done') yield e.outcome;
  }

  /** Remembers a dispatch's final outcome (replacing an `uncertain` mark). */
  remember(id: string, outcome: T): void {
    this.put(id, { kind: 'done', outcome });
  }

  /** Marks an attempt whose outcome is unknown; the earliest such attempt's start is kept. */
  markUncertain(id: string, sinceMs: number): void {
    const e = this.entries.get(id);
    if (e?.kind === 'done') return;
    this.put(id, { kind: 'uncertain', sinceMs: e ? Math.min(e.sinceMs, sinceMs) : sinceMs });
  }

  /**
   * Runs `run` for a dispatch unless a call for it is already in flight; a concurrent duplicate
   * waits for that call and gets its result (or its error) instead of running again.
   * @param id the dispatch id
   * @param signal the waiting caller's own deadline (a TransientError when it passes first)
   * @param run the actual call
   * @returns the outcome and whether it came from a call that was already in flight
   */
  async once(id: string, signal: AbortSignal, run: () => Promise<T>): Promise<{ outcome: T; joined: boolean }> {
    const running = this.inFlight.get(id);
    if (running) return { outcome: await untilAborted(running, signal), joined: true };
    const p = run();
    this.inFlight.set(id, p);
    try {
      return { outcome: await p, joined: false };
    } finally {
      if (this.inFlight.get(id) === p) this.inFlight.delete(id);
    }
  }

  private put(id: string, e: Remembered<T>): void {
    // Map keeps insertion order: re-inserting moves the id to the young end.
    this.entries.delete(id);
    this.entries.set(id, e);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** `p`, or a TransientError as soon as `signal` aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new TransientError('gave up waiting for the same dispatch already in flight: the call was aborted or timed out');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
