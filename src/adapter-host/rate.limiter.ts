/**
 * Token bucket: at most `ratePerSecond` calls per second on average, bursts up to `burst`.
 * Calls wait (in order) rather than fail, so a configured provider limit shapes the traffic
 * instead of producing 429s.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly ratePerSecond: number, private readonly burst = Math.max(1, Math.ceil(ratePerSecond)), private readonly now: () => number = Date.now) {
    this.tokens = this.burst;
    this.last = now();
  }

  /** Resolves when a call may go out. */
  take(): Promise<void> {
    const next = this.queue.then(() => this.waitForToken());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async waitForToken(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000)));
    }
  }
}
