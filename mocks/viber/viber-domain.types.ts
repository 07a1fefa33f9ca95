/** The mock's state model: users, bots, sent messages. Admin views are in the *.admin.ts files. */

/** How a simulated user's phone reacts to a message. */
export type UserBehaviour = 'reads' | 'delivers' | 'fails' | 'silent' | 'no-device';

/** Every {@link UserBehaviour}. */
export const USER_BEHAVIOURS: readonly UserBehaviour[] = ['reads', 'delivers', 'fails', 'silent', 'no-device'];

/** A Viber user as the mock keeps it. Subscription is shared by every bot of the mock (a simplification). */
export interface ViberUser {
  id: string;
  name: string;
  avatar: string;
  /** ISO 639-1, e.g. `uk`. */
  language: string;
  /** ISO 3166 alpha-2, e.g. `UA`. */
  country: string;
  /** Highest API version the user's client supports; `min_api_version` above it is status 13. */
  apiVersion: number;
  behaviour: UserBehaviour;
  subscribed: boolean;
  /** `get_online` answers 0 online / 1 offline. */
  online: boolean;
  /** Last activity (ms), `get_online.last_online` for offline users. */
  lastOnline: number;
  /** `tracking_data` of the last message a bot sent this user; Viber echoes it in the user's next message. */
  lastTrackingData: string;
  createdAt: number;
}

/** A bot's webhook, as set by `set_webhook`. */
export interface WebhookConfig {
  url: string;
  /** Events the bot asked for (the answer of set_webhook). */
  eventTypes: string[];
  /** Callbacks carry the user's name only when true (default false). */
  sendName: boolean;
  /** Callbacks carry the user's avatar only when true (default false). */
  sendPhoto: boolean;
  setAt: number;
}

/** A bot (public account) and its webhook. */
export interface ViberAccount {
  authToken: string;
  name: string;
  uri: string;
  avatar: string;
  /** `pa:` + digits. */
  id: string;
  webhook: WebhookConfig | null;
}

/** Where a sent message is. */
export type MessageState = 'sent' | 'delivered' | 'seen' | 'failed';

/** A message a bot sent to one user (a broadcast gives one per receiver, sharing the token). */
export interface SentMessage {
  /** Increasing from 1; `GET /__admin/sent?since=`. */
  seq: number;
  token: bigint;
  /** Name of the bot that sent it. */
  account: string;
  receiver: string;
  type: string;
  /** `text` of the message, when it has one. */
  text: string | null;
  trackingData: string | null;
  senderName: string;
  senderAvatar: string | null;
  minApiVersion: number | null;
  keyboard: unknown;
  /** The type-specific fields (`media`, `file_name`, `size`, `contact`, ...), as sent. */
  fields: Record<string, unknown>;
  via: 'send_message' | 'welcome';
  time: number;
  state: MessageState;
  deliveredAt: number | null;
  seenAt: number | null;
  failedAt: number | null;
  failDesc: string | null;
}
