/**
 * One row per event type: its `data` schema and who produces it. Everything that lists event
 * types (validator, JSON Schema files, AsyncAPI) reads this table, so a new type is added here
 * once.
 */
import type { TSchema } from '@sinclair/typebox';
import { AppealAnswered, AppealRegistered, AppealStatusChanged, AppealSubmitted } from './appeal.schema';
import { ApplicationDocumentAdded, ApplicationRegistered, ApplicationStatusChanged, ApplicationSubmitted } from './application.schema';
import { AppealDeadlineChanged, AppealRepeatLinked, DeadlineExtended, DeadlineNotTaken, DeadlineOverdue, DeadlineWarning } from './deadline.schema';
import type { CloudEvent } from './envelope.schema';
import { EVENT_TYPES, type EventType } from './event-type.constants';
import { ContactLinked, ContactLinkRequested, NotificationDispatch, NotificationRequested, NotificationStatusChanged } from './notification.schema';
import { MessageRejected } from './rejection.schema';

/**
 * Who originates an event: a citizen portal, a back-office system (through a hub adapter or a
 * connector publishing to `cabinet.in`), or the hub itself.
 */
export type EventProducer = 'portal' | 'back-office' | 'hub';

/** One event type of the catalogue. */
export interface EventCatalogEntry {
  /** Schema of `data`. */
  data: TSchema;
  /** One-line summary for documentation. */
  summary: string;
  /** Who originates it. Portal and back-office events enter on `cabinet.in`; back-office and hub events leave on `cabinet.out`. */
  producers: readonly EventProducer[];
  /** Whether `data.caseRef` exists, so that `subject` must match it. */
  caseEvent: boolean;
  /**
   * Hub-internal: travels only between the hub and its adapters on `hub.work`, so it is neither
   * accepted on `cabinet.in` nor published on `cabinet.out`.
   */
  internal?: boolean;
}

/** The catalogue of event types of the current contract version. */
export const EVENT_CATALOG: Readonly<Record<EventType, EventCatalogEntry>> = {
  'appeal.submitted': {
    data: AppealSubmitted,
    summary: 'A citizen submitted an appeal in the portal.',
    producers: ['portal'],
    caseEvent: true,
  },
  'appeal.registered': {
    data: AppealRegistered,
    summary: 'The back office registered the appeal and gave it a number.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'appeal.status-changed': {
    data: AppealStatusChanged,
    summary: 'An employee changed the status of the appeal.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'appeal.answered': {
    data: AppealAnswered,
    summary: 'The back office answered the appeal.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'appeal.deadline-changed': {
    data: AppealDeadlineChanged,
    summary: 'The back office paused, resumed, extended or shortened the statutory term of the appeal.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'appeal.repeat-linked': {
    data: AppealRepeatLinked,
    summary: 'The applicant wrote about the same problem before; the hub linked the appeal to those cases.',
    producers: ['hub'],
    caseEvent: true,
  },
  'application.submitted': {
    data: ApplicationSubmitted,
    summary: 'An applicant submitted a utility-connection application.',
    producers: ['portal'],
    caseEvent: true,
  },
  'application.registered': {
    data: ApplicationRegistered,
    summary: 'The back office registered the application with a sequential number.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'application.status-changed': {
    data: ApplicationStatusChanged,
    summary: 'An employee changed the status of the application or reached a milestone.',
    producers: ['back-office'],
    caseEvent: true,
  },
  'application.document-added': {
    data: ApplicationDocumentAdded,
    summary: 'A document was added to the application, by the applicant or by the back office.',
    producers: ['portal', 'back-office'],
    caseEvent: true,
  },
  'message.rejected': {
    data: MessageRejected,
    summary: 'The hub rejected a message; it lists every contract violation found.',
    producers: ['hub'],
    caseEvent: false,
  },
  'notification.requested': {
    data: NotificationRequested,
    summary: 'A portal asks the hub to notify a citizen with a configured template.',
    producers: ['portal'],
    caseEvent: false,
  },
  'notification.status-changed': {
    data: NotificationStatusChanged,
    summary: 'The delivery status of a notification on one channel changed.',
    producers: ['hub'],
    caseEvent: false,
  },
  'notification.dispatch': {
    data: NotificationDispatch,
    summary: 'A notification rendered for one channel, handed to that channel adapter (hub-internal).',
    producers: ['hub'],
    caseEvent: false,
    internal: true,
  },
  'contact.link-requested': {
    data: ContactLinkRequested,
    summary: 'The cabinet issued a one-time token that links a messenger chat to a citizen.',
    producers: ['portal'],
    caseEvent: false,
  },
  'contact.linked': {
    data: ContactLinked,
    summary: 'A citizen linked a messenger chat, or the chat stopped accepting messages.',
    producers: ['hub'],
    caseEvent: false,
  },
  'deadline.warning': {
    data: DeadlineWarning,
    summary: 'The answer term of an open case is running out (a share of it has passed, or three days are left).',
    producers: ['hub'],
    caseEvent: true,
  },
  'deadline.overdue': {
    data: DeadlineOverdue,
    summary: 'An open case passed its answer term.',
    producers: ['hub'],
    caseEvent: true,
  },
  'deadline.extended': {
    data: DeadlineExtended,
    summary: 'The answer term was extended; the applicant is told, as the law requires.',
    producers: ['hub'],
    caseEvent: true,
  },
  'deadline.not-taken': {
    data: DeadlineNotTaken,
    summary: 'Nobody took the case into work within the municipal term.',
    producers: ['hub'],
    caseEvent: true,
  },
};

