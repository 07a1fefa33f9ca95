import { TransientError } from '../../contracts';
import { abortReason } from './abortable.sleep';

/** How many finished dispatches an adapter instance remembers by default. */
export const DEFAULT_LEDGER_SIZE = 20_000;

/**
 * Remembers what recent dispatches came to, so a repeated dispatch (same `dispatchId`,
 * redelivered after the hub lost the first result) is answered from memory instead of writing
 * to the citizen again: Telegram's sendMessage has no idempotency key. A duplicate that arrives
 * while the first call is still running waits for that call. Only outcomes are remembered;
 * a failed call (an exception) is forgotten, so the retry really retries.
 *
 * Bounded: the least recently used entry goes first once `maxEntries` is reached.
 */
export class DispatchLedger<T> {
  private readonly done = new Map<string, T>();
  private readonly inFlight = new Map<string, Promise<T>>();

  constructor(private readonly maxEntries = DEFAULT_LEDGER_SIZE) {}

  /**
   * Runs `fn` for `key` unless it already ran or is running.
   * @returns the value and whether it came from an earlier call
   * @throws what `fn` threw (also to a concurrent duplicate), or TransientError when `signal` aborts while waiting
   */
  async once(key: string, fn: () => Promise<T>, signal: AbortSignal): Promise<{ value: T; repeated: boolean }> {
    if (this.done.has(key)) {
      const value = this.done.get(key) as T;
      this.done.delete(key);
      this.done.set(key, value);
      return { value, repeated: true };
    }
    const running = this.inFlight.get(key);
    if (running) return { value: await untilAborted(running, signal), repeated: true };
    const promise = fn();
    this.inFlight.set(key, promise);
    try {
      const value = await promise;
      this.remember(key, value);
      return { value, repeated: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Entries remembered (for tests and metrics). */
  get size(): number {
    return this.done.size;
  }

  /** Forgets everything (dispose). */
  clear(): void {
    this.done.clear();
  }

  private remember(key: string, value: T): void {
    this.done.set(key, value);
    while (this.done.size > this.maxEntries) {
      const oldest = this.done.keys().next().value as string;
      this.done.delete(oldest);
    }
  }
}

/** The promise's outcome, unless the signal aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new TransientError(`aborted while waiting for the same dispatch (${abortReason(signal)})`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new TransientError(`aborted while waiting for the same dispatch (${abortReason(signal)})`));
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
