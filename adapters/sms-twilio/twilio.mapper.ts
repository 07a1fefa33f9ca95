import type { DeliveryReport } from '../../contracts';
import type { TwilioConfig } from './twilio.config';
import { deliveryFailureOf, isAddressInactiveCode } from './twilio.errors';

/** Twilio refuses longer bodies (error 21617); counted in characters (code points). */
export const MAX_BODY_CHARS = 1600;

/** A message SID: `SM` (SMS) or `MM` (MMS) and 32 hex digits. */
const MESSAGE_SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
/** E.164: `+`, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9][0-9]{6,14}$/;

/** Twilio message statuses and what each means as a delivery status of the hub. */
const STATUS_MAP: Readonly<Record<string, DeliveryReport['status']>> = {
  // `queued` / `accepted` / `scheduled` mean Twilio took the message: for the hub it is sent.
  queued: 'sent',
  accepted: 'sent',
  scheduled: 'sent',
  sending: 'sent',
  sent: 'sent',
  // Group messages only; some recipients got it, so it is not a failure, nor a confirmed delivery.
  partially_delivered: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * The hub's delivery status of a Twilio message status; undefined for inbound statuses
 * (`receiving`, `received`) and anything unknown.
 * @param status Twilio's `status` / `MessageStatus`
 */
export function deliveryStatusOf(status: unknown): DeliveryReport['status'] | undefined {
  return typeof status === 'string' && Object.hasOwn(STATUS_MAP, status) ? STATUS_MAP[status] : undefined;
}

/**
 * The recipient as Twilio wants it (E.164), with the usual separators removed.
 * @returns undefined when the address is not an E.164 number
 */
export function toE164(address: string): string | undefined {
  const compact = address.trim().replace(/[\s\-().]/g, '');
  return E164.test(compact) ? compact : undefined;
}

/**
 * The form of a CreateMessage call.
 * @param to the recipient in E.164
 * @param text the body
 * @param config sender, validity
 * @param statusCallbackUrl where Twilio posts status changes, if anywhere
 */
export function messageForm(to: string, text: string, config: Pick<TwilioConfig, 'from' | 'messagingServiceSid' | 'validityPeriodSeconds'>, statusCallbackUrl?: string): URLSearchParams {
  const form = new URLSearchParams();
  form.set('To', to);
  form.set('Body', text);
  if (config.from) form.set('From', config.from);
  if (config.messagingServiceSid) form.set('MessagingServiceSid', config.messagingServiceSid);
  if (statusCallbackUrl) form.set('StatusCallback', statusCallbackUrl);
  if (config.validityPeriodSeconds !== undefined) form.set('ValidityPeriod', String(config.validityPeriodSeconds));
  return form;
}

/**
 * Reads an RFC 2822 date of a Twilio resource (`Thu, 30 Jul 2015 20:12:31 +0000`).
 * @returns RFC 3339 (UTC), or undefined when absent or unreadable
 */
export function parseTwilioDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * Reads the carrier's `RawDlrDoneDate` (`YYMMDDhhmm`, sometimes with seconds, UTC).
 * @returns RFC 3339 (UTC), or undefined when absent or not a real date
 */
export function parseRawDlrDoneDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [2000 + Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 31 February over into March; such a value is not a date the carrier meant.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  return back.toISOString();
}

/** A Twilio error code from a resource field or callback parameter (`"30003"`, `30003`, `null`). */
export function errorCodeOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,6}$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** A SID-shaped message id, or undefined. */
export function messageSidOf(value: unknown): string | undefined {
  return typeof value === 'string' && MESSAGE_SID.test(value) ? value : undefined;
}

/**
 * The delivery report for a message resource Twilio returned (create answer or list entry).
 * @param resource the `api.v2010.account.message` JSON
 * @param dispatchId the dispatch it belongs to
 * @param now when the resource carries no readable date
 * @returns undefined when the resource has no valid `sid` or an inbound/unknown status
 */
export function deliveryOfMessage(resource: Record<string, unknown>, dispatchId: string | undefined, now: Date): DeliveryReport | undefined {
  const sid = messageSidOf(resource.sid);
  const status = deliveryStatusOf(resource.status);
  if (!sid || !status) return undefined;
  const occurredAt = parseTwilioDate(resource.date_updated) ?? parseTwilioDate(resource.date_created) ?? now.toISOString();
  const report: DeliveryReport = { ...(dispatchId ? { dispatchId } : {}), providerMessageId: sid, status, occurredAt };
  if (status === 'failed') {
    const code = errorCodeOf(resource.error_code);
    report.failure = deliveryFailureOf(code, String(resource.status));
    if (isAddressInactiveCode(code)) report.addressInactive = true;
  }
  return report;
}

/**
 * Whether a listed message is the one an earlier attempt of this dispatch may have created:
 * outbound, to the same number, the same body, created no earlier than that attempt (less skew).
 * @param resource a list entry
 * @param to the recipient in E.164
 * @param text the body
 * @param sinceMs when the first uncertain attempt started
 */
export function isEarlierAttempt(resource: Record<string, unknown>, to: string, text: string, sinceMs: number): boolean {
  const created = parseTwilioDate(resource.date_created);
  const direction = typeof resource.direction === 'string' ? resource.direction : 'outbound-api';
  return (
    resource.to === to &&
    resource.body === text &&
    direction.startsWith('outbound') &&
    created !== undefined &&
    // Twilio dates have whole seconds and their clock is not ours: allow a minute of skew.
    Date.parse(created) >= sinceMs - 60_000
  );
}

/** Form parameters of a callback: one string, or several for a repeated key. */
export type CallbackParams = Record<string, string | string[]>;

/** What a status callback says. */
export interface StatusCallbackReading {
  dedupKey?: string;
  deliveries: DeliveryReport[];
}

/**
 * Reads a (verified) status callback: `MessageSid`, `MessageStatus` (or `SmsStatus`),
 * `ErrorCode`, `RawDlrDoneDate`.
 * @param params the callback's form parameters
 * @param idempotencyToken the `I-Twilio-Idempotency-Token` header, if any
 * @param now the time reported when the carrier gave no `RawDlrDoneDate`
 */
export function readStatusCallback(params: CallbackParams, idempotencyToken: string | undefined, now: Date): StatusCallbackReading {
  const one = (k: string): string | undefined => {
    const v = params[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const sid = messageSidOf(one('MessageSid') ?? one('SmsSid'));
  const rawStatus = one('MessageStatus') ?? one('SmsStatus');
  const status = deliveryStatusOf(rawStatus);
  const token = idempotencyToken && idempotencyToken.length <= 256 ? idempotencyToken : undefined;
  const dedupKey = token ?? (sid && rawStatus ? `${sid}:${rawStatus}`.slice(0, 256) : undefined);
  if (!sid || !status) return { dedupKey, deliveries: [] };
  const report: DeliveryReport = { providerMessageId: sid, status, occurredAt: parseRawDlrDoneDate(one('RawDlrDoneDate')) ?? now.toISOString() };
  if (status === 'failed') {
    const code = errorCodeOf(one('ErrorCode'));
    report.failure = deliveryFailureOf(code, rawStatus ?? 'failed');
    if (isAddressInactiveCode(code)) report.addressInactive = true;
  }
  return { dedupKey, deliveries: [report] };
}
