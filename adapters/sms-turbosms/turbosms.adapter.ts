import { Adapter, AdapterContext, CloudEvent, DeliveryReport, HandleOutcome, NotificationDispatch, PermanentError, ProbeResult, TransientError } from '../../contracts';
import { DispatchMemory, markReplayed, smsShape, untilAborted, type SmsShape } from '../_kit';
import { whenAllAborted } from './abort-signal.helper';
import { MicroBatcher } from './micro-batch.queue';
import { TurboSmsClient } from './turbosms.client';
import { batchSettings, type TurboSmsConfig } from './turbosms.config';
import { classifyEnvelope, DUPLICATE_REQUEST, isSendAccepted } from './turbosms.errors';
import { chunks, isMessageId, readSendResult, readStatusResult, recipientReport, sendBody, toTurboPhone } from './turbosms.mapper';

/** Probe deadline: the hub's health view must not hang on a silent API. */
const PROBE_TIMEOUT_MS = 10_000;
/**
 * A batch whose outcome is unknown is sent again byte for byte only this long after its first
 * attempt: inside TurboSMS's duplicate window (10 minutes in the mock; the real one is not
 * documented), the identical request is answered 507 with the first results instead of sending.
 */
export const REPLAY_WINDOW_MS = 9 * 60_000;
/** What a caller that stops waiting gets; its dispatch goes on and the outcome waits for the retry. */
const GAVE_UP = 'sms.turbosms: the call was aborted or timed out before TurboSMS answered; a retry gets the outcome';

/** One dispatch waiting in a batch. */
interface BatchItem {
  dispatchId: string;
  notificationId: string;
  priority: string;
  phone: string;
  text: string;
  shape: SmsShape;
  signal: AbortSignal;
}

/** A send as it went on the wire, kept while its outcome is unknown so a retry repeats it exactly. */
interface SentBatch {
  body: string;
  /** Recipients in body order. */
  recipients: string[];
  /** phone → the dispatch it carries. */
  members: Map<string, Omit<BatchItem, 'phone' | 'text' | 'shape' | 'signal'>>;
  shape: SmsShape;
  firstSentAtMs: number;
  /** A repeat of this batch in progress, shared by every member's retry. */
  repeating?: Promise<Map<string, ItemResult>>;
}

/** What one dispatch of a batch came to. */
type ItemResult = { ok: true; outcome: HandleOutcome } | { ok: false; error: unknown };

/**
 * TurboSMS (HTTP API v2) for `notification.dispatch` on the SMS channel. Dispatches with the same
 * text are collected for a few milliseconds and sent in one request of up to 5 000 recipients;
 * each dispatch gets its own recipient's result. Statuses are polled (`pollDeliveries`).
 *
 * A repeated dispatch does not reach the citizen twice: finished dispatches are remembered by id,
 * a concurrent duplicate waits for the first call, and a batch whose outcome is unknown is sent
 * again byte for byte, which TurboSMS answers with 507 and the first results if it had been sent.
 */
export class TurboSmsAdapter implements Adapter {
  private readonly client: TurboSmsClient;
  /** Final outcomes by dispatch id; an attempt with an unknown outcome is noted with its batch. */
  private readonly ledger = new DispatchMemory<HandleOutcome, SentBatch>({ abortedWait: GAVE_UP });
  private readonly batcher: MicroBatcher<BatchItem, ItemResult>;

