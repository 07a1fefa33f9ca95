import type { TgUpdate, TgUpdateType } from './tg-types.model';

/** One attempt to POST an update to the webhook. */
export interface DeliveryAttempt {
  /** When it started (ISO). */
  at: string;
  /** `webhook` for normal delivery and its retries, `redeliver` for an operator's redelivery. */
  kind: 'webhook' | 'redeliver';
  url: string;
  /** HTTP status the receiver answered; null when there was no answer. */
  status: number | null;
  /** Null on a 2xx; otherwise what getWebhookInfo shows as `last_error_message`. */
  error: string | null;
  durationMs: number;
  /** A method the receiver answered with in the webhook reply, and how it went. */
  reply?: { method: string; ok: boolean; description?: string };
}

/**
 * Where an update is: `pending` (waiting for getUpdates or the webhook), `fetched` (returned by
 * getUpdates, not yet confirmed by a higher offset), `delivered` (a webhook answered 2xx),
 * `confirmed` (getUpdates offset passed it), `dropped` (drop_pending_updates or a negative offset).
 */
export type UpdateState = 'pending' | 'fetched' | 'delivered' | 'confirmed' | 'dropped';

/** An update and its delivery history. */
export interface StoredUpdate {
  update: TgUpdate;
  type: TgUpdateType;
  /** Updates with the same key (the chat) are delivered in order, one at a time. */
  queueKey: string;
  createdAt: number;
  state: UpdateState;
  attempts: DeliveryAttempt[];
  /** A webhook POST (or its retry pause) is under way. */
  inFlight: boolean;
  /** Retries ran out; left pending until the next nudge (new update, setWebhook, deliverPending). */
  parked: boolean;
}

const MAX_KEPT = 100_000;
const MAX_ATTEMPTS_KEPT = 50;

/**
 * The updates of one bot. Pending ones stay in a Map in update_id order (insertion order, since
 * ids only grow), so confirming by offset and taking the next batch are O(batch).
 */
export class TgUpdateQueue {
  private readonly all = new Map<number, StoredUpdate>();
  private readonly pending = new Map<number, StoredUpdate>();
  private readonly listeners = new Set<() => void>();

  /** Stores a new update as pending and wakes whoever waits for one. */
  push(update: TgUpdate, type: TgUpdateType, queueKey: string, now: number): StoredUpdate {
    const stored: StoredUpdate = { update, type, queueKey, createdAt: now, state: 'pending', attempts: [], inFlight: false, parked: false };
    this.all.set(update.update_id, stored);
    this.pending.set(update.update_id, stored);
    // The history is for inspection; bound it so a long-running mock does not grow forever.
    if (this.all.size > MAX_KEPT) this.all.delete(this.all.keys().next().value as number);
    for (const listener of [...this.listeners]) listener();
    return stored;
  }

  /** Calls `listener` after every push; returns the function that unsubscribes it. */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An update by id (pending or kept in the history). */
  get(updateId: number): StoredUpdate | undefined {
    return this.pending.get(updateId) ?? this.all.get(updateId);
  }

  /** Every kept update, oldest first. */
  list(): StoredUpdate[] {
    return [...this.all.values()];
  }

  /** Updates not yet confirmed or delivered (getWebhookInfo's `pending_update_count`). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Pending updates in update_id order. */
  pendingInOrder(): IterableIterator<StoredUpdate> {
    return this.pending.values();
  }

  /** getUpdates `offset` > 0: every update with a smaller id is confirmed and forgotten. */
  confirmBefore(offset: number): void {
    for (const [id, u] of this.pending) {
      if (id >= offset) break;
      u.state = 'confirmed';
      this.pending.delete(id);
    }
  }

  /** getUpdates `offset` < 0: only the last `n` pending updates are kept, the others forgotten. */
  keepLast(n: number): void {
    let excess = this.pending.size - n;
    for (const [id, u] of this.pending) {
      if (excess-- <= 0) break;
      u.state = 'dropped';
      this.pending.delete(id);
    }
  }

  /** The first `limit` pending updates, marked fetched (they stay pending until confirmed). */
  take(limit: number): StoredUpdate[] {
    const out: StoredUpdate[] = [];
    for (const u of this.pending.values()) {
      if (out.length >= limit) break;
      u.state = 'fetched';
      out.push(u);
    }
    return out;
  }

  /** A webhook accepted it. */
  markDelivered(u: StoredUpdate): void {
    u.state = 'delivered';
    u.parked = false;
    this.pending.delete(u.update.update_id);
  }

  /** Records a delivery attempt (the newest 50 are kept per update). */
  addAttempt(u: StoredUpdate, attempt: DeliveryAttempt): void {
    u.attempts.push(attempt);
    if (u.attempts.length > MAX_ATTEMPTS_KEPT) u.attempts.shift();
  }

  /** `drop_pending_updates`: forgets every pending update. */
  dropPending(): void {
    for (const u of this.pending.values()) u.state = 'dropped';
    this.pending.clear();
  }

  /** Clears parked flags so the next delivery round retries those updates. */
  unparkAll(): void {
    for (const u of this.pending.values()) u.parked = false;
  }

  /** Forgets everything. */
  clear(): void {
    this.all.clear();
    this.pending.clear();
  }
}
