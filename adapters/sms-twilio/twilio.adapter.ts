import { Adapter, AdapterContext, CloudEvent, DeliveryReport, HandleOutcome, NotificationDispatch, PermanentError, ProbeResult, TransientError, WebhookOutcome, WebhookRequest } from '../../contracts';
import { DispatchMemory, markReplayed, smsShape } from '../_kit';
import { TwilioRestClient } from './twilio.client';
import type { TwilioConfig } from './twilio.config';
import { classifyCreateError, classifyReadError, OutcomeUnknownError, TwilioApiError } from './twilio.errors';
import { deliveryOfMessage, errorCodeOf, isEarlierAttempt, MAX_BODY_CHARS, messageForm, parseTwilioDate, readStatusCallback, toE164 } from './twilio.mapper';
import { checkCallbackSignature } from './twilio.signature';

/** Entries of a page listed when reconciling an uncertain attempt (newest first). */
const RECONCILE_PAGE_SIZE = '50';
/** Probe deadline: the hub's health view must not hang on a silent API. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Twilio Programmable Messaging for `notification.dispatch` on the SMS channel. The create call
 * has no idempotency key, so the adapter remembers recent dispatches (a repeat returns the
 * earlier report) and, after an attempt whose outcome is unknown, lists the recipient's recent
 * messages before sending again. Statuses come back by signed status callbacks.
 */
export class TwilioSmsAdapter implements Adapter {
  private readonly client: TwilioRestClient;
  /** Final outcomes by dispatch id; an uncertain attempt is noted with its start (ms), the earliest kept. */
  private readonly memory = new DispatchMemory<HandleOutcome, number>();

