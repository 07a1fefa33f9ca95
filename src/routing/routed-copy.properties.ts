import type { Options } from 'amqplib';
import { CLOUDEVENTS_CONTENT_TYPE } from '../../contracts';

/** What identifies a routed copy: the event and the journal entry that decided the route. */
export interface RoutedCopyOrigin {
  eventId: string;
  journalId: string;
  tenant: string;
  type: string;
  source: string;
  /** The event's correlationid, carried as the AMQP correlation_id so logs downstream can follow a case. */
  correlationId?: string;
}

/**
 * AMQP properties of a routed copy on hub.work. Derived from the journal entry rather than
 * stored with each outbox row, so the fast path and the relay publish identical copies and the
 * outbox row stays a few bytes. Consumers de-duplicate on `message_id` / `x-hub-journal-id`.
 */
export function routedCopyProperties(o: RoutedCopyOrigin): Options.Publish {
  return {
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    messageId: o.eventId,
    ...(o.correlationId ? { correlationId: o.correlationId } : {}),
    persistent: true,
    headers: { 'x-hub-journal-id': o.journalId, 'x-hub-tenant': o.tenant, 'x-hub-type': o.type, 'x-hub-source': o.source },
  };
}
