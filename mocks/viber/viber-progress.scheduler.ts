import type { AccountRepository } from './viber-accounts.repository';
import type { CallbackDispatcher, CallbackOutcome } from './viber-callback.dispatcher';
import { receiptEvent } from './viber-events.factory';
import type { ViberSettings } from './viber-mock.options';
import type { SentMessage } from './viber-domain.types';
import type { UserRepository } from './viber-users.repository';

/** `desc` of the `failed` callback of a user with behaviour `fails`. */
export const DEFAULT_FAIL_DESC = 'Receiver is not reachable';

/** A receipt event the mock can produce for a sent message. */
export type ReceiptEvent = 'delivered' | 'seen' | 'failed';

/**
 * Moves sent messages on: by timers after a send (autoProgress, per the receiver's behaviour),
 * or on request (`sent.deliver/seen/fail`). Each step updates the message and POSTs the receipt.
 */
export class ProgressScheduler {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** @param deps state, dispatcher and run-time settings */
  constructor(
    private readonly deps: {
      accounts: AccountRepository;
      users: UserRepository;
      dispatcher: CallbackDispatcher;
      clock: () => number;
      settings: () => ViberSettings;
    },
  ) {}

  /** Plans the receipts of a message just sent, when autoProgress is on. */
  schedule(message: SentMessage): void {
    const p = this.deps.settings().autoProgress;
    if (!p.enabled) return;
    const behaviour = this.deps.users.get(message.receiver)?.behaviour;
    switch (behaviour) {
      case 'reads':
        this.later(p.deliveredAfterMs, () => this.apply(message, 'delivered'));
        // Never before `delivered`, whatever the settings say.
        this.later(Math.max(p.seenAfterMs, p.deliveredAfterMs), () => this.apply(message, 'seen'));
        return;
      case 'delivers':
        this.later(p.deliveredAfterMs, () => this.apply(message, 'delivered'));
        return;
      case 'fails':
        this.later(p.deliveredAfterMs, () => this.apply(message, 'failed', DEFAULT_FAIL_DESC));
        return;
      default:
        return;
    }
  }

  /** Records a receipt on the message and sends its callback; resolves when the callback is done (null: not sent). */
  apply(message: SentMessage, event: ReceiptEvent, desc?: string): Promise<CallbackOutcome | null> {
    const now = this.deps.clock();
    if (event === 'delivered') {
      message.deliveredAt ??= now;
      if (message.state === 'sent') message.state = 'delivered';
    } else if (event === 'seen') {
      message.deliveredAt ??= now;
      message.seenAt ??= now;
      message.state = 'seen';
    } else {
      message.failedAt = now;
      message.failDesc = desc ?? DEFAULT_FAIL_DESC;
      message.state = 'failed';
    }
    const account = this.deps.accounts.named(message.account);
    if (!account) return Promise.resolve(null);
    const payload = receiptEvent(event, message.token, message.receiver, now, message.failDesc ?? undefined);
    return this.deps.dispatcher.emit(account, payload, { userId: message.receiver });
  }

  /** Cancels every planned receipt (reset / close). */
  cancelAll(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, run: () => Promise<unknown>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void run();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}
