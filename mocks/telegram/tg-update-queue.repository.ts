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
 * Where an update is: `pending` (waiting for the webhook), `delivered` (a webhook answered 2xx),
 * `dropped` (drop_pending_updates).
 */
export type UpdateState = 'pending' | 'delivered' | 'dropped';

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
 * ids only grow), so the dispatcher walks them oldest first.
 */
export class TgUpdateQueue {
  private readonly all = new Map<number, StoredUpdate>();
  private readonly pending = new Map<number, StoredUpdate>();

  /** Stores a new update as pending. */
  push(update: TgUpdate, type: TgUpdateType, queueKey: string, now: number): StoredUpdate {
    const stored: StoredUpdate = { update, type, queueKey, createdAt: now, state: 'pending', attempts: [], inFlight: false, parked: false };
    this.all.set(update.update_id, stored);
    this.pending.set(update.update_id, stored);
    // The history is for inspection; bound it so a long-running mock does not grow forever.
    if (this.all.size > MAX_KEPT) this.all.delete(this.all.keys().next().value as number);
    return stored;
  }

  /** An update by id (pending or kept in the history). */
  get(updateId: number): StoredUpdate | undefined {
    return this.pending.get(updateId) ?? this.all.get(updateId);
  }

  /** Every kept update, oldest first. */
  list(): StoredUpdate[] {
    return [...this.all.values()];
  }

  /** Updates not yet delivered (getWebhookInfo's `pending_update_count`). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Pending updates in update_id order. */
  pendingInOrder(): IterableIterator<StoredUpdate> {
    return this.pending.values();
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
