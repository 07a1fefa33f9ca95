/** Sends one batch: results in the order of `items`; a rejection fails every item of the batch. */
export type BatchSender<I, R> = (key: string, items: readonly I[]) => Promise<readonly R[]>;

/** When a batch is sent, and what makes two items unable to share one. */
export interface MicroBatchOptions<I> {
  /** A batch is sent as soon as it holds this many items. */
  maxSize: number;
  /** Otherwise this long after its first item (0: at the end of the current tick). */
  windowMs: number;
  /** Items with the same member (a phone number) never share a batch. */
  memberOf(item: I): string;
}

interface OpenBatch<I, R> {
  items: I[];
  members: Set<string>;
  waiters: { resolve(r: R): void; reject(e: unknown): void }[];
  timer?: NodeJS.Timeout;
}

/**
 * Collects items with the same key (a TurboSMS text) for a short window and sends them in one
 * call, each caller getting its own item's result. A batch closes when it is full, when its window
 * ends, or when an item's member is already in it (the same phone twice in one TurboSMS send is
 * refused with 407, so the second one starts the next batch).
 */
export class MicroBatcher<I, R> {
  private readonly open = new Map<string, OpenBatch<I, R>>();
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly options: MicroBatchOptions<I>,
    private readonly send: BatchSender<I, R>,
  ) {}

  /** Items waiting in open batches. */
  get waiting(): number {
    let n = 0;
    for (const b of this.open.values()) n += b.items.length;
    return n;
  }

  /**
   * Puts an item into the open batch of its key (opening one if needed).
   * @returns the item's own result once its batch is sent
   */
  add(key: string, item: I): Promise<R> {
    const member = this.options.memberOf(item);
    if (this.open.get(key)?.members.has(member)) this.flush(key);
    let batch = this.open.get(key);
    if (!batch) {
      const created: OpenBatch<I, R> = { items: [], members: new Set(), waiters: [] };
      created.timer = setTimeout(() => {
        if (this.open.get(key) === created) this.flush(key);
      }, this.options.windowMs);
      this.open.set(key, created);
      batch = created;
    }
    const open = batch;
    const result = new Promise<R>((resolve, reject) => open.waiters.push({ resolve, reject }));
    open.items.push(item);
    open.members.add(member);
    if (open.items.length >= this.options.maxSize) this.flush(key);
    return result;
  }

  /** Sends every open batch now and waits for every batch still being sent (shutdown). */
  async flushAll(): Promise<void> {
    for (const key of [...this.open.keys()]) this.flush(key);
    await Promise.allSettled([...this.sending]);
  }

  private flush(key: string): void {
    const batch = this.open.get(key);
    if (!batch) return;
    this.open.delete(key);
    clearTimeout(batch.timer);
    const sent = Promise.resolve()
      .then(() => this.send(key, batch.items))
      .then(
        (results) => batch.waiters.forEach((w, i) => (i < results.length ? w.resolve(results[i]) : w.reject(new Error('the batch sender returned no result for this item')))),
        (e: unknown) => batch.waiters.forEach((w) => w.reject(e)),
      )
      .finally(() => this.sending.delete(sent));
    this.sending.add(sent);
  }
}
