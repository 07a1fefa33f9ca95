import { TransientError, type HandleOutcome } from '../../contracts';

/** Default number of dispatches remembered: a busy day of a city's notices fits several times. */
export const DEFAULT_DISPATCH_MEMORY_CAPACITY = 20_000;

/**
 * What is remembered of one dispatch: its final outcome, or that an attempt's outcome is unknown,
 * with whatever the adapter needs to settle it on the retry (`note`: when the attempt started, the
 * exact bytes it sent, or just `true`).
 */
export type Recollection<T, N> = { kind: 'done'; outcome: T } | { kind: 'uncertain'; note: N };

/** Where `once` got an outcome: a run of its own, a remembered outcome, or a call already in flight. */
export type OutcomeSource = 'run' | 'memory' | 'in-flight';

/** How a dispatch memory is set up. */
export interface DispatchMemoryOptions {
  /** Most dispatches remembered at once (final and uncertain together); default 20 000. */
  capacity?: number;
  /**
   * Message of the TransientError a waiting duplicate gets when its own signal aborts first. It
   * ends up in the hub's journal, so each adapter words it its own way; computed at abort time.
   */
  abortedWait?: string | ((signal: AbortSignal) => string);
}

/**
 * Bounded memory of recent dispatches by dispatch id, least recently used evicted first, plus
 * the calls still in flight. Channel APIs have no idempotency key, so this is what keeps a
 * redelivered dispatch from reaching the citizen twice within one hub process. Keep outcomes and
 * notes free of addresses and texts: the memory lives as long as the adapter instance.
 *
 * @typeParam T the final outcome of a dispatch (a HandleOutcome, a DeliveryReport)
 * @typeParam N what an adapter notes about an attempt with an unknown outcome (none by default)
 */
export class DispatchMemory<T, N = never> {
  private readonly entries = new Map<string, Recollection<T, N>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly capacity: number;
  private readonly abortedWait: string | ((signal: AbortSignal) => string);

  /** @throws RangeError when `capacity` is not a positive integer (a memory of nothing protects nothing) */
  constructor(options: DispatchMemoryOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_DISPATCH_MEMORY_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError('dispatch memory capacity must be a positive integer');
    this.abortedWait = options.abortedWait ?? 'gave up waiting for the same dispatch already in flight: the call was aborted or timed out';
  }

  /** Number of dispatches remembered (final and uncertain). */
  get size(): number {
    return this.entries.size;
  }

  /** What is remembered of a dispatch; reading it makes it the most recently used. */
  get(id: string): Recollection<T, N> | undefined {
    const e = this.entries.get(id);
    if (e) this.put(id, e);
    return e;
  }

  /** Final outcomes remembered, oldest first (for scans on rare paths; does not touch recency). */
  *outcomes(): IterableIterator<T> {
    for (const e of this.entries.values()) if (e.kind === 'done') yield e.outcome;
  }

  /** Remembers a dispatch's final outcome, replacing an uncertain mark. */
  remember(id: string, outcome: T): void {
    this.put(id, { kind: 'done', outcome });
  }

  /**
   * Marks a dispatch whose attempt has an unknown outcome. A final outcome is never downgraded:
   * the attempt that produced it is the one that counts.
   * @param note what the retry needs to settle the attempt
   * @param merge how an earlier note and this one combine (default: this one replaces it)
   */
  markUncertain(id: string, note: N, merge?: (earlier: N, later: N) => N): void {
    const e = this.entries.get(id);
    if (e?.kind === 'done') return;
    this.put(id, { kind: 'uncertain', note: e && merge ? merge(e.note, note) : note });
  }

  /** Forgets a dispatch, final or uncertain (a refused batch, an attempt too old to settle). */
  forget(id: string): void {
    this.entries.delete(id);
  }

  /** Forgets every dispatch (on dispose); calls in flight run on and are still shared. */
  clear(): void {
    this.entries.clear();
  }

  /**
   * Runs `run` for a dispatch at most once at a time: a remembered final outcome is returned as
   * is, a call already in flight is waited for (its result or its error), and otherwise `run`
   * goes. A successful result is remembered, even when no caller waits for it any more; a failure
   * is not, so a retry really retries (`run` marks an unknown outcome itself).
   * @param id the dispatch id
   * @param signal the caller's deadline, used while waiting for another caller's call (a
   *   TransientError when it passes first); the caller's own `run` is expected to honour it
   * @param run the actual call
   * @returns the outcome and where it came from
   */
  async once(id: string, signal: AbortSignal, run: () => Promise<T>): Promise<{ outcome: T; from: OutcomeSource }> {
    const known = this.get(id);
    if (known?.kind === 'done') return { outcome: known.outcome, from: 'memory' };
    const running = this.inFlight.get(id);
    if (running) return { outcome: await untilAborted(running, signal, this.abortedWait), from: 'in-flight' };
    return { outcome: await this.start(id, run), from: 'run' };
  }

  /** Resolves once every call in flight now has settled (on dispose: nothing left half-done). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Starts `run` as the dispatch's call in flight until it settles (its starter awaits it, so a failure is always handled). */
  private start(id: string, run: () => Promise<T>): Promise<T> {
    let started: Promise<T>;
    try {
      started = run();
    } catch (e) {
      started = Promise.reject(e);
    }
    // Remembering is chained to the call, not to a caller: a caller that gave up waiting must
    // still leave the outcome for its retry.
    const work: Promise<T> = started
      .then((outcome) => {
        this.remember(id, outcome);
        return outcome;
      })
      .finally(() => {
        if (this.inFlight.get(id) === work) this.inFlight.delete(id);
      });
    this.inFlight.set(id, work);
    return work;
  }

  private put(id: string, e: Recollection<T, N>): void {
    // A Map keeps insertion order: re-inserting moves the id to the young end.
    this.entries.delete(id);
    this.entries.set(id, e);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/**
 * `p`'s result or error, or a TransientError as soon as `signal` aborts; the work behind `p` goes
 * on (the hub's deadline ends the wait, not the call, whose outcome is remembered for the retry).
 * @param message the error's message, or a function of the signal computing it at abort time
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal, message: string | ((signal: AbortSignal) => string)): Promise<T> {
  const aborted = () => new TransientError(typeof message === 'string' ? message : message(signal));
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

/**
 * A remembered outcome handed out again, marked in the journal summary (`response.replayed`) as
 * coming from memory or from the call in flight, so operators can tell a repeat from a send.
 */
export function markReplayed(outcome: HandleOutcome, from: Exclude<OutcomeSource, 'run'>): HandleOutcome {
  return { ...outcome, summary: { request: outcome.summary?.request, response: { ...outcome.summary?.response, replayed: from } } };
}
