import { domainToASCII } from 'node:url';
import type { DeliveryFailure, DeliveryReport, NotificationDispatch } from '../../contracts';
import type { OutgoingMail } from './smtp.client';

/**
 * A single mailbox `local@domain`, nothing else: no display name, no list, no comments, no
 * control characters. Anything more would let one address field reach several people.
 * Non-ASCII is allowed on both sides (SMTPUTF8 / IDN).
 */
const SINGLE_MAILBOX = /^[^\s@<>()[\]\\,;:"\x00-\x1f\x7f]{1,64}@[^\s@<>()[\]\\,;:"\x00-\x1f\x7f]+\.[^\s@<>()[\]\\,;:"\x00-\x1f\x7f.]{2,}$/u;

/** True when `address` is exactly one plain e-mail address (at most 254 characters). */
export function isSingleMailbox(address: string): boolean {
  return typeof address === 'string' && address.length <= 254 && SINGLE_MAILBOX.test(address) && !address.includes('..');
}

/** The address part of a `from` setting: what is inside `<...>`, else the whole value. */
export function senderAddressOf(from: string): string {
  const angle = /<([^<>]+)>\s*$/.exec(from);
  return (angle ? angle[1] : from).trim();
}

/**
 * The domain for Message-IDs: the configured one, else the domain of `from`, in ASCII
 * (punycode), lower case. Undefined when neither gives a usable domain.
 */
export function messageIdDomainOf(config: { from: string; messageIdDomain?: string }): string | undefined {
  const raw = config.messageIdDomain ?? senderAddressOf(config.from).split('@').pop() ?? '';
  const ascii = domainToASCII(raw.trim());
  return ascii ? ascii.toLowerCase() : undefined;
}

/**
 * The deterministic Message-ID of a dispatch: `<dispatchId@domain>`. Every attempt of the same
 * dispatch carries it, so a copy that a retry after an unknown outcome sends again can be
 * recognised (and collapsed) by whoever receives both.
 */
export function messageIdFor(dispatchId: string, domain: string): string {
  return `<${dispatchId}@${domain}>`;
}

/** The message for one dispatch. Headers carry ids only; personal data stays in To and the body. */
export function composeMail(d: NotificationDispatch, opts: { from: string; messageId: string; date: Date }): OutgoingMail {
  return {
    messageId: opts.messageId,
    from: opts.from,
    to: d.address,
    ...(d.subject !== undefined ? { subject: d.subject } : {}),
    text: d.text,
    ...(d.html !== undefined ? { html: d.html } : {}),
    date: opts.date,
    priority: d.priority === 'high' ? 'high' : 'normal',
    headers: {
      // RFC 3834: an automatic notice; auto-responders and vacation replies stay quiet.
      'Auto-Submitted': 'auto-generated',
      'Content-Language': d.locale,
      'X-Hub-Notification-Id': d.notificationId,
      'X-Hub-Dispatch-Id': d.dispatchId,
    },
  };
}

/** The report for a message the server took (`250`); SMTP has no later receipts, so `sent` is final. */
export function sentReport(dispatchId: string, messageId: string, at: Date): DeliveryReport {
  return { dispatchId, providerMessageId: messageId, status: 'sent', occurredAt: at.toISOString() };
}

/** The report for a recipient or message the server refused (or the hub could not address). */
export function failedReport(dispatchId: string, messageId: string, failure: DeliveryFailure, addressInactive: boolean, at: Date): DeliveryReport {
  return { dispatchId, providerMessageId: messageId, status: 'failed', failure, ...(addressInactive ? { addressInactive: true } : {}), occurredAt: at.toISOString() };
}

/** The journal's view of the request: ids and sizes, never the address, subject or text. */
export function requestSummary(d: NotificationDispatch, messageId: string): Record<string, unknown> {
  return {
    dispatchId: d.dispatchId,
    notificationId: d.notificationId,
    messageId,
    priority: d.priority,
    locale: d.locale,
    subjectLength: d.subject?.length ?? 0,
    textLength: d.text.length,
    htmlLength: d.html?.length ?? 0,
  };
}

/** The server's queue id from a `250 ... queued as <id>` reply, if it names one (alphanumerics only). */
export function queueIdOf(response: string | undefined): string | undefined {
  const m = typeof response === 'string' ? /queued as ([A-Za-z0-9]{1,64})\b/i.exec(response) : null;
  return m?.[1];
}
