/**
 * Token bucket: at most `ratePerSecond` calls per second on average, bursts up to `burst`.
 * Calls wait rather than fail, so a configured provider limit shapes the traffic instead of
 * producing 429s. Two lanes: a waiting bulk call (a broadcast) goes only when no ordinary one
 * waits, so a citizen's individual notice is not queued behind a district-wide outage notice.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly lanes: { normal: (() => void)[]; bulk: (() => void)[] } = { normal: [], bulk: [] };
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, Math.ceil(ratePerSecond)),
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = this.burst;
    this.last = now();
  }

  /** Resolves when a call may go out; `bulk` calls yield to ordinary ones. */
  take(bulk = false): Promise<void> {
    return new Promise<void>((resolve) => {
      (bulk ? this.lanes.bulk : this.lanes.normal).push(resolve);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer) return;
    for (;;) {
      const lane = this.lanes.normal.length ? this.lanes.normal : this.lanes.bulk;
      if (!lane.length) return;
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        (lane.shift() as () => void)();
        continue;
      }
      this.timer = setTimeout(
        () => {
          this.timer = undefined;
          this.pump();
        },
        Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000),
      );
      return;
    }
  }
}
