/**
 * Names and identifiers every producer and consumer of the contract agrees on.
 */

/** Current contract version; part of every dataschema URI and generated file name. */
export const CONTRACT_VERSION = 'v1';

/** Media type of a CloudEvent in structured JSON mode, on AMQP `content_type` and HTTP `Content-Type`. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** The only `datacontenttype` the contract allows: `data` is always a JSON object. */
export const DATA_CONTENT_TYPE = 'application/json';

/** CloudEvents specification version of the envelope. */
export const CLOUDEVENTS_SPEC_VERSION = '1.0';

/** Every event type of the contract, in documentation order. */
export const EVENT_TYPES = [
  'appeal.submitted',
  'appeal.registered',
  'appeal.status-changed',
  'appeal.answered',
  'appeal.deadline-changed',
  'appeal.repeat-linked',
  'application.submitted',
  'application.registered',
  'application.status-changed',
  'application.document-added',
  'message.rejected',
  'notification.requested',
  'notification.status-changed',
  'notification.dispatch',
  'contact.link-requested',
  'contact.linked',
  'deadline.warning',
  'deadline.overdue',
  'deadline.extended',
  'deadline.not-taken',
] as const;

/** An event type of the contract. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Prefix of dataschema URIs; a URN so that nobody expects it to resolve over the network. */
export const DATASCHEMA_PREFIX = 'urn:cabinet-hub:contracts:';

const VERSION_PATTERN = /^v[1-9][0-9]*$/;

/**
 * The dataschema URI of an event type in a contract version,
 * e.g. `urn:cabinet-hub:contracts:v1:appeal.submitted`.
 * @param type event type
 * @param version contract version, `v1`, `v2`, ...; defaults to {@link CONTRACT_VERSION}
 * @throws RangeError if `version` is not of the form `v<N>`
 */
export function dataschemaFor(type: EventType, version: string = CONTRACT_VERSION): string {
  if (!VERSION_PATTERN.test(version)) {
    throw new RangeError(`contract version must look like "v1", got ${JSON.stringify(version)}`);
  }
  return `${DATASCHEMA_PREFIX}${version}:${type}`;
}

/** Set lookup: this runs for every message on the hot path. */
const EVENT_TYPE_SET: ReadonlySet<string> = new Set(EVENT_TYPES);

/**
 * Tells whether a value is one of {@link EVENT_TYPES}.
 * @param value anything
 */
export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}
