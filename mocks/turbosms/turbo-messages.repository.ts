import { MockAdminError } from '../_kit';

/**
 * Statuses a message can have in `status.json`. `Queued` (with `sent: null`) is this mock's name
 * for a message whose `start_time` has not come yet [ASSUMPTION]; the others are the names the
 * TurboSMS status poll and DLR callbacks use [CODE].
 */
export const MESSAGE_STATUSES = ['Queued', 'Sent', 'Delivered', 'Read', 'Undelivered', 'Rejected', 'Expired', 'Failed'] as const;

/** One of {@link MESSAGE_STATUSES}. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** The Viber extras of a message (shared by every message of one request). */
export interface ViberExtras {
  caption: string | null;
  action: string | null;
  imageUrl: string | null;
  ttl: number | null;
}

/**
 * A message as stored. Its automatic fate is fixed when it is sent (`finalStatus` at `finalAt`,
 * `Read` at `readAt`) and read lazily, so 100 000 messages need no timers and a later change of
 * the auto-progress settings does not rewrite history.
 */
export interface StoredMessage {
  id: string;
  phone: string;
  type: 'sms' | 'viber';
  sender: string;
  text: string;
  /** Both `sms` and `viber` were given. */
  hybrid: boolean;
  viber: ViberExtras | null;
  /** SMS segments billed (0 for Viber). */
  segments: number;
  /** Charged to the balance. */
  cost: number;
  createdAt: number;
  /** When it leaves the gateway: now, or `start_time`. */
  sentAt: number;
  finalStatus: MessageStatus | null;
  /** Infinity when it never changes by itself. */
  finalAt: number;
  readAt: number;
  /** Set by an operator; freezes the automatic progression. */
  manualStatus: MessageStatus | null;
  manualAt: number;
}

/** Where a message stands at a given instant. */
export interface MessageState {
  status: MessageStatus;
  /** Null while `Queued`. */
  sentAt: number | null;
  updatedAt: number;
}

/** A message as the admin API and `messages.list()` show it (times ISO 8601 UTC). */
export interface MessageView {
  message_id: string;
  phone: string;
  type: 'sms' | 'viber';
  sender: string;
  text: string;
  status: MessageStatus;
  sentAt: string | null;
  updatedAt: string;
  hybrid: boolean;
  segments: number;
  cost: number;
  viber: ViberExtras | null;
}

/** Every message the mock accepted, by id and by phone (O(1) lookups). */
export class MessagesRepository {
  private readonly byId = new Map<string, StoredMessage>();
  private readonly byPhone = new Map<string, StoredMessage[]>();

  /** @param clock milliseconds since the epoch */
  constructor(private readonly clock: () => number) {}

  /** Stores a new message. */
  add(m: StoredMessage): void {
    this.byId.set(m.id, m);
    const list = this.byPhone.get(m.phone);
    if (list) list.push(m);
    else this.byPhone.set(m.phone, [m]);
  }

  /** A message by id. */
  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** How many messages there are. */
  get size(): number {
    return this.byId.size;
  }

  /** The state of a message now (or at `at`). */
  state(m: StoredMessage, at = this.clock()): MessageState {
    if (m.manualStatus !== null) {
      return { status: m.manualStatus, sentAt: m.manualStatus === 'Queued' ? null : m.sentAt, updatedAt: m.manualAt };
    }
    if (at < m.sentAt) return { status: 'Queued', sentAt: null, updatedAt: m.createdAt };
    if (at >= m.readAt) return { status: 'Read', sentAt: m.sentAt, updatedAt: m.readAt };
    if (m.finalStatus !== null && at >= m.finalAt) return { status: m.finalStatus, sentAt: m.sentAt, updatedAt: m.finalAt };
    return { status: 'Sent', sentAt: m.sentAt, updatedAt: m.sentAt };
  }

  /**
   * Sets a message's status by hand; automatic progression stops for it.
   * @throws MockAdminError 404 unknown id, 400 unknown status
   */
  setStatus(id: string, status: MessageStatus): MessageView {
    const m = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (!m) throw new MockAdminError(404, `no message ${String(id).slice(0, 100)}`);
    if (!MESSAGE_STATUSES.includes(status)) throw new MockAdminError(400, `status must be one of ${MESSAGE_STATUSES.join(', ')}`);
    m.manualStatus = status;
    m.manualAt = this.clock();
    return this.view(m);
  }

  /** Messages in send order; `phone` keeps one phone's, `limit` the newest that many. */
  list(filter: { phone?: string; limit?: number } = {}): MessageView[] {
    let items: StoredMessage[] = filter.phone !== undefined ? (this.byPhone.get(filter.phone) ?? []) : [...this.byId.values()];
    if (filter.limit !== undefined && items.length > filter.limit) items = items.slice(items.length - filter.limit);
    const now = this.clock();
    return items.map((m) => this.view(m, now));
  }

  /** The admin view of a message. */
  view(m: StoredMessage, at = this.clock()): MessageView {
    const s = this.state(m, at);
    return {
      message_id: m.id,
      phone: m.phone,
      type: m.type,
      sender: m.sender,
      text: m.text,
      status: s.status,
      sentAt: s.sentAt === null ? null : new Date(s.sentAt).toISOString(),
      updatedAt: new Date(s.updatedAt).toISOString(),
      hybrid: m.hybrid,
      segments: m.segments,
      cost: m.cost,
      viber: m.viber,
    };
  }

  /** Forgets every message. */
  clear(): void {
    this.byId.clear();
    this.byPhone.clear();
  }
}
