import { FixedWindowLimiter } from '../_kit';
import type { TgThrottleOptions } from './tg-mock.options';

/**
 * The flood limits of throttle mode: per bot and per chat, counted by the kit's fixed-window
 * limiter. A refused send does not count against either limit.
 */
export class TgThrottle {
  private readonly counts: FixedWindowLimiter;

  /**
   * @param limits the initial limits, null for off
   * @param clock milliseconds since the epoch
   */
  constructor(
    private limits: TgThrottleOptions | null,
    clock: () => number,
  ) {
    this.counts = new FixedWindowLimiter(clock);
  }

  /** The current limits (null = off). */
  get(): TgThrottleOptions | null {
    return this.limits === null ? null : { ...this.limits };
  }

  /** Replaces the limits and forgets the counts. */
  set(limits: TgThrottleOptions | null): void {
    this.limits = limits === null ? null : { ...limits };
    this.clear();
  }

  /**
   * Counts one send from `botId` to `chatKey` if the limits allow it.
   * @returns null when allowed, otherwise the seconds to wait (`retry_after`)
   */
  take(botId: number, chatKey: string): number | null {
    if (this.limits === null) return null;
    const bot = `bot:${botId}`;
    const chat = `chat:${botId}:${chatKey}`;
    const global = this.limits.globalPerSecond ?? null;
    const perChat = this.limits.perChatPerSecond ?? null;
    if (!this.counts.allows(bot, global) || !this.counts.allows(chat, perChat)) return this.counts.retryAfterSeconds();
    this.counts.take(bot, global);
    this.counts.take(chat, perChat);
    return null;
  }

  /** Forgets the counts. */
  clear(): void {
    this.counts.reset();
  }
}
