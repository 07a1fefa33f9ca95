import { Waiters } from '../_kit';
import type { SmtpReplyInput } from './smtp-reply.codec';
import type { RecipientPolicy, RecipientRule } from './smtp-recipient.policy';
import type { RejectionRecorder, SmtpRejection } from './smtp-rejection.recorder';
import type { CapturedMessage, DuplicateMessageId, MessageQuery, MessageRepository } from './smtp-message.repository';

/** The kept raw source of one message. */
export interface RawSource {
  /** Null when it was dropped to stay within `maxTotalRawBytes`. */
  raw: Buffer | null;
  /** Cut at `maxRawBytes`. */
  truncated: boolean;
  /** Size of the whole source as received. */
  size: number;
}

/**
 * What the SMTP mock keeps and lets a test drive: accepted messages, refused recipients and the
 * refusals the clients got.
 */
export class SmtpMailbox {
  private readonly arrivals = new Waiters<CapturedMessage>('message');

  /**
   * @param store accepted messages
   * @param recipients recipient refusal rules
   * @param rejectionLog refusals sent
   */
  constructor(
    private readonly store: MessageRepository,
    private readonly recipients: RecipientPolicy,
    private readonly rejectionLog: RejectionRecorder,
  ) {}

  /** Accepted messages, oldest first, newest last; see {@link MessageQuery} for the filters. */
  messages(query: MessageQuery = {}): CapturedMessage[] {
    return this.store.list(query);
  }

  /** One message by its index, if still kept. */
  message(index: number): CapturedMessage | undefined {
    return this.store.get(index);
  }

  /** The first copy with this Message-ID (angle brackets optional); the others via `messages({ messageId })`. */
  byMessageId(messageId: string): CapturedMessage | undefined {
    return this.store.byMessageId(messageId);
  }

  /** Message-IDs received more than once: empty when every message arrived once. */
  duplicates(): DuplicateMessageId[] {
    return this.store.duplicates();
  }

  /** The kept raw source of a message; undefined for an unknown index. */
  raw(index: number): RawSource | undefined {
    const m = this.store.get(index);
    const r = this.store.raw(index);
    return m === undefined || r === undefined ? undefined : { raw: r.raw, truncated: r.truncated, size: m.size };
  }

  /**
   * Refuses a recipient at RCPT TO until allowed again: `rejectRecipient('x@example.org')` gives
   * `550 5.1.1 User unknown`, `rejectRecipient('y@example.org', { code: 450, message: 'Mailbox busy' })`
   * `450 4.2.1 Mailbox busy`. `@example.org` refuses the whole domain.
   * @throws MockAdminError(400) on a bad address or reply
   */
  rejectRecipient(address: string, reply?: SmtpReplyInput): RecipientRule {
    return this.recipients.reject(address, reply);
  }

  /** Removes the refusal of an address or domain; false when there was none. */
  allowRecipient(address: string): boolean {
    return this.recipients.allow(address);
  }

  /** Removes every recipient refusal rule. */
  clearRecipientRules(): void {
    this.recipients.clear();
  }

  /** Recipient refusal rules, in the order set. */
  recipientRules(): RecipientRule[] {
    return this.recipients.list();
  }

  /** Refusals the clients got (faults, recipient rules, auth, size), oldest first; `since` is a `seq`. */
  rejections(options: { since?: number } = {}): SmtpRejection[] {
    return this.rejectionLog.list(options.since ?? 0);
  }

  /**
   * Resolves with the first kept message (index ≥ `fromIndex`) matching the predicate, waiting for
   * one to arrive if needed.
   * @throws Error after `timeoutMs` (default 5000)
   */
  waitForMessage(predicate: (m: CapturedMessage) => boolean = () => true, options: { timeoutMs?: number; fromIndex?: number } = {}): Promise<CapturedMessage> {
    const fromIndex = options.fromIndex ?? 0;
    return this.arrivals.waitFor((m) => m.index >= fromIndex && predicate(m), {
      timeoutMs: options.timeoutMs,
      existing: () => this.store.list({ fromIndex }).find(predicate),
    });
  }

  /** Counts: kept and received messages, unique and duplicated Message-IDs, refusals, raw bytes kept. */
  stats(): ReturnType<MessageRepository['stats']> & { rejections: number; recipientRules: number } {
    return { ...this.store.stats(), rejections: this.rejectionLog.size, recipientRules: this.recipients.list().length };
  }

  /** Forgets messages and refusals (recipient rules stay). */
  clear(): void {
    this.store.clear();
    this.rejectionLog.clear();
  }

  /** Forgets messages, refusals and recipient rules. */
  reset(): void {
    this.clear();
    this.recipients.clear();
  }

  /**
   * Stores a message the SMTP session accepted and wakes waiters. Tests may call it to seed the
   * mailbox without SMTP.
   */
  accept(input: Parameters<MessageRepository['add']>[0], raw: Buffer): CapturedMessage {
    const message = this.store.add(input, raw);
    this.arrivals.notify(message);
    return message;
  }
}
