import { TransientError } from '../../contracts';

/** How many finished dispatches an instance remembers by default. */
export const DEFAULT_MEMO_CAPACITY = 20_000;

/**
 * Remembers recent dispatches by `dispatchId`, because Viber has no idempotency key: a
 * redelivered dispatch (the hub crashed before recording the result) gets the earlier outcome
 * back instead of a second message, and a concurrent duplicate waits for the call in flight.
 * Bounded: insertion order is refreshed on each hit and the oldest entry goes first (LRU).
 * Failures are not remembered (a retry must really retry), but a send whose outcome is unknown
 * (timeout, reset, garbled answer) is noted so the retry can be flagged to operators.
 */
export class DispatchMemo<T> {
  private readonly done = new Map<string, T>();
  private readonly inFlight = new Map<string, Promise<T>>();
  private readonly unknown = new Map<string, true>();

  constructor(private readonly capacity = DEFAULT_MEMO_CAPACITY) {}

  /** Number of remembered outcomes. */
  get size(): number {
    return this.done.size;
  }

  /** The remembered outcome, refreshed as recently used. */
  get(id: string): T | undefined {
    const value = this.done.get(id);
    if (value !== undefined) {
      this.done.delete(id);
      this.done.set(id, value);
    }
    return value;
  }

  /**
   * Runs `fn` once per id: a remembered outcome is returned as is (`replayed`), a call in flight
   * is awaited (bounded by the caller's own `signal`), otherwise `fn` runs and its result is kept.
   */
  async run(id: string, signal: AbortSignal, fn: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    const known = this.get(id);
    if (known !== undefined) return { value: known, replayed: true };
    const pending = this.inFlight.get(id);
    if (pending) return { value: await untilAborted(pending, signal), replayed: true };
    const call = (async () => {
      try {
        const value = await fn();
        this.remember(id, value);
        return value;
      } finally {
        this.inFlight.delete(id);
      }
    })();
    this.inFlight.set(id, call);
    return { value: await call, replayed: false };
  }

  /** Notes that a send for `id` may or may not have reached the provider. */
  markUnknown(id: string): void {
    this.unknown.delete(id);
    this.unknown.set(id, true);
    evictOldest(this.unknown, this.capacity);
  }

  /** True (once) when the previous attempt for `id` ended with an unknown outcome. */
  takeUnknown(id: string): boolean {
    return this.unknown.delete(id);
  }

  private remember(id: string, value: T): void {
    this.unknown.delete(id);
    this.done.delete(id);
    this.done.set(id, value);
    evictOldest(this.done, this.capacity);
  }
}

function evictOldest(map: Map<string, unknown>, capacity: number): void {
  while (map.size > capacity) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
  }
}

/** The promise's result, unless `signal` aborts first (then a TransientError, like a timed-out call). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new TransientError('Viber send_message: timed out waiting for the same dispatch in flight'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new TransientError('Viber send_message: timed out waiting for the same dispatch in flight'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
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
