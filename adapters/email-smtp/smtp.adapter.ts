import { Adapter, AdapterContext, CloudEvent, HandleOutcome, NotificationDispatch, PermanentError, ProbeResult, TransientError } from '../../contracts';
import { DispatchMemory, markReplayed } from '../_kit';
import { SmtpClient } from './smtp.client';
import type { SmtpConfig } from './smtp.config';
import { classifySmtpError, describeFacts, factsOf, isRefusal } from './smtp.errors';
import { composeMail, failedReport, isSingleMailbox, messageIdDomainOf, messageIdFor, queueIdOf, requestSummary, sentReport } from './smtp.mapper';

/**
 * E-mail over SMTP for `notification.dispatch` on the e-mail channel. Each dispatch becomes one
 * message with the Message-ID `<dispatchId@domain>`; the server's `250` is the last word SMTP
 * gives (status `sent`), refusals of the recipient or the message are failed deliveries, and
 * everything the server defers or the network breaks is retried by the hub.
 */
export class SmtpEmailAdapter implements Adapter {
  private readonly client: SmtpClient;
  /** Final reports by dispatch id: SMTP has no idempotency key the server enforces. */
  private readonly ledger = new DispatchMemory<HandleOutcome>({ abortedWait: 'gave up waiting for the same dispatch already being sent (call aborted)' });
  private readonly messageIdDomain: string;

  constructor(
    private readonly config: SmtpConfig,
    private readonly ctx: AdapterContext,
  ) {
    const domain = messageIdDomainOf(config);
    // The schema makes `from` an address; this guards hand-built configs and odd IDN input.
    if (!domain) throw new PermanentError('email.smtp: no Message-ID domain; set `messageIdDomain` or a `from` with a valid domain');
    this.messageIdDomain = domain;
    this.client = new SmtpClient(config);
  }

  async handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome> {
    if (event.type !== 'notification.dispatch') throw new PermanentError(`email.smtp does not handle ${event.type}`);
    const d = event.data as NotificationDispatch;
    if (d?.channel !== 'email') throw new PermanentError(`email.smtp got a dispatch for the ${String(d?.channel)} channel`);
    if (typeof d.dispatchId !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(d.dispatchId)) throw new PermanentError('email.smtp got a dispatch without a usable dispatchId');
    if (typeof d.address !== 'string' || typeof d.text !== 'string' || !d.text) throw new PermanentError('email.smtp got a dispatch without an address or text');
    if (signal.aborted) throw new TransientError('the call was aborted before anything was sent');

    const { outcome, from } = await this.ledger.once(d.dispatchId, signal, () => this.send(d, signal));
    return from === 'run' ? outcome : markReplayed(outcome, from);
  }

  async probe(): Promise<ProbeResult> {
    try {
      await this.client.verify();
      return { ok: true, detail: 'SMTP server reachable; EHLO, TLS and AUTH accepted' };
    } catch (e) {
      return { ok: false, detail: `SMTP verify failed ${describeFacts(factsOf(e))}` };
    }
  }

  async dispose(): Promise<void> {
    this.client.close();
  }

  /** One dispatch not sent before by this instance; the ledger keeps what it returns, not what it throws. */
  private async send(d: NotificationDispatch, signal: AbortSignal): Promise<HandleOutcome> {
    const id = d.dispatchId;
    const messageId = messageIdFor(id, this.messageIdDomain);
    const request = requestSummary(d, messageId);

    if (!isSingleMailbox(d.address)) {
      // Nothing was sent: a malformed address (or a list) never reaches the server.
      const report = failedReport(id, messageId, { code: 'smtp:invalid-address', message: 'the address is not a single e-mail address; nothing was sent' }, false, this.ctx.now());
      this.ctx.logger.info({ dispatchId: id, code: 'smtp:invalid-address' }, 'email.smtp: address refused before sending');
      return { results: [], deliveries: [report], summary: { request, response: { status: 'failed', code: 'smtp:invalid-address' } } };
    }

    const mail = composeMail(d, { from: this.config.from, messageId, date: this.ctx.now() });
    try {
      const accepted = await this.client.send(mail, signal);
      const queueId = queueIdOf(accepted.response);
      this.ctx.logger.debug({ dispatchId: id, messageId, queueId }, 'email.smtp: message taken');
      return {
        results: [],
        deliveries: [sentReport(id, messageId, this.ctx.now())],
        summary: { request, response: { status: 'sent', responseCode: 250, ...(queueId ? { queueId } : {}), ...(accepted.serverMessageId ? { serverMessageId: accepted.serverMessageId } : {}) } },
      };
    } catch (e) {
      const outcome = classifySmtpError(e);
      const facts = factsOf(e);
      const logged = { dispatchId: id, messageId, code: facts.code, responseCode: facts.responseCode, enhancedCode: facts.enhancedCode, command: facts.command };
      if (!isRefusal(outcome)) {
        this.ctx.logger.warn({ ...logged, failureClass: outcome instanceof PermanentError ? 'permanent' : 'transient' }, 'email.smtp: send failed');
        throw outcome;
      }
      this.ctx.logger.info({ ...logged, addressInactive: outcome.addressInactive }, 'email.smtp: the server refused the recipient or the message');
      const report = failedReport(id, messageId, outcome.failure, outcome.addressInactive, this.ctx.now());
      return {
        results: [],
        deliveries: [report],
        summary: { request, response: { status: 'failed', code: outcome.failure.code, ...(facts.enhancedCode ? { enhancedCode: facts.enhancedCode } : {}), stage: facts.command ?? null } },
      };
    }
  }
}
