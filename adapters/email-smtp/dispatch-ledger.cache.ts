import { TransientError } from '../../contracts';

/** Default number of dispatches remembered: a busy day of a city's e-mail notices, several times over. */
export const DEFAULT_LEDGER_CAPACITY = 20_000;

/**
 * Bounded memory of finished dispatches by dispatch id (least recently used evicted first), plus
 * the sends still in flight. SMTP has no idempotency key the server enforces, so this is what
 * keeps a redelivered dispatch from reaching the citizen twice; the deterministic Message-ID
 * lets receivers collapse whatever still gets through. It holds outcomes only (ids, statuses),
 * never addresses or texts.
 */
export class DispatchLedger<T> {
  private readonly done = new Map<string, T>();
  private readonly inFlight = new Map<string, Promise<T>>();

  /** @param capacity most finished dispatches remembered at once */
  constructor(private readonly capacity = DEFAULT_LEDGER_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ledger capacity must be a positive integer');
  }

  /** Finished dispatches remembered. */
  get size(): number {
    return this.done.size;
  }

  /** The remembered outcome of a dispatch; reading it makes it the most recently used. */
  get(id: string): T | undefined {
    const value = this.done.get(id);
    if (value !== undefined) {
      this.done.delete(id);
      this.done.set(id, value);
    }
    return value;
  }

  /** Remembers a dispatch's final outcome, evicting the least recently used beyond capacity. */
  remember(id: string, value: T): void {
    this.done.delete(id);
    this.done.set(id, value);
    while (this.done.size > this.capacity) this.done.delete(this.done.keys().next().value as string);
  }

  /**
   * Runs `work` for the dispatch, unless a run for the same id is in flight: then waits for that
   * run's result (success or failure) instead of sending again. The waiter gives up with a
   * TransientError when its own `signal` fires; the first run goes on.
   * @returns the outcome, and whether it was another call's (`joined`)
   */
  async once(id: string, signal: AbortSignal, work: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    const running = this.inFlight.get(id);
    if (running) return { value: await waitOrAbort(running, signal), joined: true };
    const run = work();
    this.inFlight.set(id, run);
    try {
      return { value: await run, joined: false };
    } finally {
      // `work` remembers a final outcome before resolving, so a later call finds it in `done`.
      if (this.inFlight.get(id) === run) this.inFlight.delete(id);
    }
  }
}

function waitOrAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = () => new TransientError('gave up waiting for the same dispatch already being sent (call aborted)');
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}
