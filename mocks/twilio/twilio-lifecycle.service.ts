import { MockAdminError, Waiters } from '../_kit';
import type { CallbackDispatcher, CallbackJob } from './twilio-callback.dispatcher';
import { rawDlrDoneDate } from './twilio-date.codec';
import { DelayQueue } from './twilio-delay.queue';
import { deliveryErrorMessage } from './twilio-error.codec';
import { MESSAGE_STATUSES, type MessageRecord, type MessageStatus } from './twilio-message.model';
import type { MessageStore } from './twilio-store.repository';

/** What the lifecycle needs. */
export interface LifecycleDeps {
  store: MessageStore;
  dispatcher: CallbackDispatcher;
  /** Auth token by Account SID (signs callbacks). */
  tokens: ReadonlyMap<string, string>;
  autoProgress: { enabled: boolean; sentAfterMs: number; deliveredAfterMs: number };
  outOfOrderCallbacks: boolean;
  serviceSender: string;
  clock: () => number;
}

const ERROR_STATUSES = new Set<MessageStatus>(['failed', 'undelivered']);
const SENT_OR_LATER = new Set<MessageStatus>(['sent', 'delivered', 'undelivered', 'read', 'partially_delivered']);
const PRE_SEND = new Set<MessageStatus>(['queued', 'accepted', 'scheduled']);
const DEFAULT_ERROR: Partial<Record<MessageStatus, number>> = { failed: 30008, undelivered: 30003 };
const PRICE_PER_SEGMENT = 0.0079;

/**
 * Moves messages through their statuses and sends a callback for every change after creation.
 *
 * Automatic path, per recipient behaviour (times from creation):
 * `sentAfterMs`: [accepted →] queued → sending → sent (or → failed), and `deliveredAfterMs`:
 * sent → delivered / undelivered (`silent` stops at sent). Callbacks of one message are posted
 * one after another, in status order, unless `outOfOrderCallbacks` holds `sent` back until the
 * final status has been posted. An operator's `setStatus` takes the message out of the
 * automatic path.
 */
export class MessageLifecycle {
  private readonly toSend: DelayQueue<MessageRecord>;
  private readonly toDeliver: DelayQueue<MessageRecord>;
  private readonly chains = new Map<string, Promise<void>>();
  private readonly held = new Map<string, CallbackJob>();
  /** Wakes `messages.waitFor` on every status change. */
  readonly changes = new Waiters<MessageRecord>('message');

  /** @param deps store, dispatcher, timing and the callback-ordering switch */
  constructor(private readonly deps: LifecycleDeps) {
    const { sentAfterMs, deliveredAfterMs } = deps.autoProgress;
    this.toSend = new DelayQueue(sentAfterMs, (r) => this.sendDue(r));
    this.toDeliver = new DelayQueue(deliveredAfterMs - sentAfterMs, (r) => this.deliverDue(r));
  }

  /** Starts the automatic progression of a new message (no callback: it is the initial status). */
  created(r: MessageRecord): void {
    if (this.deps.autoProgress.enabled) this.toSend.push(r);
  }

  /**
   * Moves a message to a status as an operator would, and posts its callback.
   * @throws MockAdminError(404) for an unknown SID, (400) for an unknown status or a misplaced errorCode
   */
  setStatus(sid: string, status: unknown, errorCode?: unknown): MessageRecord {
    const r = this.deps.store.get(sid);
    if (!r) throw new MockAdminError(404, `no message ${sid}`);
    if (typeof status !== 'string' || !(MESSAGE_STATUSES as readonly string[]).includes(status)) {
      throw new MockAdminError(400, `status must be one of ${MESSAGE_STATUSES.join(', ')}`);
    }
    const s = status as MessageStatus;
    if (errorCode !== undefined && errorCode !== null) {
      if (!ERROR_STATUSES.has(s)) throw new MockAdminError(400, 'errorCode goes only with failed or undelivered');
      if (!Number.isInteger(errorCode) || (errorCode as number) < 10000 || (errorCode as number) > 99999) {
        throw new MockAdminError(400, 'errorCode must be a five-digit integer');
      }
    }
    r.manual = true;
    this.move(r, s, errorCode as number | undefined);
    return r;
  }

