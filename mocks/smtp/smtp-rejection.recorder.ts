import type { SmtpStage } from './smtp-fault.scheduler';

/** Why the mock refused something. */
export type RejectionReason = 'fault' | 'recipient-rule' | 'auth-failed' | 'auth-required' | 'size';

/** One refusal the client got: what it tried and the reply line it read. */
export interface SmtpRejection {
  /** Increasing from 1; survives `clear()` so `since` stays meaningful. */
  seq: number;
  time: string;
  stage: SmtpStage;
  reason: RejectionReason;
  code: number;
  /** The reply line, e.g. `550 5.1.1 User unknown`. */
  response: string;
  /** Id of the scheduled fault that answered, when `reason` is `fault`. */
  faultId: string | null;
  /** smtp-server's session id: refusals of one connection share it. */
  sessionId: string;
  /** MAIL FROM of the transaction ('' for the null sender), when it got that far. */
  from: string | null;
  /** RCPT TO addresses accepted so far (at `data`: all of them). */
  to: string[];
  /** The refused RCPT TO address (stage `rcpt`). */
  address: string | null;
  /** The user that tried to log in (stage `auth`). */
  username: string | null;
  /** Message-ID header of a message refused at the end of DATA, if it had one. */
  messageId: string | null;
  /** Bytes of a message refused at the end of DATA. */
  size: number | null;
}

/** What the caller knows about a refusal; the rest is filled in. */
export type RejectionInput = Omit<SmtpRejection, 'seq' | 'time' | 'faultId' | 'from' | 'to' | 'address' | 'username' | 'messageId' | 'size'> &
  Partial<Pick<SmtpRejection, 'faultId' | 'from' | 'to' | 'address' | 'username' | 'messageId' | 'size'>>;

/**
 * The refusals, newest last, bounded: a mock that runs for days under a retry storm must not
 * grow without limit. A test asserts "the hub tried three times, then gave up" from here.
 */
export class RejectionRecorder {
  private entries: SmtpRejection[] = [];
  private head = 0;
  private seq = 0;

  /**
   * @param maxEntries the oldest refusals are forgotten beyond this many
   * @param clock milliseconds since the epoch
   */
  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Records a refusal and returns it. */
  record(input: RejectionInput): SmtpRejection {
    const entry: SmtpRejection = {
      seq: ++this.seq,
      time: new Date(this.clock()).toISOString(),
      faultId: null,
      from: null,
      to: [],
      address: null,
      username: null,
      messageId: null,
      size: null,
      ...input,
    };
    this.entries.push(entry);
    if (this.entries.length - this.head > this.maxEntries) this.head++;
    // Compact now and then so dropping the oldest stays O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return { ...entry, to: [...entry.to] };
  }

  /** Refusals with `seq` greater than `since`, oldest first. */
  list(since = 0): SmtpRejection[] {
    const out: SmtpRejection[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e.seq > since) out.push({ ...e, to: [...e.to] });
    }
    return out;
  }

  /** How many are kept. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** Forgets every refusal (sequence numbers keep increasing). */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}
