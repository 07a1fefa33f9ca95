import { EventEmitter } from 'node:events';

/** One POST of a callback to a webhook. */
export interface CallbackAttempt {
  /** 1 for the first POST. */
  attempt: number;
  /** When it was sent (ISO). */
  at: string;
  /** HTTP status the webhook answered; null for no answer. */
  status: number | null;
  /** Why there was no answer (refused, timeout, ...). */
  error: string | null;
  durationMs: number;
}

/** A callback the mock sent (or is sending), with every attempt. */
export interface CallbackRecord {
  /** Increasing from 1, never reused; `POST /__admin/callbacks/:index/redeliver`. */
  index: number;
  /** `webhook`, `delivered`, `seen`, `failed`, `subscribed`, `unsubscribed`, `conversation_started`, `message`. */
  event: string;
  /** Name of the bot whose webhook got it. */
  account: string;
  url: string;
  /** The exact raw JSON body (tokens as raw 64-bit numbers). */
  body: string;
  /** `X-Viber-Content-Signature` sent with it. */
  signature: string;
  /** The body's `message_token` as a decimal string. */
  messageToken: string | null;
  /** The user the event is about. */
  userId: string | null;
  /** When it was created (ISO). */
  time: string;
  attempts: CallbackAttempt[];
  /** Attempts made so far. */
  attempt: number;
  /** Status of the last answer (null: none yet / no answer). */
  status: number | null;
  /** True once the webhook answered 2xx. */
  delivered: boolean;
  /** True when no more attempts will be made. */
  done: boolean;
  /** Index of the callback this one re-sends, for redeliveries. */
  redeliveryOf: number | null;
  /** Body of the last answer, cut at 2 KiB. */
  response: string | null;
}

/** The callback log, newest last, bounded to `max` entries. */
export class CallbackLog {
  private readonly entries = new Map<number, CallbackRecord>();
  private index = 0;
  private readonly events = new EventEmitter();

  /** @param max entries kept; the oldest are dropped beyond it */
  constructor(private readonly max: number) {
    this.events.setMaxListeners(0);
  }

  /** Creates a pending entry. */
  open(fields: Pick<CallbackRecord, 'event' | 'account' | 'url' | 'body' | 'signature' | 'messageToken' | 'userId' | 'time' | 'redeliveryOf'>): CallbackRecord {
    const record: CallbackRecord = { ...fields, index: ++this.index, attempts: [], attempt: 0, status: null, delivered: false, done: false, response: null };
    this.entries.set(record.index, record);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as number);
    return record;
  }

  /** Marks an entry finished and wakes waiters. */
  close(record: CallbackRecord): void {
    record.done = true;
    this.events.emit('done', record);
  }

  /** A copy of one entry, or undefined (unknown or dropped). */
  get(index: number): CallbackRecord | undefined {
    const r = this.entries.get(index);
    return r ? copy(r) : undefined;
  }

  /** Entries with an index above `since`, optionally of one event, oldest first (copies). */
  list(filter: { since?: number; event?: string } = {}): CallbackRecord[] {
    const out: CallbackRecord[] = [];
    for (const r of this.entries.values()) {
      if (r.index > (filter.since ?? 0) && (filter.event === undefined || r.event === filter.event)) out.push(copy(r));
    }
    return out;
  }

  /** Entries kept. */
  count(): number {
    return this.entries.size;
  }

  /**
   * Resolves with the first finished entry matching the predicate, waiting for one if needed.
   * @throws Error after `timeoutMs` (default 5000)
   */
  waitFor(predicate: (r: CallbackRecord) => boolean, options: { timeoutMs?: number } = {}): Promise<CallbackRecord> {
    for (const r of this.entries.values()) if (r.done && predicate(r)) return Promise.resolve(copy(r));
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const onDone = (r: CallbackRecord) => {
        if (!predicate(r)) return;
        cleanup();
        resolve(copy(r));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching callback within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('done', onDone);
      };
      this.events.on('done', onDone);
    });
  }

  /** Forgets every entry (indexes keep counting, so old indexes stay unambiguous). */
  reset(): void {
    this.entries.clear();
  }
}

function copy(r: CallbackRecord): CallbackRecord {
  return { ...r, attempts: r.attempts.map((a) => ({ ...a })) };
}