function typesWhere(test: (producers: readonly EventProducer[]) => boolean): readonly EventType[] {
  return EVENT_TYPES.filter((t) => !EVENT_CATALOG[t].internal && test(EVENT_CATALOG[t].producers));
}

/** Types the hub accepts on `cabinet.in` and `POST /v1/events`; `message.rejected` is the hub's own. */
export const INBOUND_EVENT_TYPES = typesWhere((p) => p.includes('portal') || p.includes('back-office'));

/** Types the hub publishes on `cabinet.out`. */
export const OUTBOUND_EVENT_TYPES = typesWhere((p) => p.includes('back-office') || p.includes('hub'));

/** Types a citizen portal originates. */
export const PORTAL_EVENT_TYPES = typesWhere((p) => p.includes('portal'));

/** Types a back-office system originates. */
export const BACK_OFFICE_EVENT_TYPES = typesWhere((p) => p.includes('back-office'));

/** Maps every event type to the static type of its `data`. */
export interface EventDataMap {
  /** `data` of appeal.submitted. */
  'appeal.submitted': AppealSubmitted;
  /** `data` of appeal.registered. */
  'appeal.registered': AppealRegistered;
  /** `data` of appeal.status-changed. */
  'appeal.status-changed': AppealStatusChanged;
  /** `data` of appeal.answered. */
  'appeal.answered': AppealAnswered;
  /** `data` of appeal.deadline-changed. */
  'appeal.deadline-changed': AppealDeadlineChanged;
  /** `data` of appeal.repeat-linked. */
  'appeal.repeat-linked': AppealRepeatLinked;
  /** `data` of application.submitted. */
  'application.submitted': ApplicationSubmitted;
  /** `data` of application.registered. */
  'application.registered': ApplicationRegistered;
  /** `data` of application.status-changed. */
  'application.status-changed': ApplicationStatusChanged;
  /** `data` of application.document-added. */
  'application.document-added': ApplicationDocumentAdded;
  /** `data` of message.rejected. */
  'message.rejected': MessageRejected;
  /** `data` of notification.requested. */
  'notification.requested': NotificationRequested;
  /** `data` of notification.status-changed. */
  'notification.status-changed': NotificationStatusChanged;
  /** `data` of notification.dispatch. */
  'notification.dispatch': NotificationDispatch;
  /** `data` of contact.link-requested. */
  'contact.link-requested': ContactLinkRequested;
  /** `data` of contact.linked. */
  'contact.linked': ContactLinked;
  /** `data` of deadline.warning. */
  'deadline.warning': DeadlineWarning;
  /** `data` of deadline.overdue. */
  'deadline.overdue': DeadlineOverdue;
  /** `data` of deadline.extended. */
  'deadline.extended': DeadlineExtended;
  /** `data` of deadline.not-taken. */
  'deadline.not-taken': DeadlineNotTaken;
}

/**
 * A CloudEvent of one known type, with `data` typed accordingly.
 * @typeParam K event type
 */
export type CloudEventOf<K extends EventType> = CloudEvent<EventDataMap[K]> & { type: K };

/** Any valid event of the contract; narrowing on `type` narrows `data`. */
export type KnownCloudEvent = { [K in EventType]: CloudEventOf<K> }[EventType];
