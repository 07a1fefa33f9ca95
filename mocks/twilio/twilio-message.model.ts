/** The message model shared by the store, the lifecycle and the serializers. */

/** Every value of Twilio's `message_enum_status`. */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
] as const;

/** A message status. */
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What the simulated handset at a number does with messages. */
export const RECIPIENT_BEHAVIOURS = ['delivered', 'undelivered', 'failed', 'unsubscribed', 'invalid', 'not-mobile', 'silent'] as const;

/** One of {@link RECIPIENT_BEHAVIOURS}. */
export type RecipientBehaviour = (typeof RECIPIENT_BEHAVIOURS)[number];

/** A stored outbound message. Mutable: the lifecycle moves it on. */
export interface MessageRecord {
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  /** Null while a Messaging Service has not picked a sender yet. */
  from: string | null;
  to: string;
  body: string;
  numSegments: number;
  mediaUrls: string[];
  status: MessageStatus;
  errorCode: number | null;
  errorMessage: string | null;
  price: string | null;
  dateCreated: number;
  dateUpdated: number;
  dateSent: number | null;
  statusCallback: string | null;
  /** Seconds; null when not given. */
  validityPeriod: number | null;
  /** The recipient behaviour captured at creation. */
  behaviour: RecipientBehaviour;
  /** Delivery error code for `undelivered` / `failed` (from the recipient rule). */
  behaviourErrorCode: number | null;
  /** Set once an operator changed the status: the automatic progression leaves it alone. */
  manual: boolean;
}