  /** Messages still waiting for an automatic step. */
  pending(): number {
    return this.toSend.size + this.toDeliver.size;
  }

  /** Drops scheduled steps and held callbacks (the store and dispatcher are reset by their owner). */
  reset(): void {
    this.toSend.clear();
    this.toDeliver.clear();
    this.chains.clear();
    this.held.clear();
  }

  private sendDue(r: MessageRecord): void {
    if (this.stale(r) || !PRE_SEND.has(r.status)) return;
    if (r.status === 'accepted') this.move(r, 'queued');
    if (r.validityPeriod !== null && r.validityPeriod * 1000 < this.deps.autoProgress.sentAfterMs) {
      this.move(r, 'failed', 30001);
      return;
    }
    this.move(r, 'sending');
    if (r.behaviour === 'failed') {
      this.move(r, 'failed', r.behaviourErrorCode ?? undefined);
      return;
    }
    const final = r.behaviour === 'delivered' || r.behaviour === 'undelivered';
    this.move(r, 'sent', undefined, final && this.deps.outOfOrderCallbacks);
    if (r.behaviour !== 'silent') this.toDeliver.push(r);
  }

  private deliverDue(r: MessageRecord): void {
    if (this.stale(r) || r.status !== 'sent') return;
    if (r.behaviour === 'undelivered') this.move(r, 'undelivered', r.behaviourErrorCode ?? undefined);
    else this.move(r, 'delivered');
  }

  /** Reset since it was scheduled, or taken over by an operator. */
  private stale(r: MessageRecord): boolean {
    return r.manual || this.deps.store.get(r.sid) !== r;
  }

  private move(r: MessageRecord, status: MessageStatus, errorCode?: number, holdCallback = false): void {
    const now = this.deps.clock();
    r.status = status;
    r.dateUpdated = now;
    if (ERROR_STATUSES.has(status)) {
      r.errorCode = errorCode ?? DEFAULT_ERROR[status] ?? 30008;
      r.errorMessage = deliveryErrorMessage(r.errorCode);
    } else {
      r.errorCode = null;
      r.errorMessage = null;
    }
    // A Messaging Service picks the sender when the message leaves `accepted`.
    if (status !== 'accepted' && status !== 'scheduled' && r.from === null) r.from = this.deps.serviceSender;
    if (SENT_OR_LATER.has(status) && r.dateSent === null) {
      r.dateSent = now;
      r.price = (-PRICE_PER_SEGMENT * r.numSegments).toFixed(5);
    }
    this.changes.notify(r);
    if (r.statusCallback === null) return;
    const job = this.callbackJob(r, now);
    if (holdCallback) {
      this.held.set(r.sid, job);
      return;
    }
    this.enqueue(job);
    const held = this.held.get(r.sid);
    if (held) {
      this.held.delete(r.sid);
      this.enqueue(held);
    }
  }

  private callbackJob(r: MessageRecord, now: number): CallbackJob {
    const params: Record<string, string> = {
      AccountSid: r.accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: r.sid,
      MessageStatus: r.status,
      SmsSid: r.sid,
      SmsStatus: r.status,
      To: r.to,
    };
    if (r.from !== null) params.From = r.from;
    if (r.messagingServiceSid !== null) params.MessagingServiceSid = r.messagingServiceSid;
    if (r.errorCode !== null) params.ErrorCode = String(r.errorCode);
    if (r.status === 'delivered' || r.status === 'undelivered') params.RawDlrDoneDate = rawDlrDoneDate(now);
    return { messageSid: r.sid, url: r.statusCallback as string, params, authToken: this.deps.tokens.get(r.accountSid) ?? '' };
  }

  /** Posts callbacks of one message one after another, so they arrive in the order they were made. */
  private enqueue(job: CallbackJob): void {
    const sid = job.messageSid;
    const prev = this.chains.get(sid) ?? Promise.resolve();
    const next = prev
      .then(() => this.deps.dispatcher.deliver(job))
      .then(
        () => undefined,
        () => undefined,
      );
    this.chains.set(sid, next);
    void next.then(() => {
      if (this.chains.get(sid) === next) this.chains.delete(sid);
    });
  }
}
