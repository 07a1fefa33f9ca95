import { intQuery, MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { CallbackRecord } from './viber-callback.dispatcher';
import { isJsonObject } from './viber-json.codec';
import type { ProgressScheduler, ReceiptEvent } from './viber-progress.scheduler';
import type { SentRepository } from './viber-sent.repository';
import type { SentMessage } from './viber-domain.types';
import { sentView, type SentMessageView } from './viber-views.mapper';

/** Which message of a token a receipt is for (a broadcast token has one per receiver). */
export interface ReceiptOptions {
  /** Required when the token is a broadcast's with several receivers. */
  userId?: string;
}

/** What a receipt did. */
export interface ReceiptResult {
  message: SentMessageView;
  /** Null when no webhook is set or the event is filtered out. */
  callback: CallbackRecord | null;
}

/**
 * Everything the bots sent, and manual receipts: with autoProgress off, a test decides when a
 * message is delivered, seen or failed.
 */
export class ViberSentApi {
  /** @param deps the sent messages and the progress scheduler */
  constructor(private readonly deps: { sent: SentRepository; progress: ProgressScheduler }) {}

  /** Messages after `since` (a seq), oldest first, with the total kept and the last seq. */
  list(options: { since?: number } = {}): { messages: SentMessageView[]; count: number; lastSeq: number } {
    return { messages: this.deps.sent.list(options.since ?? 0).map(sentView), count: this.deps.sent.count(), lastSeq: this.deps.sent.lastSeq() };
  }

  /** The messages carrying a token (decimal string). @throws MockAdminError(404) */
  get(messageToken: string): SentMessageView[] {
    return this.find(messageToken).map(sentView);
  }

  /** Marks delivered and POSTs `delivered`. @throws MockAdminError 404 / 400 */
  deliver(messageToken: string, options: ReceiptOptions = {}): Promise<ReceiptResult> {
    return this.receipt(messageToken, 'delivered', options);
  }

  /** Marks seen and POSTs `seen`. @throws MockAdminError 404 / 400 */
  seen(messageToken: string, options: ReceiptOptions = {}): Promise<ReceiptResult> {
    return this.receipt(messageToken, 'seen', options);
  }

  /** Marks failed and POSTs `failed` with `desc`. @throws MockAdminError 404 / 400 */
  fail(messageToken: string, options: ReceiptOptions & { desc?: string } = {}): Promise<ReceiptResult> {
    if (options.desc !== undefined && (typeof options.desc !== 'string' || options.desc.length > 500)) throw new MockAdminError(400, 'desc must be a string');
    return this.receipt(messageToken, 'failed', options, options.desc);
  }

  /** The `/__admin/sent...` endpoints. */
  routes(): AdminRoute[] {
    const receiptRoute = (event: ReceiptEvent): AdminRoute => ({
      method: 'POST',
      path: `/__admin/sent/:token/${event}`,
      handle: async (ctx: AdminContext) => {
        const b = ctx.json();
        if (!isJsonObject(b)) throw new MockAdminError(400, 'body must be a JSON object');
        for (const k of Object.keys(b)) if (k !== 'userId' && k !== 'desc') throw new MockAdminError(400, `unknown field ${k} (userId, desc)`);
        if (b.userId !== undefined && typeof b.userId !== 'string') throw new MockAdminError(400, 'userId must be a string');
        return { body: await this.receipt(ctx.params.token, event, { userId: b.userId as string | undefined }, b.desc as string | undefined) };
      },
    });
    return [
      {
        method: 'GET',
        path: '/__admin/sent',
        handle: (ctx) => {
          return { body: this.list({ since: intQuery(ctx.query, 'since') ?? 0 }) };
        },
      },
      { method: 'GET', path: '/__admin/sent/:token', handle: (ctx) => ({ body: { messages: this.get(ctx.params.token) } }) },
      receiptRoute('delivered'),
      receiptRoute('seen'),
      receiptRoute('failed'),
    ];
  }

  private async receipt(messageToken: string, event: ReceiptEvent, options: ReceiptOptions, desc?: string): Promise<ReceiptResult> {
    if (event === 'failed' && desc !== undefined && typeof desc !== 'string') throw new MockAdminError(400, 'desc must be a string');
    const all = this.find(messageToken);
    const candidates = options.userId === undefined ? all : all.filter((m) => m.receiver === options.userId);
    if (candidates.length === 0) throw new MockAdminError(404, `message ${messageToken} was not sent to ${options.userId}`);
    if (candidates.length > 1) throw new MockAdminError(400, `message ${messageToken} went to ${candidates.length} users: give userId`);
    const message = candidates[0];
    const outcome = await this.deps.progress.apply(message, event, desc);
    return { message: sentView(message), callback: outcome ? { ...outcome.record, attempts: outcome.record.attempts.map((a) => ({ ...a })) } : null };
  }

  private find(messageToken: string): SentMessage[] {
    if (typeof messageToken !== 'string' || !/^\d{1,20}$/.test(messageToken)) throw new MockAdminError(400, 'message token must be a decimal string');
    const found = this.deps.sent.byMessageToken(BigInt(messageToken).toString());
    if (found.length === 0) throw new MockAdminError(404, `no sent message ${messageToken}`);
    return found;
  }
}
