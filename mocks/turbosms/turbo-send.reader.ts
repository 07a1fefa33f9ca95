import { parseKyiv } from './kyiv-time.codec';
import { turboCode, type TurboCode } from './turbo-codes.catalog';

/** The SMS part of a send. */
export interface SmsPart {
  sender: string;
  text: string;
}

/** The Viber part of a send (button, image and ttl are optional). */
export interface ViberPart {
  sender: string;
  text: string;
  caption: string | null;
  action: string | null;
  imageUrl: string | null;
  /** Seconds, 60–86400. */
  ttl: number | null;
}

/** A send request that passed the request-level checks; recipients are checked one by one later. */
export interface SendRequest {
  recipients: readonly unknown[];
  sms: SmsPart | null;
  viber: ViberPart | null;
  /** `start_time` as an instant; null = now. */
  startAt: number | null;
}

/** Limits the reader checks against. */
export interface SendLimits {
  senders: ReadonlySet<string>;
  maxRecipients: number;
}

/** Viber's documented limits [CODE]. */
export const VIBER_LIMITS = { textLength: 1000, captionLength: 30, ttlMin: 60, ttlMax: 86_400 } as const;

type Read<T> = { ok: true; value: T } | { ok: false; error: TurboCode };
const fail = (status: Parameters<typeof turboCode>[0]): { ok: false; error: TurboCode } => ({ ok: false, error: turboCode(status) });

/**
 * Checks a parsed `/message/send.json` body. Whole-request problems are answered with one
 * envelope code (nothing is sent); see the README for which code each problem gets.
 */
export function readSendRequest(body: unknown, limits: SendLimits): Read<SendRequest> {
  if (body === undefined) return fail('REQUIRED_CONTENT');
  if (!isObject(body)) return fail('INVALID_REQUEST');
  const recipients = body.recipients;
  if (recipients === undefined || recipients === null || (Array.isArray(recipients) && recipients.length === 0)) {
    return fail('REQUIRED_MESSAGE_RECIPIENT');
  }
  if (!Array.isArray(recipients)) return fail('INVALID_REQUEST');
  if (recipients.length > limits.maxRecipients) return fail('NOT_ALLOWED_RECIPIENTS_LIMIT');

  const rawSms = body.sms;
  const rawViber = body.viber;
  if ((rawSms !== undefined && rawSms !== null && !isObject(rawSms)) || (rawViber !== undefined && rawViber !== null && !isObject(rawViber))) {
    return fail('INVALID_REQUEST');
  }
  if (!isObject(rawSms) && !isObject(rawViber)) return fail('REQUIRED_MESSAGE_TEXT');

  let sms: SmsPart | null = null;
  if (isObject(rawSms)) {
    const common = readCommon(rawSms, limits.senders, Infinity);
    if (!common.ok) return common;
    sms = common.value;
  }
  let viber: ViberPart | null = null;
  if (isObject(rawViber)) {
    const v = readViber(rawViber, limits.senders);
    if (!v.ok) return v;
    viber = v.value;
  }

  let startAt: number | null = null;
  const st = body.start_time;
  if (st !== undefined && st !== null && st !== '') {
    startAt = typeof st === 'string' ? parseKyiv(st.trim()) : null;
    if (startAt === null) return fail('INVALID_START_TIME');
  }
  return { ok: true, value: { recipients, sms, viber, startAt } };
}

function readCommon(part: Record<string, unknown>, senders: ReadonlySet<string>, maxText: number): Read<SmsPart> {
  const { sender, text } = part;
  if (sender === undefined || sender === null || sender === '') return fail('REQUIRED_MESSAGE_SENDER');
  if (typeof sender !== 'string') return fail('INVALID_MESSAGE_SENDER');
  if (!senders.has(sender)) return fail('NOT_ALLOWED_MESSAGE_SENDER');
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return fail('REQUIRED_MESSAGE_TEXT');
  if (typeof text !== 'string') return fail('INVALID_MESSAGE_TEXT');
  if (text.length > maxText) return fail('NOT_ALLOWED_MESSAGE_TEXT_LENGTH');
  return { ok: true, value: { sender, text } };
}

function readViber(part: Record<string, unknown>, senders: ReadonlySet<string>): Read<ViberPart> {
  const common = readCommon(part, senders, VIBER_LIMITS.textLength);
  if (!common.ok) return common;
  const opt = (k: string): string | null | undefined => {
    const v = part[k];
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'string' ? v : undefined;
  };
  const caption = opt('caption');
  const action = opt('action');
  const imageUrl = opt('image_url');
  if (caption === undefined || action === undefined || imageUrl === undefined) return fail('INVALID_REQUEST');
  if (caption !== null && action === null) return fail('REQUIRED_MESSAGE_BUTTON_ACTION');
  if (action !== null && caption === null) return fail('REQUIRED_MESSAGE_BUTTON_CAPTION');
  if (caption !== null && [...caption].length > VIBER_LIMITS.captionLength) return fail('NOT_ALLOWED_MESSAGE_BUTTON_TEXT_LENGTH');
  let ttl: number | null = null;
  if (part.ttl !== undefined && part.ttl !== null) {
    if (typeof part.ttl !== 'number' || !Number.isInteger(part.ttl)) return fail('INVALID_TTL');
    if (part.ttl < VIBER_LIMITS.ttlMin || part.ttl > VIBER_LIMITS.ttlMax) return fail('NOT_ALLOWED_MESSAGE_TTL');
    ttl = part.ttl;
  }
  return { ok: true, value: { ...common.value, caption, action, imageUrl, ttl } };
}

/** One recipient as given, normalised, or refused. */
export interface RecipientCheck {
  /** What the answer echoes in `phone`. */
  echo: string | null;
  /** Digits, when the number is usable. */
  phone: string | null;
  error: TurboCode | null;
}

const UA_MOBILE = /^380\d{9}$/;
const ANY_E164_DIGITS = /^\d{10,15}$/;

/**
 * Checks one recipient: `380` + 9 digits is accepted; other digit-only international numbers are
 * 406 NOT_ALLOWED_RECIPIENT_COUNTRY (the account can only send to Ukraine); anything else —
 * a leading "+", spaces, letters, a local `0…` number, a `380…` number of the wrong length, a
 * non-string — is 305 INVALID_PHONE.
 */
export function checkRecipient(raw: unknown): RecipientCheck {
  const echo = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? String(raw) : null;
  if (echo === null) return { echo: null, phone: null, error: turboCode('INVALID_PHONE') };
  if (UA_MOBILE.test(echo)) return { echo, phone: echo, error: null };
  if (ANY_E164_DIGITS.test(echo) && !echo.startsWith('0') && !echo.startsWith('380')) return { echo, phone: null, error: turboCode('NOT_ALLOWED_RECIPIENT_COUNTRY') };
  return { echo, phone: null, error: turboCode('INVALID_PHONE') };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
