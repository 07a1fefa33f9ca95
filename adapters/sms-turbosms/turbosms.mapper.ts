import type { DeliveryReport } from '../../contracts';
import { kyivToRfc3339 } from './kyiv-time.codec';
import { recipientFailure } from './turbosms.errors';

/** Most message ids asked about in one status.json call. */
export const STATUS_CHUNK = 500;

/** E.164 with or without its "+": a country code not starting with 0, at most 15 digits. */
const E164 = /^\+?([1-9][0-9]{6,14})$/;
/** TurboSMS message ids are UUIDs (8-4-4-4-12 hex); anything else gets 307 INVALID_MESSAGE_ID. */
const MESSAGE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The hub's E.164 address as TurboSMS wants it: digits only, no "+" (`+380501234567` →
 * `380501234567`). Undefined when it is not a phone number at all.
 */
export function toTurboPhone(address: string): string | undefined {
  return E164.exec(address.trim())?.[1];
}

/** Whether an id has the shape of a TurboSMS message id. */
export function isMessageId(id: unknown): id is string {
  return typeof id === 'string' && MESSAGE_ID.test(id);
}

/**
 * The body of one send. Deterministic: the same recipients (in any order), sender and text
 * always give the same bytes, so a retry of a batch is an identical request and TurboSMS answers
 * it with 507 and the first results instead of sending again. Recipients are sorted and no
 * time-dependent field (`start_time`) is sent.
 */
export function sendBody(recipients: readonly string[], sender: string, text: string): string {
  return JSON.stringify({ recipients: [...recipients].sort(), sms: { sender, text } });
}

/** One recipient's entry of a send answer. */
export interface RecipientResult {
  code: number;
  status: string;
  messageId?: string;
}

/**
 * The per-recipient entries of a send answer, by phone as TurboSMS echoes it. When an entry has
 * no usable `phone`, entries are matched by position (TurboSMS answers in request order).
 * @param result `response_result` of a send (or of its 507 replay)
 * @param recipients the recipients as sent, in body order
 */
export function readSendResult(result: unknown, recipients: readonly string[]): Map<string, RecipientResult> {
  const out = new Map<string, RecipientResult>();
  if (!Array.isArray(result)) return out;
  result.forEach((entry: unknown, i) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    const code = Number(e.response_code);
    if (!Number.isInteger(code)) return;
    const phone = typeof e.phone === 'string' || typeof e.phone === 'number' ? String(e.phone) : result.length === recipients.length ? recipients[i] : undefined;
    if (phone === undefined || out.has(phone)) return;
    out.set(phone, { code, status: typeof e.response_status === 'string' ? e.response_status : '', ...(isMessageId(e.message_id) ? { messageId: e.message_id } : {}) });
  });
  return out;
}

/**
 * What one recipient's entry means for the hub: `sent` with the message id, or `failed` for a
 * refused recipient (404 stop list → address inactive). Undefined when the entry says OK but
 * carries no message id (an answer the adapter cannot trust).
 */
export function recipientReport(dispatchId: string, r: RecipientResult, occurredAt: string): DeliveryReport | undefined {
  if (r.code === 0) return r.messageId ? { dispatchId, providerMessageId: r.messageId, status: 'sent', occurredAt } : undefined;
  const { failure, addressInactive } = recipientFailure(r.code, r.status);
  return {
    dispatchId,
    // No message exists; the hub maps by dispatchId and this stand-in never looks like a message id.
    providerMessageId: r.messageId ?? `refused:${dispatchId}`,
    status: 'failed',
    failure,
    ...(addressInactive ? { addressInactive: true } : {}),
    occurredAt,
  };
}

/**
 * TurboSMS message statuses (and raw SMSC DLR codes it passes on) → hub delivery statuses.
 * Statuses that only say the message is on its way come back as `sent`; the hub ignores a
 * status that does not advance.
 */
const STATUS_MAP: Readonly<Record<string, DeliveryReport['status']>> = {
  queued: 'sent',
  accepted: 'sent',
  sent: 'sent',
  enroute: 'sent',
  delivered: 'delivered',
  delivrd: 'delivered',
  read: 'read',
  undelivered: 'failed',
  undeliv: 'failed',
  rejected: 'failed',
  rejectd: 'failed',
  expired: 'failed',
  failed: 'failed',
  cancelled: 'failed',
  canceled: 'failed',
  deleted: 'failed',
  unknown: 'failed',
};

/** The hub status of a TurboSMS status name; undefined for names this adapter does not know. */
export function hubStatusOf(status: unknown): DeliveryReport['status'] | undefined {
  return typeof status === 'string' ? STATUS_MAP[status.trim().toLowerCase()] : undefined;
}

/**
 * Reports of a status.json answer. Entries with `response_code` ≠ 0 (414 unknown id, 307
 * malformed id) and statuses this adapter does not know are left out.
 * @param result `response_result`
 * @param now used when TurboSMS gives neither `updated` nor `sent`
 */
export function readStatusResult(result: unknown, now: Date): DeliveryReport[] {
  if (!Array.isArray(result)) return [];
  const out: DeliveryReport[] = [];
  for (const entry of result as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    if (Number(e.response_code) !== 0 || !isMessageId(e.message_id)) continue;
    const status = hubStatusOf(e.status);
    if (!status) continue;
    const occurredAt = kyivToRfc3339(e.updated) ?? kyivToRfc3339(e.sent) ?? now.toISOString();
    const report: DeliveryReport = { providerMessageId: e.message_id, status, occurredAt };
    if (status === 'failed') {
      const name = String(e.status).trim();
      const rejected = typeof e.rejected_status === 'string' && /^[A-Za-z0-9_ .:-]{1,40}$/.test(e.rejected_status) ? `, ${e.rejected_status}` : '';
      report.failure = { code: `turbosms:${name}`.slice(0, 64), message: `TurboSMS reports the message as ${name}${rejected}`.slice(0, 500) };
    }
    out.push(report);
  }
  return out;
}

/** Splits ids into status.json calls of at most {@link STATUS_CHUNK}. */
export function chunks<T>(items: readonly T[], size = STATUS_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
