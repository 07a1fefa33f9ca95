import { MockAdminError } from '../_kit';

/** Counters for checking how a client batches its sends. */
export interface TurboStats {
  /** Authenticated `send.json` calls answered by the mock (duplicates and refusals included). */
  sendRequests: number;
  /** Recipients listed in the sends that were executed (not refused as a whole, not duplicates). */
  recipients: number;
  /** Sends answered 507 FAILED_DUPLICATE_REQUEST. */
  duplicates: number;
  /** Messages created. */
  messages: number;
}

/**
 * The one account every configured token belongs to: its balance (UAH) and the counters.
 */
export class TurboAccount {
  private balanceUah: number;
  private counters: TurboStats = { sendRequests: 0, recipients: 0, duplicates: 0, messages: 0 };

  /** @param initialBalance balance at start and after reset */
  constructor(private readonly initialBalance: number) {
    this.balanceUah = initialBalance;
  }

  /** Current balance. */
  get balance(): number {
    return this.balanceUah;
  }

  /**
   * Sets the balance (an operator topping up or draining the account).
   * @throws MockAdminError(400) unless a finite number ≥ 0
   */
  setBalance(value: number): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new MockAdminError(400, 'balance must be a number ≥ 0');
    this.balanceUah = value;
    return value;
  }

  /** Takes `amount` off the balance; false (and nothing taken) when it does not cover it. */
  charge(amount: number): boolean {
    if (amount > this.balanceUah) return false;
    // Rounded to kopecks so repeated fractional top-ups do not drift.
    this.balanceUah = Math.round((this.balanceUah - amount) * 100) / 100;
    return true;
  }

  /** Adds to a counter. */
  count(counter: keyof TurboStats, by = 1): void {
    this.counters[counter] += by;
  }

  /** A copy of the counters. */
  stats(): TurboStats {
    return { ...this.counters };
  }

  /** Balance back to the initial one, counters to zero. */
  reset(): void {
    this.balanceUah = this.initialBalance;
    this.counters = { sendRequests: 0, recipients: 0, duplicates: 0, messages: 0 };
  }
}
