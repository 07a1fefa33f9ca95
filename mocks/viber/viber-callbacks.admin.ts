import { intQuery, MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { AccountRepository } from './viber-accounts.repository';
import type { CallbackDispatcher, CallbackLog, CallbackRecord } from './viber-callback.dispatcher';
import { isJsonObject } from './viber-json.codec';

/** The callback log, in process (same data as `GET /__admin/callbacks`). */
export class ViberCallbacksApi {
  /** @param deps the log, the dispatcher (for redelivery) and the bots */
  constructor(private readonly deps: { log: CallbackLog; dispatcher: CallbackDispatcher; accounts: AccountRepository }) {}

  /** Every logged callback after `since` (an index), optionally of one event, oldest first. */
  list(filter: { since?: number; event?: string } = {}): CallbackRecord[] {
    return this.deps.log.list((r) => filter.event === undefined || r.event === filter.event, filter.since ?? 0);
  }

  /** @throws MockAdminError(404) for an unknown (or dropped) index */
  get(index: number): CallbackRecord {
    const r = this.deps.log.get(index);
    if (!r) throw new MockAdminError(404, `no callback ${index}`);
    return r;
  }

  /** Resolves with the first finished callback matching the predicate (default timeout 5 s). */
  waitFor(predicate: (r: CallbackRecord) => boolean, options: { timeoutMs?: number } = {}): Promise<CallbackRecord> {
    return this.deps.log.waitFor(predicate, options);
  }

  /**
   * POSTs a logged callback again, byte for byte with the same signature, to the bot's current
   * webhook (one attempt): what Viber does when it re-sends, for the hub's dedup tests.
   * @throws MockAdminError 404 unknown index, 409 the bot has no webhook now
   */
  async redeliver(index: number): Promise<CallbackRecord> {
    const original = this.get(index);
    const account = this.deps.accounts.named(original.account);
    if (!account?.webhook) throw new MockAdminError(409, `bot ${original.account} has no webhook`);
    const { record } = await this.deps.dispatcher.post(account, account.webhook.url, original.body, {
      event: original.event,
      messageToken: original.messageToken,
      userId: original.userId,
      retries: 0,
      redeliveryOf: original.index,
    });
    return { ...record, attempts: record.attempts.map((a) => ({ ...a })) };
  }

  /** The `/__admin/callbacks...` endpoints. */
  routes(): AdminRoute[] {
    const index = (ctx: AdminContext) => {
      const raw = ctx.params.index;
      if (!/^\d{1,15}$/.test(raw)) throw new MockAdminError(400, 'index must be a positive integer');
      return Number(raw);
    };
    return [
      {
        method: 'GET',
        path: '/__admin/callbacks',
        handle: (ctx) => {
          const callbacks = this.list({ since: intQuery(ctx.query, 'since') ?? 0, event: ctx.query.get('event') ?? undefined });
          return { body: { callbacks, count: callbacks.length } };
        },
      },
      { method: 'GET', path: '/__admin/callbacks/:index', handle: (ctx) => ({ body: this.get(index(ctx)) }) },
      {
        method: 'POST',
        path: '/__admin/callbacks/:index/redeliver',
        handle: async (ctx) => {
          const b = ctx.json();
          if (!isJsonObject(b) || Object.keys(b).length > 0) throw new MockAdminError(400, 'redeliver takes no fields');
          return { status: 201, body: await this.redeliver(index(ctx)) };
        },
      },
    ];
  }
}
