/** Settings of a circuit breaker. */
export interface BreakerOptions {
  /** Consecutive transient failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one trial call is let through. */
  openMs: number;
}

/** What the breaker allows now. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * One breaker per external system (adapter instance): after repeated transient failures the
 * hub stops calling for a while, so a system that is down isn't hammered by every queued
 * message, and retries wait in the delay queues instead. Half-open lets a single trial through;
 * its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt?: number;
  private trialInFlight = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
    private readonly onChange?: (state: BreakerState) => void,
  ) {}

  state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now; in half-open only one at a time. Returns ms to wait when not. */
  acquire(): { allowed: true } | { allowed: false; retryAfterMs: number } {
    const state = this.state();
    if (state === 'closed') return { allowed: true };
    if (state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return { allowed: true };
    }
    const remaining = this.openedAt === undefined ? 0 : this.options.openMs - (this.now() - this.openedAt);
    return { allowed: false, retryAfterMs: Math.max(remaining, 1000) };
  }

  success(): void {
    const was = this.state();
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
    if (was !== 'closed') this.onChange?.('closed');
  }

  /** Counts a transient failure (permanent ones say nothing about the system's health). */
  failure(): void {
    const was = this.state();
    this.trialInFlight = false;
    this.failures++;
    if (was === 'half-open' || (was === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.onChange?.('open');
    }
  }
}