  constructor(
    private readonly config: TurboSmsConfig,
    private readonly ctx: AdapterContext,
  ) {
    this.client = new TurboSmsClient(config);
    const { maxRecipients, windowMs } = batchSettings(config);
    this.batcher = new MicroBatcher<BatchItem, ItemResult>({ maxSize: maxRecipients, windowMs, memberOf: (i) => i.phone }, (_key, items) => this.sendBatch(items));
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'notification.dispatch') throw new PermanentError(`sms.turbosms does not handle ${event.type}`);
    const d = event.data as NotificationDispatch;
    if (d.channel !== 'sms') throw new PermanentError(`sms.turbosms got a dispatch for the ${String(d.channel)} channel`);
    if (typeof d.dispatchId !== 'string' || !d.dispatchId) throw new PermanentError('sms.turbosms got a dispatch without a dispatchId');
    if (typeof d.text !== 'string' || !d.text.trim()) throw new PermanentError('sms.turbosms got a dispatch with an empty text (TurboSMS would answer 201)');
    if (signal.aborted) throw new TransientError('sms.turbosms: the call was aborted before anything was sent');
    // Unlike other channels, even the first caller stops waiting at its deadline: its dispatch
    // sits in a batch shared with others, which goes on, and the ledger keeps the outcome.
    const { outcome, from } = await untilAborted(
      this.ledger.once(d.dispatchId, signal, () => this.dispatch(d, signal)),
      signal,
      GAVE_UP,
    );
    return from === 'run' ? outcome : markReplayed(outcome, from);
  }

  async pollDeliveries(providerMessageIds: readonly string[], signal: AbortSignal): Promise<DeliveryReport[]> {
    // Stand-ins of refused recipients (`refused:<dispatchId>`) are not TurboSMS ids: TurboSMS would answer 307.
    const ids = [...new Set(providerMessageIds.filter(isMessageId))];
    const reports: DeliveryReport[] = [];
    for (const chunk of chunks(ids)) {
      const envelope = await this.client.post('/message/status.json', JSON.stringify({ messages: chunk }), signal);
      if (envelope.response_code !== 0) throw classifyEnvelope(envelope.response_code, envelope.response_status, 'status');
      reports.push(...readStatusResult(envelope.response_result, this.ctx.now()));
    }
    this.ctx.logger.debug({ asked: ids.length, reported: reports.length }, 'sms.turbosms: statuses polled');
    return reports;
  }

  async probe(): Promise<ProbeResult> {
    try {
      const envelope = await this.client.post('/user/balance.json', '{}', AbortSignal.timeout(PROBE_TIMEOUT_MS));
      if (envelope.response_code !== 0) return { ok: false, detail: classifyEnvelope(envelope.response_code, envelope.response_status, 'balance').message };
      return { ok: true, detail: 'TurboSMS reachable; token accepted' };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }

  async dispose(): Promise<void> {
    await this.batcher.flushAll();
    await this.ledger.settled();
  }

  /** One dispatch not yet remembered as done: repeat its uncertain batch, or put it in a new one. The ledger keeps what it returns. */
  private async dispatch(d: NotificationDispatch, signal: AbortSignal): Promise<HandleOutcome> {
    const phone = toTurboPhone(d.address);
    const shape = smsShape(d.text);
    if (!phone) {
      const report: DeliveryReport = {
        dispatchId: d.dispatchId,
        providerMessageId: `refused:${d.dispatchId}`,
        status: 'failed',
        failure: { code: 'hub:invalid-address', message: 'the address is not an E.164 phone number; nothing was sent' },
        occurredAt: this.ctx.now().toISOString(),
      };
      return { results: [], deliveries: [report], summary: { request: requestSummary(d, shape, 0), response: { sent: false, failure: 'hub:invalid-address' } } };
    }
    const prior = this.ledger.get(d.dispatchId);
    if (prior?.kind === 'uncertain') {
      if (this.ctx.now().getTime() - prior.note.firstSentAtMs < REPLAY_WINDOW_MS) return this.repeat(prior.note, d.dispatchId, signal);
      // Too old for TurboSMS to recognise the repeat: sending the whole batch again would reach its other recipients twice.
      this.ctx.logger.warn({ dispatchId: d.dispatchId }, 'sms.turbosms: an earlier attempt with an unknown outcome is too old to repeat exactly; sending anew');
      this.ledger.forget(d.dispatchId);
    }
    const result = await this.batcher.add(d.text, { dispatchId: d.dispatchId, notificationId: d.notificationId, priority: d.priority, phone, text: d.text, shape, signal });
    if (!result.ok) throw result.error;
    return result.outcome;
  }

  /** Sends one batch of dispatches with the same text (the batcher's sender). */
  private async sendBatch(items: readonly BatchItem[]): Promise<ItemResult[]> {
    const results: ItemResult[] = items.map(() => ({ ok: false, error: new TransientError('sms.turbosms: the call was aborted before its batch was sent; nothing was sent') }));
    const live = items.filter((i) => !i.signal.aborted);
    if (!live.length) return results;
    const recipients = live.map((i) => i.phone).sort();
    const batch: SentBatch = {
      body: sendBody(recipients, this.config.sender, live[0].text),
      recipients,
      members: new Map(live.map((i) => [i.phone, { dispatchId: i.dispatchId, notificationId: i.notificationId, priority: i.priority }])),
      shape: live[0].shape,
      firstSentAtMs: this.ctx.now().getTime(),
    };
    const deadline = whenAllAborted(live.map((i) => i.signal));
    try {
      const byDispatch = await this.execute(batch, deadline.signal);
      // Callers that gave up meanwhile are gone already; the ledger keeps their results for the retry.
      items.forEach((item, n) => (results[n] = byDispatch.get(item.dispatchId) ?? results[n]));
    } finally {
      deadline.dispose();
    }
    return results;
  }

  /** Sends a batch that went out before with an unknown outcome again, byte for byte; members' retries share it. */
  private async repeat(batch: SentBatch, dispatchId: string, signal: AbortSignal): Promise<HandleOutcome> {
    if (!batch.repeating) {
      batch.repeating = this.execute(batch, signal).finally(() => {
        batch.repeating = undefined;
      });
    }
    const r = (await batch.repeating).get(dispatchId);
    if (!r) throw new TransientError('sms.turbosms: the repeated batch no longer carries this dispatch');
    if (!r.ok) throw r.error;
    return r.outcome;
  }

  /**
   * One send request for a batch, and what it means for each member. Every member's final
   * outcome goes to the ledger; on a transient failure every member is marked uncertain with the
   * batch (a retry repeats it exactly), on a permanent one forgotten.
   */
  private async execute(batch: SentBatch, signal: AbortSignal): Promise<Map<string, ItemResult>> {
    const out = new Map<string, ItemResult>();
    const size = batch.recipients.length;
    let code: number;
    let entries: ReturnType<typeof readSendResult>;
    try {
      const envelope = await this.client.post('/message/send.json', batch.body, signal);
      code = envelope.response_code;
      if (!isSendAccepted(code)) throw classifyEnvelope(code, envelope.response_status, 'send');
      entries = readSendResult(envelope.response_result, batch.recipients);
    } catch (e) {
      const permanent = e instanceof PermanentError;
      this.ctx.logger.warn({ batchSize: size, segments: batch.shape.segments, error: (e as Error).message, permanent }, 'sms.turbosms: batch send failed');
      for (const m of batch.members.values()) {
        if (permanent) this.ledger.forget(m.dispatchId);
        else this.ledger.markUncertain(m.dispatchId, batch);
        out.set(m.dispatchId, { ok: false, error: e });
      }
      return out;
    }
    const occurredAt = this.ctx.now().toISOString();
    let accepted = 0;
    let refused = 0;
    for (const [phone, m] of batch.members) {
      const entry = entries.get(phone);
      const report = entry && recipientReport(m.dispatchId, entry, occurredAt);
      if (!entry || !report) {
        // TurboSMS took the request but said nothing usable about this recipient: a repeat gets the same answer via 507.
        this.ledger.markUncertain(m.dispatchId, batch);
        out.set(m.dispatchId, { ok: false, error: new TransientError(`TurboSMS send: response_code ${code} without a usable result for this recipient`) });
        continue;
      }
      if (report.status === 'failed') refused += 1;
      else accepted += 1;
      const outcome: HandleOutcome = {
        results: [],
        deliveries: [report],
        summary: {
          request: requestSummary(m, batch.shape, size),
          response: {
            responseCode: code,
            duplicateRequest: code === DUPLICATE_REQUEST,
            recipientCode: entry.code,
            status: report.status,
            ...(entry.messageId ? { messageId: entry.messageId } : {}),
            ...(report.failure ? { failure: report.failure.code } : {}),
          },
        },
      };
      this.ledger.remember(m.dispatchId, outcome);
      out.set(m.dispatchId, { ok: true, outcome });
    }
    this.ctx.logger.debug({ batchSize: size, segments: batch.shape.segments, responseCode: code, accepted, refused }, 'sms.turbosms: batch sent');
    return out;
  }
}

/** The journal's view of a dispatch: ids, priority, sizes; never the phone or the text. */
function requestSummary(m: { dispatchId: string; notificationId: string; priority: string }, shape: SmsShape, batchSize: number): Record<string, unknown> {
  return { dispatchId: m.dispatchId, notificationId: m.notificationId, priority: m.priority, characters: shape.characters, segments: shape.segments, encoding: shape.encoding, batchSize };
}
