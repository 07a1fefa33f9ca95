/**
 * Notifications to citizens (seed 001: "the citizen automatically gets an SMS and/or e-mail and/or
 * Viber message with the result"), their per-channel delivery statuses, the hub's rendered
 * dispatch to one channel adapter, and linking a citizen to a messenger chat.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Contacts, LOCALES } from './party.schema';
import { CaseRef, Line, StringEnum, Text, Timestamp } from './primitives.schema';

/** Channels a notification can go through. */
export const NOTIFICATION_CHANNELS = ['viber', 'telegram', 'sms', 'email'] as const;
/** A notification channel. */
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * Priorities: `high` for time-critical notices, `normal` for case updates, `bulk` for broadcasts
 * (a planned water outage) that must not hold up individual notices.
 */
export const NOTIFICATION_PRIORITIES = ['high', 'normal', 'bulk'] as const;

/**
 * Per-channel delivery statuses, in the order they normally happen. `read` exists only where
 * the channel reports it (Viber `seen`, TurboSMS `Read`); e-mail never gets past `sent`.
 */
export const DELIVERY_STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed'] as const;
/** A per-channel delivery status. */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Where a notification stands as a whole: `in-progress` while some channel may still deliver,
 * `delivered` once one channel confirmed delivery (or accepted it, for channels without
 * confirmations), `failed` when every usable channel failed, `suppressed` when preferences muted
 * a non-mandatory notice or no contact fits any channel.
 */
export const NOTIFICATION_OUTCOMES = ['in-progress', 'delivered', 'failed', 'suppressed'] as const;

const TemplateId = () =>
  Type.String({
    pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
    description: 'Template id from the hub configuration, e.g. `appeal.registered` or `water-outage`.',
  });

const VariableValue = Type.Union([Line(2000), Type.Number(), Type.Boolean()], {
  description: 'A template variable: a single-line string of at most 2 000 characters, a number or a boolean.',
});

/** Who a notification is for and how they want to be reached. */
export const NotificationRecipient = Type.Object(
  {
    citizenRef: Type.Optional(
      Line(256, {
        description: "The citizen's reference in the cabinet (`identity.subjectRef` of their appeals). Messenger chats linked to it are used when `contacts` has none.",
      }),
    ),
    contacts: Contacts,
    locale: Type.Optional(StringEnum(LOCALES, { description: 'Language of the message; the tenant default when absent.' })),
    channels: Type.Optional(
      Type.Array(StringEnum(NOTIFICATION_CHANNELS), {
        uniqueItems: true,
        maxItems: NOTIFICATION_CHANNELS.length,
        description: "The citizen's preferred channels, first choice first; the tenant's order when absent. Channels without a contact are skipped.",
      }),
    ),
    muted: Type.Optional(Type.Boolean({ description: 'The citizen turned notifications off. Mandatory notices are sent all the same.' })),
  },
  { additionalProperties: false, description: 'The recipient, their contacts and preferences.' },
);

/** `data` of `notification.requested`: a portal asks the hub to notify a citizen. The event `id` is the notification id. */
export const NotificationRequested = Type.Object(
  {
    caseRef: Type.Optional(CaseRef()),
    recipient: NotificationRecipient,
    template: TemplateId(),
    variables: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$' }), VariableValue, {
        maxProperties: 50,
        description: 'Values for the template; every variable the template uses must be present.',
      }),
    ),
    priority: Type.Optional(StringEnum(NOTIFICATION_PRIORITIES, { description: 'Default `normal`.' })),
    mandatory: Type.Optional(Type.Boolean({ description: 'A legally required notice: sent even when the citizen muted notifications. Default false.' })),
  },
  { additionalProperties: false, description: 'A request to notify one citizen.' },
);

/** Why a channel failed; never contains message text or contact data. */
export const DeliveryFailure = Type.Object(
  {
    code: Line(64, { description: 'Provider or hub code, e.g. `twilio:21610`, `telegram:403`, `smtp:550`, `hub:no-confirmation`.' }),
    message: Line(500, { description: 'What happened, for an operator.' }),
  },
  { additionalProperties: false, description: 'Why delivery on a channel failed.' },
);

