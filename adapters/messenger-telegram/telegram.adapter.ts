import { Adapter, AdapterContext, CloudEvent, DeliveryReport, HandleOutcome, NotificationDispatch, PermanentError, ProbeResult, TransientError, WebhookOutcome, WebhookRequest } from '../../contracts';
import { DispatchMemory } from '../_kit';
import { abortReason } from './abortable.sleep';
import { ChatPacer } from './chat-pace.limiter';
import { TelegramClient } from './telegram.client';
import { DEFAULT_API_ROOT, DEFAULT_PER_CHAT_INTERVAL_MS, type TelegramConfig } from './telegram.config';
import { classifySendError } from './telegram.errors';
import { chatIdOf, refusedReport, requestSummary, responseSummary, sendMessageCall, sentReport } from './telegram.mapper';
import { readWebhook } from './telegram.webhook';

/** How long probe() waits for getMe. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Telegram bot notifications through grammY. A dispatch becomes one sendMessage to the chat id
 * in its address, paced per chat and remembered by dispatch id; recipient refusals (blocked
 * bot, unknown chat) come back as `failed` deliveries so the hub falls back to the next channel.
 * The webhook reads what citizens do in the bot: `/start <token>` links a chat, blocking the bot
 * unlinks it.
 */
export class TelegramAdapter implements Adapter {
  private readonly client: TelegramClient;
  private readonly pacer: ChatPacer;
  /** Reports by dispatch id: sendMessage has no idempotency key. Thrown errors are not kept, so retries really retry. */
  private readonly ledger = new DispatchMemory<DeliveryReport>({ abortedWait: (s) => `aborted while waiting for the same dispatch (${abortReason(s)})` });

  constructor(
    private readonly config: TelegramConfig,
    private readonly ctx: AdapterContext,
  ) {
    this.client = new TelegramClient(config.token, config.apiRoot ?? DEFAULT_API_ROOT);
    this.pacer = new ChatPacer(config.perChatIntervalMs ?? DEFAULT_PER_CHAT_INTERVAL_MS);
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'notification.dispatch') throw new PermanentError(`messenger.telegram does not handle ${event.type}`);
    const dispatch = event.data as NotificationDispatch;
    if (dispatch.channel !== 'telegram') throw new PermanentError(`messenger.telegram got a dispatch for the ${String(dispatch.channel)} channel`);
    if (signal.aborted) throw new TransientError(`sendMessage not started: ${abortReason(signal)}`);
    const { outcome: report, from } = await this.ledger.once(dispatch.dispatchId, signal, () => this.send(dispatch, signal));
    const repeated = from !== 'run';
    if (repeated) this.ctx.logger.info({ dispatchId: dispatch.dispatchId, status: report.status }, 'repeated dispatch answered from memory, not sent again');
    return {
      results: [],
      deliveries: [report],
      summary: { request: requestSummary(dispatch, this.config.parseMode), response: responseSummary(report, repeated ? { repeated: true } : {}) },
    };
  }

  async probe(): Promise<ProbeResult> {
    try {
      const me = await this.client.getMe(AbortSignal.timeout(PROBE_TIMEOUT_MS));
      return { ok: true, detail: me.username ? `getMe: @${me.username}` : 'getMe ok' };
    } catch (e) {
      return { ok: false, detail: classifySendError(e, 'getMe').message };
    }
  }

  async webhook(request: WebhookRequest): Promise<WebhookOutcome> {
    const outcome = readWebhook(request, this.config.webhookSecret);
    // debug, not warn: forged callbacks must not be able to flood the log; the hub counts refusals.
    if (!outcome.verified) this.ctx.logger.debug({ detail: outcome.detail }, 'Telegram webhook refused');
    else this.ctx.logger.debug({ dedupKey: outcome.dedupKey, inbound: outcome.inbound.map((m) => m.kind) }, 'Telegram update read');
    return outcome;
  }

  async register(signal: AbortSignal): Promise<void> {
    if (this.config.register === false) {
      this.ctx.logger.info({}, 'Telegram webhook registration is off (register: false); the webhook is managed by hand');
      return;
    }
    const url = this.ctx.webhookUrl;
    if (!url) throw new PermanentError('messenger.telegram cannot register its webhook: the hub has no public URL; set it, or set register: false');
    try {
      await this.client.setWebhook(url, this.config.webhookSecret, signal);
    } catch (e) {
      const f = classifySendError(e, 'setWebhook');
      throw 'kind' in f ? new PermanentError(`Telegram refused setWebhook: ${f.message}`) : f;
    }
    this.ctx.logger.info({ allowedUpdates: ['message', 'my_chat_member'] }, 'Telegram webhook registered');
  }

  async dispose(): Promise<void> {
    this.ledger.clear();
  }

  /** One sendMessage, paced; a refused recipient becomes a failed report, anything else throws. */
  private async send(dispatch: NotificationDispatch, signal: AbortSignal): Promise<DeliveryReport> {
    const chatId = chatIdOf(dispatch.address);
    if (chatId === undefined) {
      // A hub-side mistake (not a chat id); failing the channel lets the hub try the next one.
      this.ctx.logger.warn({ dispatchId: dispatch.dispatchId }, 'dispatch address is not a Telegram chat id');
      return refusedReport(dispatch.dispatchId, { code: 'telegram:invalid-chat-id', message: 'the address is not a Telegram chat id', addressInactive: false }, this.ctx.now());
    }
    const chat = String(chatId);
    await this.pacer.wait(chat, signal);
    try {
      const message = await this.client.sendMessage(sendMessageCall(dispatch, chatId, this.config.parseMode), signal);
      return sentReport(dispatch.dispatchId, message, this.ctx.now());
    } catch (e) {
      const f = classifySendError(e);
      if ('kind' in f) {
        this.ctx.logger.info({ dispatchId: dispatch.dispatchId, code: f.code, addressInactive: f.addressInactive }, 'Telegram refused the recipient');
        return refusedReport(dispatch.dispatchId, f, this.ctx.now());
      }
      if (f instanceof TransientError && f.retryAfterMs !== undefined) this.pacer.hold(chat, f.retryAfterMs);
      this.ctx.logger.warn({ dispatchId: dispatch.dispatchId, error: f.name, detail: f.message }, 'Telegram sendMessage failed');
      throw f;
    }
  }
}
