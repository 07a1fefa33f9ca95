import type { RawJsonValue } from './viber-json.codec';
import { CHAT_HOSTNAME, WEBHOOK_CHAT_HOSTNAME } from './viber-status.constants';
import type { ViberUser, WebhookConfig } from './viber-domain.types';

/** A callback body before serialization (`message_token` stays BigInt). */
export type CallbackPayload = { event: string; timestamp: number; message_token: bigint } & Record<string, RawJsonValue>;

/**
 * The user object of `subscribed`, `conversation_started` (`user`) and `message` (`sender`).
 * `name` and `avatar` only when the webhook asked for them with `send_name` / `send_photo`.
 */
export function userObject(user: ViberUser, webhook: WebhookConfig | null): Record<string, RawJsonValue> {
  return {
    id: user.id,
    name: webhook?.sendName ? user.name : undefined,
    avatar: webhook?.sendPhoto ? user.avatar : undefined,
    language: user.language,
    country: user.country,
    api_version: user.apiVersion,
  };
}

/** The verification callback POSTed during `set_webhook`. */
export function webhookEvent(token: bigint, timestamp: number): CallbackPayload {
  return { event: 'webhook', timestamp, chat_hostname: WEBHOOK_CHAT_HOSTNAME, message_token: token };
}

/** `delivered`, `seen` or `failed` (with `desc`) for one message and user. */
export function receiptEvent(event: 'delivered' | 'seen' | 'failed', token: bigint, userId: string, timestamp: number, desc?: string): CallbackPayload {
  return {
    event,
    timestamp,
    chat_hostname: CHAT_HOSTNAME,
    message_token: token,
    user_id: userId,
    desc: event === 'failed' ? (desc ?? 'failure') : undefined,
  };
}

/** `subscribed`, with the user object. */
export function subscribedEvent(user: ViberUser, token: bigint, timestamp: number, webhook: WebhookConfig | null): CallbackPayload {
  return { event: 'subscribed', timestamp, chat_hostname: CHAT_HOSTNAME, message_token: token, user: userObject(user, webhook) };
}

/** `unsubscribed`, with `user_id` only. */
export function unsubscribedEvent(userId: string, token: bigint, timestamp: number): CallbackPayload {
  return { event: 'unsubscribed', timestamp, chat_hostname: CHAT_HOSTNAME, message_token: token, user_id: userId };
}

/** `conversation_started`: the user opened the chat (e.g. through a deep link carrying `context`). */
export function conversationStartedEvent(user: ViberUser, token: bigint, timestamp: number, context: string, webhook: WebhookConfig | null): CallbackPayload {
  return {
    event: 'conversation_started',
    timestamp,
    chat_hostname: CHAT_HOSTNAME,
    message_token: token,
    type: 'open',
    context,
    user: userObject(user, webhook),
    subscribed: user.subscribed,
  };
}

/** `message`: the user wrote text to the bot. */
export function messageEvent(user: ViberUser, token: bigint, timestamp: number, text: string, trackingData: string, webhook: WebhookConfig | null): CallbackPayload {
  return {
    event: 'message',
    timestamp,
    chat_hostname: CHAT_HOSTNAME,
    message_token: token,
    sender: userObject(user, webhook),
    message: { type: 'text', text, tracking_data: trackingData },
    silent: false,
  };
}
