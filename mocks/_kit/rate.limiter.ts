interface Window {
  second: number;
  count: number;
}

/**
 * Calls per key per second, counted in fixed one-second windows: O(1) per call and one small
 * entry per key, enough to make a client meet a vendor's "too many requests" when it bursts
 * past the rate a test configured. Vendors count differently (sliding windows, leaky buckets);
 * none of the adapters depends on the difference, only on the refusal and its retry hint.
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>();

  /** @param clock milliseconds since the epoch (injectable so tests need not wait a second) */
  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * Counts one call for `key` when it is within `perSecond` (null: no limit, nothing counted).
   * A refused call is not counted.
   * @returns true when allowed
   */
  take(key: string, perSecond: number | null): boolean {
    if (perSecond === null) return true;
    const w = this.current(key);
    if (w.count >= perSecond) return false;
    w.count++;
    return true;
  }

  /** Whether one more call for `key` would be within `perSecond`, without counting it. */
  allows(key: string, perSecond: number | null): boolean {
    return perSecond === null || this.current(key).count < perSecond;
  }

  /** Whole seconds (at least 1) until the current window ends: the vendor's `retry_after`. */
  retryAfterSeconds(): number {
    const now = this.clock();
    return Math.max(1, Math.ceil(((Math.floor(now / 1000) + 1) * 1000 - now) / 1000));
  }

  /** Forgets every count. */
  reset(): void {
    this.windows.clear();
  }

  private current(key: string): Window {
    const second = Math.floor(this.clock() / 1000);
    let w = this.windows.get(key);
    if (w === undefined) {
      w = { second, count: 0 };
      this.windows.set(key, w);
    } else if (w.second !== second) {
      w.second = second;
      w.count = 0;
    }
    return w;
  }
}
