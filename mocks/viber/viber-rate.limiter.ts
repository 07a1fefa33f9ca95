/**
 * Calls per second and bot, counted in fixed one-second windows (Viber publishes no numbers:
 * §9.7 [UNK]; the limit is the test's choice). O(1) per call.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  /** @param clock ms since the epoch */
  constructor(private readonly clock: () => number) {}

  /** Counts a call; false when it is over `perSecond` (null: no limit, nothing counted). */
  allow(key: string, perSecond: number | null): boolean {
    if (perSecond === null) return true;
    const second = Math.floor(this.clock() / 1000);
    const w = this.windows.get(key);
    if (!w || w.second !== second) {
      this.windows.set(key, { second, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= perSecond;
  }

  /** Forgets every window. */
  reset(): void {
    this.windows.clear();
  }
}
