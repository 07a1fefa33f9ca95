import type { TgThrottleOptions } from './tg-mock.options';

interface Window {
  second: number;
  count: number;
}

/**
 * The flood limits of throttle mode, counted in fixed one-second windows: O(1) per send, one
 * small entry per bot and per chat. A refused send does not count.
 */
export class TgThrottle {
  private readonly perBot = new Map<number, Window>();
  private readonly perChat = new Map<string, Window>();

  /**
   * @param limits the initial limits, null for off
   * @param clock milliseconds since the epoch
   */
  constructor(
    private limits: TgThrottleOptions | null,
    private readonly clock: () => number,
  ) {}

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
    const now = this.clock();
    const second = Math.floor(now / 1000);
    const retryAfter = Math.max(1, Math.ceil(((second + 1) * 1000 - now) / 1000));
    const { globalPerSecond, perChatPerSecond } = this.limits;
    const bot = globalPerSecond === undefined ? null : current(this.perBot, botId, second);
    const chat = perChatPerSecond === undefined ? null : current(this.perChat, `${botId}:${chatKey}`, second);
    if (bot !== null && bot.count >= (globalPerSecond as number)) return retryAfter;
    if (chat !== null && chat.count >= (perChatPerSecond as number)) return retryAfter;
    if (bot !== null) bot.count++;
    if (chat !== null) chat.count++;
    return null;
  }

  /** Forgets the counts. */
  clear(): void {
    this.perBot.clear();
    this.perChat.clear();
  }
}

function current<K>(map: Map<K, Window>, key: K, second: number): Window {
  let w = map.get(key);
  if (w === undefined) {
    w = { second, count: 0 };
    map.set(key, w);
  } else if (w.second !== second) {
    w.second = second;
    w.count = 0;
  }
  return w;
}