  constructor(
    private readonly config: TwilioConfig,
    private readonly ctx: AdapterContext,
  ) {
    // The schema already demands a sender; this guards hand-built configs in code.
    if (!config.from && !config.messagingServiceSid) throw new PermanentError('sms.twilio needs `from` or `messagingServiceSid`');
    this.client = new TwilioRestClient(config);
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'notification.dispatch') throw new PermanentError(`sms.twilio does not handle ${event.type}`);
    const d = event.data as NotificationDispatch;
    if (d.channel !== 'sms') throw new PermanentError(`sms.twilio got a dispatch for the ${String(d.channel)} channel`);
    if (typeof d.dispatchId !== 'string' || !d.dispatchId) throw new PermanentError('sms.twilio got a dispatch without a dispatchId');
    if (typeof d.address !== 'string' || typeof d.text !== 'string' || !d.text) throw new PermanentError('sms.twilio got a dispatch without an address or text');
    if (signal.aborted) throw new TransientError('the call was aborted before anything was sent');
    const { outcome, from } = await this.memory.once(d.dispatchId, signal, () => this.send(d, signal));
    return from === 'run' ? outcome : markReplayed(outcome, from);
  }

  async probe(): Promise<ProbeResult> {
    try {
      // One-entry list of the Messages resource: needs the credentials, sends nothing, and is the
      // resource this adapter uses (the account fetch endpoint is not in every Twilio-compatible API).
      await this.client.listMessages({ PageSize: '1' }, AbortSignal.timeout(PROBE_TIMEOUT_MS));
      return { ok: true, detail: 'Twilio Messages API reachable; credentials accepted' };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async webhook(request: WebhookRequest): Promise<WebhookOutcome> {
    try {
      const check = checkCallbackSignature(this.config.authToken, request);
      if (!check.verified) return { verified: false, detail: check.detail, deliveries: [], inbound: [] };
      const reading = readStatusCallback(check.params, request.headers['i-twilio-idempotency-token'], this.ctx.now());
      // Twilio takes an empty 200 (or TwiML) as "received"; anything else makes it retry.
      return { verified: true, dedupKey: reading.dedupKey, deliveries: reading.deliveries, inbound: [], reply: { status: 200 } };
    } catch {
      return { verified: false, detail: 'the callback could not be read', deliveries: [], inbound: [] };
    }
  }

  /** One dispatch that is not remembered as done: reconcile an uncertain earlier attempt, else send. The memory keeps what it returns. */
  private async send(d: NotificationDispatch, signal: AbortSignal): Promise<HandleOutcome> {
    const id = d.dispatchId;
    const startedMs = this.ctx.now().getTime();
    const shape = smsShape(d.text);
    const statusCallbackUrl = this.config.statusCallback !== false ? this.ctx.webhookUrl : undefined;
    const request = {
      dispatchId: id,
      notificationId: d.notificationId,
      priority: d.priority,
      characters: shape.characters,
      segments: shape.segments,
      encoding: shape.encoding,
      sender: this.config.messagingServiceSid ? 'messagingService' : 'from',
      statusCallback: statusCallbackUrl !== undefined,
    };
    if (shape.characters > MAX_BODY_CHARS) throw new PermanentError(`the SMS body has ${shape.characters} characters; Twilio takes at most ${MAX_BODY_CHARS}`);

    const to = toE164(d.address);
    if (!to) {
      const report = this.failedWithoutSid(id, 'hub:invalid-address', 'the address is not an E.164 phone number; nothing was sent');
      return { results: [], deliveries: [report], summary: { request, response: { sent: false, failure: report.failure?.code } } };
    }

    const prior = this.memory.get(id);
    if (prior?.kind === 'uncertain') {
      const found = await this.reconcile(id, to, d.text, prior.note, signal);
      if (found) {
        this.ctx.logger.info({ dispatchId: id, sid: found.providerMessageId }, 'sms.twilio: an earlier attempt had sent the message; not sending again');
        return { results: [], deliveries: [found], summary: { request, response: { reconciled: true, sid: found.providerMessageId, status: found.status } } };
      }
    }

    let resource: Record<string, unknown>;
    try {
      resource = await this.client.createMessage(messageForm(to, d.text, this.config, statusCallbackUrl), signal);
    } catch (e) {
      // The message may exist now: the next attempt lists before it sends.
      if (e instanceof OutcomeUnknownError || (e instanceof TwilioApiError && e.httpStatus >= 500)) this.memory.markUncertain(id, startedMs, Math.min);
      if (!(e instanceof TwilioApiError)) {
        this.ctx.logger.warn({ dispatchId: id, error: (e as Error).message }, 'sms.twilio: create message failed');
        throw e;
      }
      const refusal = classifyCreateError(e);
      if (refusal.kind === 'error') {
        this.ctx.logger.warn({ dispatchId: id, httpStatus: e.httpStatus, code: e.code }, 'sms.twilio: Twilio refused the message');
        throw refusal.error;
      }
      this.ctx.logger.info({ dispatchId: id, code: refusal.code }, 'sms.twilio: Twilio refused the recipient');
      const report = this.failedWithoutSid(id, refusal.failure.code, refusal.failure.message, refusal.addressInactive);
      return { results: [], deliveries: [report], summary: { request, response: { httpStatus: e.httpStatus, errorCode: refusal.code } } };
    }

    const report = deliveryOfMessage(resource, id, this.ctx.now());
    if (!report) {
      this.memory.markUncertain(id, startedMs, Math.min);
      throw new OutcomeUnknownError('Twilio create message: the answer has no message SID or an unknown status');
    }
    this.ctx.logger.debug({ dispatchId: id, sid: report.providerMessageId, status: resource.status }, 'sms.twilio: message taken');
    const numSegments = Number(resource.num_segments);
    return {
      results: [],
      deliveries: [report],
      summary: {
        request,
        response: {
          sid: report.providerMessageId,
          status: String(resource.status),
          ...(Number.isFinite(numSegments) ? { numSegments } : {}),
          ...(errorCodeOf(resource.error_code) ? { errorCode: errorCodeOf(resource.error_code) } : {}),
        },
      },
    };
  }

  /**
   * Looks for the message an uncertain earlier attempt may have created: the recipient's recent
   * messages with the same body, created since that attempt and not reported for another
   * dispatch. The oldest match wins.
   */
  private async reconcile(id: string, to: string, text: string, sinceMs: number, signal: AbortSignal): Promise<DeliveryReport | undefined> {
    let messages: Record<string, unknown>[];
    try {
      messages = await this.client.listMessages({ To: to, PageSize: RECONCILE_PAGE_SIZE }, signal);
    } catch (e) {
      throw e instanceof TwilioApiError ? classifyReadError(e) : e;
    }
    // Messages this instance already reported for other dispatches are not this one's.
    const claimed = new Set<string>();
    for (const o of this.memory.outcomes()) for (const r of o.deliveries ?? []) if (r.dispatchId !== id) claimed.add(r.providerMessageId);
    const matches = messages.filter((m) => isEarlierAttempt(m, to, text, sinceMs) && !claimed.has(String(m.sid)));
    matches.sort((a, b) => Date.parse(parseTwilioDate(a.date_created) ?? '') - Date.parse(parseTwilioDate(b.date_created) ?? ''));
    for (const m of matches) {
      const report = deliveryOfMessage(m, id, this.ctx.now());
      if (report) return report;
    }
    return undefined;
  }

  /** A failed delivery for a message Twilio never created (so there is no SID to report). */
  private failedWithoutSid(id: string, code: string, message: string, addressInactive = false): DeliveryReport {
    return {
      dispatchId: id,
      // The hub maps by dispatchId; this stand-in only has to be unique and never look like a SID.
      providerMessageId: `refused:${id}`,
      status: 'failed',
      failure: { code, message },
      ...(addressInactive ? { addressInactive: true } : {}),
      occurredAt: this.ctx.now().toISOString(),
    };
  }
}