/** `data` of `notification.status-changed`: a channel's delivery status moved. */
export const NotificationStatusChanged = Type.Object(
  {
    notificationId: Line(256, { description: 'The notification: the `id` of its `notification.requested`, or the hub-assigned id of a rule-made one.' }),
    caseRef: Type.Optional(CaseRef()),
    template: TemplateId(),
    channel: Type.Optional(StringEnum(NOTIFICATION_CHANNELS, { description: 'Absent when the change concerns no channel: a suppressed notification, or one no channel could take.' })),
    status: StringEnum(DELIVERY_STATUSES),
    failure: Type.Optional(DeliveryFailure),
    outcome: StringEnum(NOTIFICATION_OUTCOMES, { description: 'Where the notification as a whole stands after this change.' }),
    providerMessageId: Type.Optional(Line(256, { description: "The provider's id of the message (Twilio SID, Viber message_token as a string, ...)." })),
    changedAt: Timestamp({ description: 'When the status changed, as the provider reported it when it did.' }),
  },
  { additionalProperties: false, description: 'The delivery status of a notification on one channel.' },
);

/** `data` of `notification.dispatch`: the hub's rendered message for one channel adapter (hub-internal, on `hub.work`). */
export const NotificationDispatch = Type.Object(
  {
    notificationId: Line(256),
    dispatchId: Type.String({
      format: 'uuid',
      description: 'One channel attempt of one notification; the idempotency key adapters give the provider where it takes one.',
    }),
    channel: StringEnum(NOTIFICATION_CHANNELS),
    address: Line(320, { description: 'E.164 phone, e-mail address, Telegram chat id or Viber user id.' }),
    locale: StringEnum(LOCALES),
    text: Text(7000, { description: 'Plain text: the SMS, the messenger message, or the plain-text part of the e-mail.' }),
    subject: Type.Optional(Line(998, { description: 'E-mail subject.' })),
    html: Type.Optional(Text(200_000, { description: 'HTML part of the e-mail.' })),
    priority: StringEnum(NOTIFICATION_PRIORITIES),
  },
  { additionalProperties: false, description: 'A rendered notification for one channel.' },
);

/** Messenger channels a citizen can link a chat of. */
export const LINKABLE_CHANNELS = ['telegram', 'viber'] as const;

/** `data` of `contact.link-requested`: the cabinet issued a one-time token for linking a messenger chat. */
export const ContactLinkRequested = Type.Object(
  {
    citizenRef: Line(256, { description: "The citizen's reference in the cabinet." }),
    token: Type.String({
      pattern: '^[A-Za-z0-9_-]{16,64}$',
      description: 'One-time token the citizen sends to the bot (`/start <token>` or the Viber deep-link context); 16–64 URL-safe characters.',
    }),
    expiresAt: Timestamp({ description: 'After this the token links nothing.' }),
    locale: Type.Optional(StringEnum(LOCALES)),
  },
  { additionalProperties: false, description: 'A one-time messenger link token issued by the cabinet.' },
);

/** `data` of `contact.linked`: a citizen linked (or a bot lost) a messenger chat. */
export const ContactLinked = Type.Object(
  {
    citizenRef: Line(256),
    channel: StringEnum(LINKABLE_CHANNELS),
    address: Line(64, { description: 'Telegram chat id or Viber user id.' }),
    active: Type.Boolean({ description: 'False when the citizen blocked the bot or unsubscribed; the link is then no longer used.' }),
    changedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'A messenger chat linked to a citizen, or deactivated.' },
);

/** Static type of a notification recipient. */
export type NotificationRecipient = Static<typeof NotificationRecipient>;
/** `data` of notification.requested. */
export type NotificationRequested = Static<typeof NotificationRequested>;
/** `data` of notification.status-changed. */
export type NotificationStatusChanged = Static<typeof NotificationStatusChanged>;
/** `data` of notification.dispatch. */
export type NotificationDispatch = Static<typeof NotificationDispatch>;
/** `data` of contact.link-requested. */
export type ContactLinkRequested = Static<typeof ContactLinkRequested>;
/** `data` of contact.linked. */
export type ContactLinked = Static<typeof ContactLinked>;
/** A delivery failure. */
export type DeliveryFailure = Static<typeof DeliveryFailure>;
