import { TwilioApiError } from './twilio-error.codec';
import type { FormParams } from './twilio-form.codec';
import { SERVICE_SID } from './twilio-sid.codec';

/** The create parameters the mock acts on, validated. */
export interface CreateMessageInput {
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  mediaUrls: string[];
  statusCallback: string | null;
  validityPeriod: number | null;
}

/** E.164: `+`, a non-zero digit, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;
const SHORT_CODE = /^\d{3,8}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const MAX_BODY_CHARS = 1600;
const MAX_MEDIA = 10;
const MAX_URL = 4000;

/**
 * Checks a `CreateMessage` request in the order a client meets the problems: To, sender, body,
 * callback, media, validity. Unknown parameters are ignored, as Twilio ignores them.
 *
 * @param services accepted Messaging Service SIDs; null accepts any well-formed `MG…`
 * @throws TwilioApiError (HTTP 400) with the Twilio code of the first problem
 */
export function validateCreateMessage(p: FormParams, services: readonly string[] | null): CreateMessageInput {
  const to = p.get('To') ?? '';
  if (to === '') throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
  if (!E164.test(to)) throw invalidTo(to);

  const from = emptyToNull(p.get('From'));
  const service = emptyToNull(p.get('MessagingServiceSid'));
  if (from === null && service === null) throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
  if (from !== null && !(E164.test(from) || SHORT_CODE.test(from) || ALPHANUMERIC_SENDER.test(from))) {
    throw new TwilioApiError(400, 21212, `The 'From' number ${clip(from)} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
  }
  if (service !== null && (!SERVICE_SID.test(service) || (services !== null && !services.includes(service)))) {
    throw new TwilioApiError(400, 21705, `The Messaging Service Sid ${clip(service)} is invalid.`);
  }
  if (from !== null && from === to) throw new TwilioApiError(400, 21266, `'To' and 'From' number cannot be the same: ${to}`);

  const body = p.get('Body') ?? '';
  const mediaUrls = p.getAll('MediaUrl').filter((u) => u !== '');
  if (body === '' && mediaUrls.length === 0) throw new TwilioApiError(400, 21602, 'Message body is required.');
  if (codePoints(body) > MAX_BODY_CHARS) {
    throw new TwilioApiError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  }

  const statusCallback = emptyToNull(p.get('StatusCallback'));
  if (statusCallback !== null && !isCallbackUrl(statusCallback)) {
    throw new TwilioApiError(400, 21609, `The StatusCallback URL ${clip(statusCallback)} is not a valid URL.`);
  }
  if (mediaUrls.length > MAX_MEDIA || !mediaUrls.every(isHttpUrl)) throw new TwilioApiError(400, 21620, 'Invalid media URL(s).');

  const rawValidity = emptyToNull(p.get('ValidityPeriod'));
  let validityPeriod: number | null = null;
  if (rawValidity !== null) {
    validityPeriod = /^\d{1,6}$/.test(rawValidity) ? Number(rawValidity) : NaN;
    if (!(validityPeriod >= 1 && validityPeriod <= 36000)) {
      throw new TwilioApiError(400, 21624, 'Validity period can only be set to integers between 1 and 36,000 seconds.');
    }
  }
  return { to, from, messagingServiceSid: service, body, mediaUrls, statusCallback, validityPeriod };
}

/** The 21211 error for a number. */
export function invalidTo(to: string): TwilioApiError {
  return new TwilioApiError(400, 21211, `The 'To' number ${clip(to)} is not a valid phone number.`);
}

function emptyToNull(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Error messages echo input: keep a hostile megabyte out of them. */
function clip(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

function isHttpUrl(s: string): boolean {
  if (s.length > MAX_URL) return false;
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Twilio also refuses underscores in a StatusCallback host name. */
function isCallbackUrl(s: string): boolean {
  return isHttpUrl(s) && !new URL(s).hostname.includes('_');
}
