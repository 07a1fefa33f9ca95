import type { MessageState, SentMessage, UserBehaviour, ViberUser } from './viber-domain.types';

/** A user as the admin API shows it. */
export interface UserView {
  id: string;
  name: string;
  avatar: string;
  language: string;
  country: string;
  apiVersion: number;
  behaviour: UserBehaviour;
  subscribed: boolean;
  online: boolean;
  /** ISO time. */
  createdAt: string;
}

/** A sent message as the admin API shows it; the token is a decimal string (it does not fit a JS number). */
export interface SentMessageView {
  seq: number;
  messageToken: string;
  /** Bot name. */
  account: string;
  receiver: string;
  type: string;
  text: string | null;
  trackingData: string | null;
  senderName: string;
  senderAvatar: string | null;
  minApiVersion: number | null;
  keyboard: unknown;
  /** Type-specific fields (`media`, `file_name`, ...). */
  fields: Record<string, unknown>;
  /** How it was sent: `send_message`, `broadcast_message` or `welcome` (returned by the webhook). */
  via: SentMessage['via'];
  /** ISO time of the send. */
  time: string;
  state: MessageState;
  deliveredAt: string | null;
  seenAt: string | null;
  failedAt: string | null;
  failDesc: string | null;
}

/** Admin view of a user. */
export function userView(u: ViberUser): UserView {
  return {
    id: u.id,
    name: u.name,
    avatar: u.avatar,
    language: u.language,
    country: u.country,
    apiVersion: u.apiVersion,
    behaviour: u.behaviour,
    subscribed: u.subscribed,
    online: u.online,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

/** Admin view of a sent message. */
export function sentView(m: SentMessage): SentMessageView {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    seq: m.seq,
    messageToken: m.token.toString(),
    account: m.account,
    receiver: m.receiver,
    type: m.type,
    text: m.text,
    trackingData: m.trackingData,
    senderName: m.senderName,
    senderAvatar: m.senderAvatar,
    minApiVersion: m.minApiVersion,
    keyboard: m.keyboard,
    fields: m.fields,
    via: m.via,
    time: new Date(m.time).toISOString(),
    state: m.state,
    deliveredAt: iso(m.deliveredAt),
    seenAt: iso(m.seenAt),
    failedAt: iso(m.failedAt),
    failDesc: m.failDesc,
  };
}
