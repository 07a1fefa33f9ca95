import { MockAdminError, type AdminRoute } from '../_kit';
import type { TgBotContext } from './tg-bot.context';
import type { BotResolver, BotSelector } from './tg-citizen.admin';
import type { TgUpdate, TgUpdateType } from './tg-types.model';
import type { DeliveryAttempt, StoredUpdate, UpdateState } from './tg-update-queue.repository';

/** An update and its delivery history, as the admin API shows it. */
export interface UpdateView {
  update_id: number;
  /** Username of the bot it is for. */
  bot: string;
  type: TgUpdateType;
  state: UpdateState;
  /** Retries ran out; it waits for the next nudge. */
  parked: boolean;
  createdAt: string;
  update: TgUpdate;
  attempts: DeliveryAttempt[];
}

/**
 * The updates side, in process (`mock.updates`) and under `/__admin/updates`: list them with
 * their webhook attempts, redeliver one (to test de-duplication by update_id), retry parked ones,
 * and wait until deliveries settle.
 */
export class TgUpdatesApi {
  /**
   * @param bots every bot, in configuration order
   * @param resolveBot picks a bot by username
   */
  constructor(
    private readonly bots: readonly TgBotContext[],
    private readonly resolveBot: BotResolver,
  ) {}

  /** Every kept update, ordered by update_id; one bot's only when `bot` is given. */
  list(sel: BotSelector = {}): UpdateView[] {
    const bots = sel.bot === undefined ? this.bots : [this.resolveBot(sel.bot)];
    return bots.flatMap((b) => b.updates.list().map((u) => view(b, u))).sort((a, b) => a.update_id - b.update_id);
  }

  /** One update. @throws MockAdminError(404) */
  get(updateId: number): UpdateView {
    const [bot, u] = this.find(updateId);
    return view(bot, u);
  }

  /**
   * POSTs the update to the webhook again, whatever its state, and returns the attempt.
   * @throws MockAdminError 404 unknown update, 409 when its bot has no webhook
   */
  async redeliver(updateId: number): Promise<DeliveryAttempt> {
    const [bot, u] = this.find(updateId);
    if (bot.webhook === null) throw new MockAdminError(409, `@${bot.account.username} has no webhook: set one with setWebhook first`);
    return bot.dispatcher.redeliver(u);
  }

  /** Gives parked updates another round of attempts and waits until deliveries settle. */
  async deliverPending(sel: BotSelector = {}): Promise<void> {
    const bots = sel.bot === undefined ? this.bots : [this.resolveBot(sel.bot)];
    for (const b of bots) b.dispatcher.retryParked();
    await Promise.all(bots.map((b) => b.dispatcher.idle()));
  }

  /** Resolves when no webhook delivery is under way for any bot. */
  async idle(): Promise<void> {
    await Promise.all(this.bots.map((b) => b.dispatcher.idle()));
  }

  /** The `/__admin/updates` endpoints. */
  routes(): AdminRoute[] {
    const sel = (q: URLSearchParams): BotSelector => ({ bot: q.get('bot') ?? undefined });
    return [
      { method: 'GET', path: '/__admin/updates', handle: (ctx) => ({ body: { updates: this.list(sel(ctx.query)) } }) },
      { method: 'GET', path: '/__admin/updates/:updateId', handle: (ctx) => ({ body: this.get(updateIdParam(ctx.params.updateId)) }) },
      {
        method: 'POST',
        path: '/__admin/updates/:updateId/redeliver',
        handle: async (ctx) => ({ body: { attempt: await this.redeliver(updateIdParam(ctx.params.updateId)) } }),
      },
      {
        method: 'POST',
        path: '/__admin/webhook/deliver',
        handle: async (ctx) => {
          await this.deliverPending(sel(ctx.query));
          return { body: { pending: this.list(sel(ctx.query)).filter((u) => u.state === 'pending').length } };
        },
      },
    ];
  }

  private find(updateId: number): [TgBotContext, StoredUpdate] {
    for (const bot of this.bots) {
      const u = bot.updates.get(updateId);
      if (u !== undefined) return [bot, u];
    }
    throw new MockAdminError(404, `no update ${updateId}`);
  }
}

function view(bot: TgBotContext, u: StoredUpdate): UpdateView {
  return {
    update_id: u.update.update_id,
    bot: bot.account.username,
    type: u.type,
    state: u.state,
    parked: u.parked,
    createdAt: new Date(u.createdAt).toISOString(),
    update: u.update,
    attempts: [...u.attempts],
  };
}

function updateIdParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new MockAdminError(400, 'update id must be a positive integer');
  return Number(raw);
}
