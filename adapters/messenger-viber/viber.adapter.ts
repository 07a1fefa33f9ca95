import type { Adapter, AdapterContext, CloudEvent, DeliveryReport, HandleOutcome, NotificationDispatch, ProbeResult, WebhookOutcome, WebhookRequest } from '../../contracts';
import { PermanentError, TransientError } from '../../contracts';
import { DispatchMemory } from '../_kit';
import { parseViberJson, tokenString } from './viber-json.codec';
import { ViberAnswer, ViberClient } from './viber.client';
import { DEFAULT_BASE_URL, ViberConfig } from './viber.config';
import { classifyStatus, statusName } from './viber.errors';
import { EVENT_TYPES, readCallback, requestSummary, sendMessageBody, welcomeReplyBody, welcomeTextFor } from './viber.mapper';
import { signatureOf, verifyViberSignature } from './viber.signature';

/** How long probe may take; the hub gives handle its own deadline. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * A `messenger.viber` instance: sends dispatches with `send_message`, reads signed callbacks
 * (delivery statuses, citizens opening and writing to the bot) and registers its webhook.
 */
export class ViberAdapter implements Adapter {
  private readonly client: ViberClient;
  /**
   * Outcomes by dispatch id (Viber has no idempotency key), refusals included; failures are not
   * kept, but a send whose outcome is unknown is marked so its retry can be flagged to operators.
   */
  private readonly memo = new DispatchMemory<HandleOutcome, true>({ abortedWait: 'Viber send_message: timed out waiting for the same dispatch in flight' });

  constructor(
    private readonly config: ViberConfig,
    private readonly ctx: AdapterContext,
  ) {
    this.client = new ViberClient(config.baseUrl ?? DEFAULT_BASE_URL, config.authToken);
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'notification.dispatch') throw new PermanentError(`messenger.viber does not consume ${event.type}`);
    const dispatch = event.data as NotificationDispatch;
    if (!dispatch?.dispatchId || !dispatch.address || !dispatch.text) throw new PermanentError('notification.dispatch without dispatchId, address or text');
    const { outcome: value, from } = await this.memo.once(dispatch.dispatchId, signal, () => this.send(dispatch, signal));
    if (from === 'run') return value;
    this.ctx.logger.info({ dispatchId: dispatch.dispatchId }, 'viber: repeated dispatch answered from memory, not sent again');
    return { ...value, summary: { ...value.summary, response: { ...value.summary?.response, replayed: true } } };
  }

  async probe(): Promise<ProbeResult> {
    try {
      const answer = await this.client.call('get_account_info', {}, AbortSignal.timeout(PROBE_TIMEOUT_MS));
      if (answer.status === 0) return { ok: true };
      return { ok: false, detail: `Viber get_account_info: status ${answer.status} (${statusName(answer.status)})` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async webhook(request: WebhookRequest): Promise<WebhookOutcome> {
    try {
      return this.readWebhook(request);
    } catch {
      // Never throw for input; a bug here must not turn into a 500 that Viber retries forever.
      return { verified: false, detail: 'callback could not be read', deliveries: [], inbound: [] };
    }
  }

  /**
   * `set_webhook` with the hub's callback URL. Viber calls the URL (event `webhook`) before it
   * answers, so the hub calls this once its HTTP server takes callbacks.
   */
  async register(signal: AbortSignal): Promise<void> {
    if (this.config.register === false) return;
    if (!this.ctx.webhookUrl) throw new PermanentError('messenger.viber: no public webhook URL (hub.publicUrl) to register; set register: false to register by hand');
    // Names and photos are personal data the hub has no use for: Viber is asked not to send them.
    const answer = await this.client.call('set_webhook', { url: this.ctx.webhookUrl, event_types: [...EVENT_TYPES], send_name: false, send_photo: false }, signal);
    const verdict = classifyStatus('set_webhook', answer.status);
    if (verdict.kind === 'error') throw verdict.error;
    if (verdict.kind === 'recipient') throw new PermanentError(`Viber set_webhook refused: status ${answer.status} (${statusName(answer.status)})`);
    this.ctx.logger.info({ instanceId: this.ctx.instanceId }, 'viber: webhook registered');
  }

  /** One send, classified by the rules every channel adapter follows. */
  private async send(dispatch: NotificationDispatch, signal: AbortSignal): Promise<HandleOutcome> {
    const { dispatchId } = dispatch;
    if (this.memo.get(dispatchId)?.kind === 'uncertain') {
      // Warned once per unknown attempt: this attempt marks the dispatch again if its own outcome is unknown.
      this.memo.forget(dispatchId);
      // Viber has no idempotency key and no lookup by tracking_data: the earlier attempt may have arrived.
      this.ctx.logger.warn({ dispatchId }, 'viber: sending again after an attempt with an unknown outcome; the citizen may get it twice');
    }
    const request = requestSummary(dispatch);
    let answer: ViberAnswer;
    try {
      answer = await this.client.call('send_message', sendMessageBody(dispatch, this.config), signal);
    } catch (e) {
      // Refused before anything was sent (401/403) is certain; everything else might have arrived.
      if (!(e instanceof PermanentError)) this.memo.markUncertain(dispatchId, true);
      this.ctx.logger.warn({ dispatchId, error: (e as Error).message }, 'viber: send_message failed');
      throw e;
    }
    const verdict = classifyStatus('send_message', answer.status);
    const response = { status: answer.status, statusName: statusName(answer.status) };
    const occurredAt = this.ctx.now().toISOString();
    if (verdict.kind === 'error') throw verdict.error;
    if (verdict.kind === 'recipient') {
      const failed: DeliveryReport = {
        dispatchId,
        providerMessageId: `dispatch:${dispatchId}`,
        status: 'failed',
        failure: { code: verdict.code, message: verdict.message },
        ...(verdict.addressInactive ? { addressInactive: true } : {}),
        occurredAt,
      };
      return { results: [], deliveries: [failed], summary: { request, response } };
    }
    const token = tokenString(answer.body.message_token);
    if (!token) {
      this.memo.markUncertain(dispatchId, true);
      throw new TransientError('Viber send_message: status 0 without a message_token');
    }
    return { results: [], deliveries: [{ dispatchId, providerMessageId: token, status: 'sent', occurredAt }], summary: { request, response: { ...response, messageToken: token } } };
  }

  private readWebhook(request: WebhookRequest): WebhookOutcome {
    const none = { deliveries: [], inbound: [] };
    if (!verifyViberSignature(this.config.authToken, request.rawBody, signatureOf(request.headers, request.url))) {
      return { verified: false, detail: 'missing or wrong X-Viber-Content-Signature', ...none };
    }
    let parsed: unknown;
    try {
      parsed = parseViberJson(request.rawBody.toString('utf8'));
    } catch {
      // Signed by Viber but unreadable: acknowledge, since a retry would be just as unreadable.
      return { verified: true, detail: 'signed callback body is not JSON; ignored', ...none };
    }
    const reading = readCallback(parsed, this.ctx.now());
    const outcome: WebhookOutcome = {
      verified: true,
      ...(reading.detail ? { detail: reading.detail } : {}),
      ...(reading.dedupKey ? { dedupKey: reading.dedupKey } : {}),
      deliveries: reading.deliveries,
      inbound: reading.inbound,
    };
    const start = reading.inbound.find((m) => m.kind === 'start');
    const welcome = start && welcomeTextFor(this.config.welcomeText, start.kind === 'start' ? start.language : undefined);
    if (welcome) outcome.reply = { status: 200, contentType: 'application/json; charset=utf-8', body: welcomeReplyBody(this.config, welcome) };
    return outcome;
  }
}
