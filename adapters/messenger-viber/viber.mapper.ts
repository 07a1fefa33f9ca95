import type { DeliveryReport, InboundMessage, NotificationDispatch, WebhookOutcome } from '../../contracts';
import { LOCALES } from '../../contracts';
import { asObject, str, tokenString } from './viber-json.codec';
import type { ViberConfig } from './viber.config';

/**
 * Callback events `register()` asks for: the documented filterable values (§9.4). `message` is
 * not among them: Viber always sends it, and a value outside the list is refused as badData.
 */
export const EVENT_TYPES = ['delivered', 'seen', 'failed', 'subscribed', 'unsubscribed', 'conversation_started'] as const;

/** The lowest Viber client API version a plain text message needs. */
export const MIN_API_VERSION = 1;

/** The same pattern `contact.link-requested` tokens follow; any other deep-link context is not a link token. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** Delivery failures are single-line operator texts of at most 500 characters. */
const FAILURE_MESSAGE_MAX = 500;

/** The `sender` object of messages and welcome replies. */
export function senderOf(config: Pick<ViberConfig, 'senderName' | 'senderAvatar'>): { name: string; avatar?: string } {
  return config.senderAvatar ? { name: config.senderName, avatar: config.senderAvatar } : { name: config.senderName };
}

/**
 * The `send_message` body for a dispatch: a text message to the Viber user id, with the
 * dispatch id as `tracking_data` (a plain string, never empty, so citizens' replies can be
 * traced to what they answered).
 */
export function sendMessageBody(dispatch: NotificationDispatch, config: Pick<ViberConfig, 'senderName' | 'senderAvatar'>): Record<string, unknown> {
  return { receiver: dispatch.address, sender: senderOf(config), tracking_data: dispatch.dispatchId, type: 'text', text: dispatch.text, min_api_version: MIN_API_VERSION };
}

/** The journal's view of the request: ids and sizes, never the receiver or the text. */
export function requestSummary(dispatch: NotificationDispatch): Record<string, unknown> {
  return {
    method: 'send_message',
    dispatchId: dispatch.dispatchId,
    notificationId: dispatch.notificationId,
    type: 'text',
    textLength: dispatch.text.length,
    locale: dispatch.locale,
    priority: dispatch.priority,
  };
}

/** A callback's time (milliseconds since the epoch) as RFC 3339; the fallback when missing or absurd. */
export function timestampOf(value: unknown, fallback: Date): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  const d = new Date(ms);
  return Number.isFinite(ms) && ms > 0 && !Number.isNaN(d.getTime()) ? d.toISOString() : fallback.toISOString();
}

/** What a verified callback says; `reply` is decided by the adapter (welcome text). */
export type CallbackReading = Pick<WebhookOutcome, 'dedupKey' | 'deliveries' | 'inbound'> & { event?: string; detail?: string };

/**
 * Reads one parsed (lossless) Viber callback:
 * `webhook` → nothing; `delivered` / `seen` / `failed` → a delivery report of the message token;
 * `conversation_started` → `start` (with the deep-link context when it is a link token);
 * text `message` → `text`; `unsubscribed` → `unsubscribed`; `subscribed` and others → nothing.
 * The de-duplication key is `<event>:<message_token>`, else `<event>:<timestamp>:<user id>`.
 */
export function readCallback(parsed: unknown, now: Date): CallbackReading {
  const body = asObject(parsed);
  const event = str(body?.event);
  if (!body || !event || !/^[a-z_]{1,40}$/.test(event)) return { deliveries: [], inbound: [], detail: 'not a Viber callback' };
  const token = tokenString(body.message_token);
  const user = asObject(body.user);
  const sender = asObject(body.sender);
  const userId = str(body.user_id) ?? str(user?.id) ?? str(sender?.id);
  const dedupKey = token ? `${event}:${token}` : `${event}:${tokenString(body.timestamp) ?? ''}:${userId ?? ''}`;
  const occurredAt = timestampOf(body.timestamp, now);
  const deliveries: DeliveryReport[] = [];
  const inbound: InboundMessage[] = [];

  switch (event) {
    case 'delivered':
    case 'seen':
      if (token) deliveries.push({ providerMessageId: token, status: event === 'seen' ? 'read' : 'delivered', occurredAt });
      break;
    case 'failed':
      if (token) deliveries.push({ providerMessageId: token, status: 'failed', failure: { code: 'viber:failed', message: failureMessage(str(body.desc)) }, occurredAt });
      break;
    case 'conversation_started': {
      const id = str(user?.id);
      if (!id) break;
      const context = str(body.context);
      const language = str(user?.language);
      inbound.push({ kind: 'start', channel: 'viber', address: id, ...(context && LINK_TOKEN.test(context) ? { token: context } : {}), ...(language ? { language } : {}) });
      break;
    }
    case 'message': {
      const id = str(sender?.id);
      const message = asObject(body.message);
      const text = str(message?.text);
      if (!id || str(message?.type) !== 'text' || !text) break;
      const language = str(sender?.language);
      inbound.push({ kind: 'text', channel: 'viber', address: id, text, ...(language ? { language } : {}) });
      break;
    }
    case 'unsubscribed':
      if (userId) inbound.push({ kind: 'unsubscribed', channel: 'viber', address: userId });
      break;
    default:
      // `webhook` (the set_webhook check), `subscribed` (linking needs the token of a
      // conversation_started), `client_status`, `action`…: acknowledged, nothing to report.
      break;
  }
  return { event, dedupKey, deliveries, inbound };
}

/** Picks the welcome text for the citizen's app language (`uk`, `ru-RU`…), else the first configured. */
export function welcomeTextFor(welcome: ViberConfig['welcomeText'], language: string | undefined): string | undefined {
  if (!welcome) return undefined;
  const lang = language?.slice(0, 2).toLowerCase();
  const own = LOCALES.find((l) => l === lang);
  return (own && welcome[own]) || LOCALES.map((l) => welcome[l]).find((t) => t);
}

/** The body of a welcome reply to `conversation_started` (a message Viber shows without a subscription). */
export function welcomeReplyBody(config: Pick<ViberConfig, 'senderName' | 'senderAvatar'>, text: string): string {
  return JSON.stringify({ sender: senderOf(config), type: 'text', text, min_api_version: MIN_API_VERSION });
}

/** Viber's `desc` as a single-line operator message (it describes the failure, not the citizen). */
function failureMessage(desc: string | undefined): string {
  const line = (desc ?? '')
    .replace(/[\x00-\x1F\x7F]+/g, ' ')
    .trim()
    .slice(0, FAILURE_MESSAGE_MAX);
  return line || 'Viber reported the message as failed';
}
