import { MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { TurboAccount, TurboStats } from './turbo-account.repository';
import type { MessageStatus, MessageView, MessagesRepository } from './turbo-messages.repository';
import { checkAutoProgress, type AutoProgress } from './turbo-mock.options';
import type { RecipientBehaviour, RecipientSetting, RecipientsRepository } from './turbo-recipients.repository';

/** What each phone received, and changing a message's fate. */
export interface TurboMessagesApi {
  /** Messages in send order; `phone` keeps one phone's, `limit` the newest that many. */
  list(filter?: { phone?: string; limit?: number }): MessageView[];
  /**
   * One message.
   * @throws MockAdminError(404) for an unknown id
   */
  get(id: string): MessageView;
  /**
   * Sets a status by hand (automatic progression stops for that message).
   * @throws MockAdminError 404 unknown id, 400 unknown status
   */
  setStatus(id: string, status: MessageStatus): MessageView;
}

/** How phones behave when messaged. */
export interface TurboRecipientsApi {
  /**
   * Sets a phone's behaviour for messages sent from now on.
   * @throws MockAdminError(400) for a bad phone or behaviour
   */
  set(phone: string, behaviour: RecipientBehaviour): RecipientSetting;
  /** A phone's behaviour (`delivered` unless set). */
  get(phone: string): RecipientBehaviour;
  /** Back to `delivered`; false when the phone had no behaviour set. */
  delete(phone: string): boolean;
  /** Phones with a non-default behaviour. */
  list(): RecipientSetting[];
}

/** Balance, counters and the auto-progress settings. */
export interface TurboAccountApi {
  /** Current balance (UAH). */
  balance(): number;
  /** @throws MockAdminError(400) unless a number ≥ 0 */
  setBalance(balance: number): number;
  /** Send counters (see {@link TurboStats}). */
  stats(): TurboStats;
  /** Current auto-progress settings. */
  autoProgress(): AutoProgress;
  /**
   * Changes auto-progress for messages sent from now on.
   * @throws MockAdminError(400) for invalid values
   */
  setAutoProgress(patch: Partial<AutoProgress>): AutoProgress;
}

/**
 * An operator driving the gateway: reads what was sent, decides how phones behave, moves
 * messages on, tops up the balance. Same operations in process and under `/__admin/`.
 */
export class TurboOperator {
  /** In-process message operations. */
  readonly messages: TurboMessagesApi;
  /** In-process recipient behaviours. */
  readonly recipients: TurboRecipientsApi;
  /** In-process account operations. */
  readonly account: TurboAccountApi;

  /**
   * @param store the message store
   * @param behaviours the recipient behaviours
   * @param acct balance and counters
   * @param progress reads and replaces the auto-progress settings
   */
  constructor(store: MessagesRepository, behaviours: RecipientsRepository, acct: TurboAccount, progress: { get(): AutoProgress; set(p: AutoProgress): void }) {
    this.messages = {
      list: (filter = {}) => store.list(checkListFilter(filter)),
      get: (id) => {
        const m = typeof id === 'string' ? store.get(id) : undefined;
        if (!m) throw new MockAdminError(404, `no message ${String(id).slice(0, 100)}`);
        return store.view(m);
      },
      setStatus: (id, status) => store.setStatus(id, status),
    };
    this.recipients = {
      set: (phone, behaviour) => behaviours.set(phone, behaviour),
      get: (phone) => behaviours.get(phone),
      delete: (phone) => behaviours.delete(phone),
      list: () => behaviours.list(),
    };
    this.account = {
      balance: () => acct.balance,
      setBalance: (b) => acct.setBalance(b),
      stats: () => acct.stats(),
      autoProgress: () => ({ ...progress.get() }),
      setAutoProgress: (patch) => {
        const next = { ...progress.get(), ...checkAutoProgress(patch) };
        progress.set(next);
        return { ...next };
      },
    };
  }

  /** The mock's `/__admin/...` endpoints (the kit adds requests, scenario and reset). */
  routes(): AdminRoute[] {
    const m = this.messages;
    const r = this.recipients;
    const a = this.account;
    return [
      {
        method: 'GET',
        path: '/__admin/messages',
        handle: (ctx) => {
          const limit = ctx.query.get('limit');
          if (limit !== null && !/^\d{1,9}$/.test(limit)) throw new MockAdminError(400, 'limit must be a non-negative integer');
          return { body: { messages: m.list({ phone: ctx.query.get('phone') ?? undefined, limit: limit === null ? undefined : Number(limit) }) } };
        },
      },
      { method: 'GET', path: '/__admin/messages/:id', handle: (ctx) => ({ body: m.get(ctx.params.id) }) },
      {
        method: 'POST',
        path: '/__admin/messages/:id/status',
        handle: (ctx) => ({ body: m.setStatus(ctx.params.id, fields(ctx, ['status'], ['status']).status as MessageStatus) }),
      },
      { method: 'GET', path: '/__admin/recipients', handle: () => ({ body: { recipients: r.list() } }) },
      {
        method: 'POST',
        path: '/__admin/recipients',
        handle: (ctx) => {
          const b = fields(ctx, ['phone', 'behaviour'], ['phone', 'behaviour']);
          return { body: r.set(b.phone as string, b.behaviour as RecipientBehaviour) };
        },
      },
      {
        method: 'DELETE',
        path: '/__admin/recipients/:phone',
        handle: (ctx) => {
          if (!r.delete(ctx.params.phone)) throw new MockAdminError(404, `phone ${ctx.params.phone.slice(0, 30)} has no behaviour set`);
          return {};
        },
      },
      { method: 'GET', path: '/__admin/stats', handle: () => ({ body: a.stats() }) },
      { method: 'GET', path: '/__admin/balance', handle: () => ({ body: { balance: a.balance() } }) },
      {
        method: 'POST',
        path: '/__admin/balance',
        handle: (ctx) => ({ body: { balance: a.setBalance(fields(ctx, ['balance'], ['balance']).balance as number) } }),
      },
      { method: 'GET', path: '/__admin/auto-progress', handle: () => ({ body: a.autoProgress() }) },
      { method: 'POST', path: '/__admin/auto-progress', handle: (ctx) => ({ body: a.setAutoProgress(ctx.json() as Partial<AutoProgress>) }) },
    ];
  }
}

function fields(ctx: AdminContext, allowed: string[], required: string[]): Record<string, unknown> {
  const v = ctx.json();
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MockAdminError(400, 'body must be a JSON object');
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new MockAdminError(400, `unknown field(s): ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  const missing = required.filter((k) => o[k] === undefined);
  if (missing.length > 0) throw new MockAdminError(400, `missing field(s): ${missing.join(', ')}`);
  return o;
}

function checkListFilter(filter: { phone?: string; limit?: number }): { phone?: string; limit?: number } {
  if (filter.phone !== undefined && typeof filter.phone !== 'string') throw new MockAdminError(400, 'phone must be a string');
  if (filter.limit !== undefined && !(Number.isInteger(filter.limit) && filter.limit >= 0)) throw new MockAdminError(400, 'limit must be an integer ≥ 0');
  return filter;
}
