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
  /** Opened by hand (an operator, through the admin API): stays open until released. */
  private forced = false;
  private releaseWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
    private readonly onChange?: (state: BreakerState) => void,
  ) {}

  state(): BreakerState {
    if (this.forced) return 'open';
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half-open' : 'open';
  }

  /** Whether a call may go out now; in half-open only one at a time. Returns ms to wait when not. */
  acquire(): { allowed: true } | { allowed: false; retryAfterMs: number } {
    if (this.forced) return { allowed: false, retryAfterMs: Math.max(this.options.openMs, 1000) };
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
    if (this.forced) return;
    const was = this.state();
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
    if (was !== 'closed') this.onChange?.('closed');
  }

  /** Counts a transient failure (permanent ones say nothing about the system's health). */
  failure(): void {
    if (this.forced) return;
    const was = this.state();
    this.trialInFlight = false;
    this.failures++;
    if (was === 'half-open' || (was === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.onChange?.('open');
    }
  }

  /** Whether an operator opened the circuit by hand. */
  isForced(): boolean {
    return this.forced;
  }

  /** Opens the circuit by hand: nothing goes out until {@link release}, whatever the failures say. */
  forceOpen(): void {
    if (this.forced) return;
    this.forced = true;
    this.onChange?.('open');
  }

  /**
   * Closes the circuit by hand: lifts a manual opening and forgets the failures counted so far (an
   * operator who closes it knows the system is back). Calls waiting in {@link whenReleased} go on.
   */
  release(): void {
    const was = this.state();
    this.forced = false;
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
    for (const w of this.releaseWaiters.splice(0)) w.resolve();
    if (was !== 'closed') this.onChange?.('closed');
  }

  /** Resolves when a manual opening is lifted (at once when there is none). */
  whenReleased(): Promise<void> {
    if (!this.forced) return Promise.resolve();
    return new Promise((resolve, reject) => this.releaseWaiters.push({ resolve, reject }));
  }

  /** Ends every wait in {@link whenReleased} with `reason` (shutdown: the waiting messages go back to their queue). */
  abandonWaits(reason: unknown): void {
    for (const w of this.releaseWaiters.splice(0)) w.reject(reason);
  }
}
