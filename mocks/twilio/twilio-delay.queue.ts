/**
 * Runs each item a fixed delay after it was pushed, with a single timer. Because the delay is
 * the same for every item, push order is due order: a FIFO replaces a priority queue, and
 * 100 000 scheduled messages cost one timer instead of 100 000.
 */
export class DelayQueue<T> {
  private items: { due: number; item: T }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param delayMs how long after `push` an item runs
   * @param onDue called for each due item, in push order; exceptions are swallowed per item
   */
  constructor(
    private readonly delayMs: number,
    private readonly onDue: (item: T) => void,
  ) {}

  /** Schedules an item. */
  push(item: T): void {
    this.items.push({ due: Date.now() + this.delayMs, item });
    if (this.timer === null) this.arm();
  }

  /** Items still waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Drops every waiting item. */
  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
    this.head = 0;
  }

  private arm(): void {
    const wait = Math.max(0, this.items[this.head].due - Date.now());
    this.timer = setTimeout(() => this.fire(), wait);
    // The mock's server keeps a process alive; a pending status change alone should not.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    const now = Date.now();
    while (this.head < this.items.length && this.items[this.head].due <= now) {
      const { item } = this.items[this.head++];
      try {
        this.onDue(item);
      } catch {
        // One bad item must not stall the queue behind it.
      }
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    if (this.head < this.items.length) this.arm();
  }
}
