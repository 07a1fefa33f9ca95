import { TransientError } from '../../contracts';
import { abortableSleep } from './abortable.sleep';

/** Chats whose last send time is kept; older ones are forgotten first. */
export const DEFAULT_PACED_CHATS = 10_000;
/**
 * The longest a send waits for its chat's slot inside one call. A longer backlog (a burst of
 * notices to one citizen, or a 429 with a long `retry_after`) goes back to the hub as a
 * TransientError with `retryAfterMs` rather than holding a consumer slot.
 */
export const MAX_PACING_WAIT_MS = 5_000;

/**
 * Spaces messages to the same chat (Telegram allows about one per second per chat). Each send
 * reserves the chat's next slot before it waits, so concurrent sends to one chat queue up in
 * order. The global limit (about 30 messages per second per bot) is the runner's `ratePerSecond`.
 * Per process: hub replicas do not share slots; Telegram's 429 covers what slips through.
 */
export class ChatPacer {
  private readonly nextSlot = new Map<string, number>();

  /**
   * @param intervalMs least time between two sends to one chat; 0 turns pacing off
   * @param clock monotonic milliseconds
   */
  constructor(
    private readonly intervalMs: number,
    private readonly maxChats = DEFAULT_PACED_CHATS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * Waits for the chat's slot.
   * @throws TransientError (with retryAfterMs) when the slot is further away than MAX_PACING_WAIT_MS, or when the signal aborts
   */
  async wait(chat: string, signal: AbortSignal): Promise<void> {
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot.get(chat) ?? 0);
    const delay = slot - now;
    if (delay > MAX_PACING_WAIT_MS) throw new TransientError('the chat is paced (about one message per second per chat); retry later', Math.ceil(delay));
    if (this.intervalMs > 0) this.set(chat, slot + this.intervalMs);
    await abortableSleep(delay, signal, 'waiting for the chat pace');
  }

  /** Telegram answered 429 for this chat: nothing goes to it for `ms`. */
  hold(chat: string, ms: number): void {
    const until = this.clock() + ms;
    if (until > (this.nextSlot.get(chat) ?? 0)) this.set(chat, until);
  }

  /** Chats currently remembered. */
  get size(): number {
    return this.nextSlot.size;
  }

  private set(chat: string, at: number): void {
    // Re-inserting keeps the Map in order of last use, so the first key is the stalest.
    this.nextSlot.delete(chat);
    this.nextSlot.set(chat, at);
    while (this.nextSlot.size > this.maxChats) this.nextSlot.delete(this.nextSlot.keys().next().value as string);
  }
}
