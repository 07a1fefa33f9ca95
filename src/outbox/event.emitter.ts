import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, dataschemaFor, EventDataMap, EventType, PermanentError, validateEvent } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { ConfirmPublisher, OutgoingMessage } from '../messaging/confirm.publisher';
import { EXCHANGES } from '../messaging/topology.declaration';
import { JournalRepository } from '../persistence/journal.repository';
import { OutboxCompleter } from './outbox.completer';

/** An event the hub emits. */
export interface Emission<T extends EventType> {
  type: T;
  tenant: string;
  data: EventDataMap[T];
  /** Event id; a fresh UUIDv7 when absent. */
  id?: string;
  /** Event time; now when absent (back-office results carry the time they happened). */
  time?: string;
  subject?: string;
  causationId?: string;
  correlationId?: string;
  /** Default: cabinet.out with `<tenant>.<type>`. */
  to?: { exchange: string; routingKey: string };
  /** Who emits it, for the journal (`hub`, `adapter:<instance>`); also named when the event is invalid. */
  via?: string;
  /** Journal it as `ignored` and publish nothing (a stale back-office result, kept as evidence). */
  ignored?: boolean;
  /** The journal's de-duplication key (a keyed back-office result): a second emission with it fails. */
  dedupeKey?: string;
}

/** An emission built and checked against the contract: the event, its journal id and its message. */
export interface BuiltEvent {
  event: CloudEvent;
  journalId: string;
  via: string;
  ignored: boolean;
  dedupeKey?: string;
  /** The message as it will be published (its outboxId is set once the row is written). */
  message: OutgoingMessage;
}

/** What emitting did: the journal entry, and the message to publish after commit (none when ignored). */
export interface Emitted {
  event: CloudEvent;
  journalId: string;
  message?: OutgoingMessage;
}

/**
 * The one emission path for every event the hub emits (case results, rejections, notification
 * statuses and dispatches, contact links, and everything later):
 *   build → validate against the contract (an event the hub built that fails its own contract is
 *   a PermanentError, everywhere: retrying cannot fix it) → journal + outbox rows in the caller's
 *   transaction → publish with confirms after commit (the relay sends whatever a crash left).
 * The ingress is the one caller that writes the rows itself, inside its one-statement batch
 * (JournalRepository.store), from events built here.
 */
@Injectable()
export class EventEmitter {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly publisher: ConfirmPublisher,
    private readonly completer: OutboxCompleter,
    private readonly journal: JournalRepository,
  ) {}

  /** Emits one event in `tx`; see {@link emitAll}. */
  async emit<T extends EventType>(tx: PoolClient, e: Emission<T>): Promise<Emitted> {
    return (await this.emitAll(tx, [e]))[0];
  }

  /** Emits several events with ONE statement (journal entries and outbox rows together). */
  async emitAll(tx: PoolClient, emissions: readonly Emission<EventType>[]): Promise<Emitted[]> {
    if (!emissions.length) return [];
    const built = emissions.map((e) => this.build(e));
    const outboxIds = await this.journal.insertEmitted(tx, built);
    return built.map((b) => ({
      event: b.event,
      journalId: b.journalId,
      ...(b.ignored ? {} : { message: { ...b.message, outboxId: outboxIds.get(b.journalId) } }),
    }));
  }

  /** The checked CloudEvent of an emission, its bytes and where it goes; throws PermanentError when invalid. */
  build(e: Emission<EventType>): BuiltEvent {
    const event: CloudEvent = {
      specversion: '1.0',
      id: e.id ?? uuidv7(),
      source: this.config.hub.source,
      type: e.type,
      time: e.time ?? new Date().toISOString(),
      ...(e.subject ? { subject: e.subject } : {}),
      datacontenttype: 'application/json',
      dataschema: dataschemaFor(e.type),
      tenant: e.tenant,
      ...(e.correlationId ? { correlationid: e.correlationId } : {}),
      ...(e.causationId ? { causationid: e.causationId } : {}),
      data: e.data,
    };
    const via = e.via ?? 'hub';
    const check = validateEvent(event);
    if (!check.ok) {
      const who = via.startsWith('adapter:') ? `adapter ${via.slice('adapter:'.length)}` : 'the hub';
      throw new PermanentError(`${who} produced an invalid ${e.type}: ${check.errors.map((x) => `${x.pointer} ${x.reason}`).join('; ')}`);
    }
    const journalId = uuidv7();
    const to = e.to ?? { exchange: EXCHANGES.out, routingKey: `${e.tenant}.${e.type}` };
    return {
      event,
      journalId,
      via,
      ignored: e.ignored === true,
      ...(e.dedupeKey ? { dedupeKey: e.dedupeKey } : {}),
      message: {
        exchange: to.exchange,
        routingKey: to.routingKey,
        content: Buffer.from(JSON.stringify(event)),
        options: {
          contentType: CLOUDEVENTS_CONTENT_TYPE,
          messageId: event.id,
          ...(e.correlationId ? { correlationId: e.correlationId } : {}),
          persistent: true,
          headers: { 'x-hub-journal-id': journalId },
        },
      },
    };
  }

  /**
   * Publishes committed messages with confirms; the outbox rows of confirmed ones are deleted off
   * the path. Never throws: what was not confirmed stays in the outbox for the relay.
   * Returns, per message, whether the broker confirmed it.
   */
  async publish(messages: readonly (OutgoingMessage | undefined)[]): Promise<boolean[]> {
    const list = messages.filter((m): m is OutgoingMessage => m !== undefined);
    if (!list.length) return [];
    const results = await this.publisher.publishAll(list);
    const ok = results.map((r) => r.status === 'fulfilled');
    this.completer.add(list.filter((m, i) => ok[i] && m.outboxId !== undefined).map((m) => m.outboxId as string));
    return ok;
  }

  /** Resolves when the outbox rows of every confirmed message so far are deleted (graceful shutdown). */
  flush(): Promise<void> {
    return this.completer.flush();
  }

  /** Messages of emitted events, for {@link publish}. */
  static messages(emitted: readonly Emitted[]): OutgoingMessage[] {
    return emitted.flatMap((e) => (e.message ? [e.message] : []));
  }
}
