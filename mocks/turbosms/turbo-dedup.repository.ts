/**
 * TurboSMS's built-in duplicate-request protection: an identical send within the window is not
 * executed again but answered 507 FAILED_DUPLICATE_REQUEST with the first answer's
 * `response_result`. Entries are kept in arrival order with one fixed window, so the oldest
 * expire first and a sweep from the front is O(expired).
 */
export class DuplicateWindow {
  private readonly entries = new Map<string, { expiresAt: number; resultJson: string }>();

  /**
   * @param clock milliseconds since the epoch
   * @param windowMs how long a request is remembered; 0 turns the protection off
   */
  constructor(
    private readonly clock: () => number,
    private readonly windowMs: number,
  ) {}

  /** The remembered `response_result` (JSON text) of an identical earlier request, if still in the window. */
  find(key: string): string | undefined {
    if (this.windowMs <= 0) return undefined;
    const now = this.clock();
    this.sweep(now);
    const hit = this.entries.get(key);
    return hit !== undefined && hit.expiresAt > now ? hit.resultJson : undefined;
  }

  /** Remembers the answer of an executed request. */
  remember(key: string, resultJson: string): void {
    if (this.windowMs <= 0) return;
    this.entries.set(key, { expiresAt: this.clock() + this.windowMs, resultJson });
  }

  /** Requests currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  private sweep(now: number): void {
    for (const [key, e] of this.entries) {
      if (e.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
