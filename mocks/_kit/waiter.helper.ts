import { EventEmitter } from 'node:events';

/** How long a `waitFor` waits when the caller does not say (ms). */
export const DEFAULT_WAIT_MS = 5000;

/**
 * The "already there, or the next one that arrives" wait every mock offers (requests, callbacks,
 * mails, updates). The owner calls {@link notify} for each new or finished item; a waiter first
 * looks at what is already kept, then at what arrives, until its timeout.
 */
export class Waiters<T> {
  private readonly events = new EventEmitter();

  /** @param what names the items in the timeout error ("no matching <what> within 5000 ms") */
  constructor(private readonly what: string) {
    this.events.setMaxListeners(0);
  }

  /** Wakes the waiters whose predicate holds for `item`. */
  notify(item: T): void {
    this.events.emit('item', item);
  }

  /**
   * Resolves with `existing()` when it finds one, else with the first notified item matching
   * `predicate`, mapped through `copy`.
   * @throws Error after `timeoutMs` (default 5000)
   */
  waitFor(predicate: (item: T) => boolean, options: { timeoutMs?: number; existing?: () => T | undefined; copy?: (item: T) => T } = {}): Promise<T> {
    const copy = options.copy ?? ((x: T) => x);
    const found = options.existing?.();
    if (found !== undefined) return Promise.resolve(copy(found));
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const onItem = (item: T) => {
        if (!predicate(item)) return;
        cleanup();
        resolve(copy(item));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching ${this.what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('item', onItem);
      };
      this.events.on('item', onItem);
    });
  }
}

/**
 * Resolves true after `ms`, or false as soon as `signal` aborts (a mock closing or reset must
 * not leave a retry pause or an injected latency running). The timer does not keep the process
 * alive.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
