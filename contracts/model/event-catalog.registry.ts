/**
 * One row per event type: its `data` schema and who produces it. Everything that lists event
 * types (validator, JSON Schema files, AsyncAPI) reads this table, so a new type is added here
 * once.
 */
import type { TSchema } from '@sinclair/typebox';
import {
  AppealAnswered,
  AppealRegistered,
  AppealStatusChanged,
  AppealSubmitted,
} from './appeal.schema';
import {
  ApplicationDocumentAdded,
  ApplicationRegistered,
  ApplicationStatusChanged,
  ApplicationSubmitted,
} from './application.schema';
import type { CloudEvent } from './envelope.schema';
import { EVENT_TYPES, type EventType } from './event-type.constants';
import { MessageRejected } from './rejection.schema';

/** Who publishes an event type, and where. */
export interface EventCatalogEntry {
  /** Schema of `data`. */
  data: TSchema;
  /** One-line summary for documentation. */
  summary: string;
  /** Accepted by the hub on `cabinet.in` and `POST /v1/events`. */
  inbound: boolean;
  /** Emitted by the hub on `cabinet.out`. */
  outbound: boolean;
  /** Whether `data.caseRef` exists, so that `subject` must match it. */
  caseEvent: boolean;
}

/** The catalogue of event types of the current contract version. */
export const EVENT_CATALOG: Readonly<Record<EventType, EventCatalogEntry>> = {
  'appeal.submitted': {
    data: AppealSubmitted,
    summary: 'A citizen submitted an appeal in the portal.',
    inbound: true,
    outbound: false,
    caseEvent: true,
  },
  'appeal.registered': {
    data: AppealRegistered,
    summary: 'The back office registered the appeal and gave it a number.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'appeal.status-changed': {
    data: AppealStatusChanged,
    summary: 'An employee changed the status of the appeal.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'appeal.answered': {
    data: AppealAnswered,
    summary: 'The back office answered the appeal.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'application.submitted': {
    data: ApplicationSubmitted,
    summary: 'An applicant submitted a utility-connection application.',
    inbound: true,
    outbound: false,
    caseEvent: true,
  },
  'application.registered': {
    data: ApplicationRegistered,
    summary: 'The back office registered the application with a sequential number.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'application.status-changed': {
    data: ApplicationStatusChanged,
    summary: 'An employee changed the status of the application or reached a milestone.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'application.document-added': {
    data: ApplicationDocumentAdded,
    summary: 'A document was added to the application, by the applicant or by the back office.',
    inbound: true,
    outbound: true,
    caseEvent: true,
  },
  'message.rejected': {
    data: MessageRejected,
    summary: 'The hub rejected a message; it lists every contract violation found.',
    inbound: false,
    outbound: true,
    caseEvent: false,
  },
};

/** Types the hub accepts from outside (everything but `message.rejected`, which only the hub emits). */
export const INBOUND_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((t) => EVENT_CATALOG[t].inbound);

/** Types the hub publishes on `cabinet.out`. */
export const OUTBOUND_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((t) => EVENT_CATALOG[t].outbound);

/** Types a citizen portal originates (the rest of the inbound types come from back-office connectors). */
export const PORTAL_EVENT_TYPES: readonly EventType[] = [
  'appeal.submitted',
  'application.submitted',
  'application.document-added',
];

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
}

/**
 * A CloudEvent of one known type, with `data` typed accordingly.
 * @typeParam K event type
 */
export type CloudEventOf<K extends EventType> = CloudEvent<EventDataMap[K]> & { type: K };

/** Any valid event of the contract; narrowing on `type` narrows `data`. */
export type KnownCloudEvent = { [K in EventType]: CloudEventOf<K> }[EventType];
