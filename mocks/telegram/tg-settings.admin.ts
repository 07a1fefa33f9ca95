import { MockAdminError, type AdminRoute } from '../_kit';
import type { TgBotContext } from './tg-bot.context';
import { checkThrottle, type TgThrottleOptions } from './tg-mock.options';
import type { TgThrottle } from './tg-throttle.guard';

/** Throttle mode, switchable while the mock runs. */
export interface TgThrottleApi {
  /** Current limits (null = off). */
  get(): TgThrottleOptions | null;
  /**
   * Sets the limits (null turns throttling off) and resets the counts.
   * @throws MockAdminError(400) on invalid limits
   */
  set(limits: TgThrottleOptions | null): TgThrottleOptions | null;
}

/** A bot as `GET /__admin/bots` shows it. */
export interface BotView {
  username: string;
  id: number;
  token: string;
  webhook: { url: string; hasSecretToken: boolean; maxConnections: number } | null;
  pendingUpdates: number;
  allowedUpdates: string[] | null;
  chats: number;
}

/** Builds the in-process throttle switch. */
export function createThrottleApi(throttle: TgThrottle): TgThrottleApi {
  return {
    get: () => throttle.get(),
    set: (limits) => {
      if (limits === null) {
        throttle.set(null);
        return null;
      }
      const problems: string[] = [];
      const checked = checkThrottle(limits, problems);
      if (problems.length > 0 || checked === null) throw new MockAdminError(400, `invalid throttle: ${problems.join('; ')}`, { problems });
      throttle.set(checked);
      return throttle.get();
    },
  };
}

/** `/__admin/throttle` (GET, POST a limits object or null, DELETE) and `GET /__admin/bots`. */
export function settingsRoutes(throttle: TgThrottleApi, bots: readonly TgBotContext[]): AdminRoute[] {
  return [
    { method: 'GET', path: '/__admin/throttle', handle: () => ({ body: { throttle: throttle.get() } }) },
    { method: 'POST', path: '/__admin/throttle', handle: (ctx) => ({ body: { throttle: throttle.set(ctx.json() as TgThrottleOptions | null) } }) },
    { method: 'DELETE', path: '/__admin/throttle', handle: () => (throttle.set(null), {}) },
    {
      method: 'GET',
      path: '/__admin/bots',
      handle: () => ({
        body: {
          bots: bots.map((b): BotView => ({
            username: b.account.username,
            id: b.account.id,
            token: b.account.token,
            webhook: b.webhook && { url: b.webhook.url, hasSecretToken: b.webhook.secretToken !== null, maxConnections: b.webhook.maxConnections },
            pendingUpdates: b.updates.pendingCount,
            allowedUpdates: b.allowedUpdates,
            chats: b.chats.size,
          })),
        },
      }),
    },
  ];
}
