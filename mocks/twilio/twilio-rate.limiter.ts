/**
 * Requests per second per account, counted in fixed one-second windows: O(1) per request and
 * enough to make a client meet 429 / 20429 when it bursts past the configured rate.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  /**
   * @param perSecond allowed requests per account per second; null disables the limit
   * @param clock milliseconds since the epoch
   */
  constructor(
    private readonly perSecond: number | null,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts a request; false when it is over the limit. */
  take(account: string): boolean {
    if (this.perSecond === null) return true;
    const second = Math.floor(this.clock() / 1000);
    const w = this.windows.get(account);
    if (!w || w.second !== second) {
      this.windows.set(account, { second, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.perSecond;
  }

  /** Forgets the counts. */
  reset(): void {
    this.windows.clear();
  }
}
