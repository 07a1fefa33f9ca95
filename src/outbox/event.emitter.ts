import { Inject, Injectable } from '@nestjs/common';
import type { Options } from 'amqplib';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, dataschemaFor, EventDataMap, EventType, validateEvent } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { EXCHANGES } from '../messaging/topology.declaration';
import { OutboxCompleter } from './outbox.completer';

/** An outbox row written in a transaction, to publish once that transaction commits. */
export interface PendingPublish {
  id: string;
  exchange: string;
  routingKey: string;
  properties: Options.Publish;
  content: Buffer;
}

/** An event the hub emits. */
export interface Emission<T extends EventType> {
  type: T;
  tenant: string;
  data: EventDataMap[T];
  /** Event id; a fresh UUIDv7 when absent. */
  id?: string;
  subject?: string;
  causationId?: string;
  correlationId?: string;
  /** Default: cabinet.out with `<tenant>.<type>`. */
  to?: { exchange: string; routingKey: string };
}

/**
 * Emits the hub's own events the transactional way: checked against the contract, journaled as
 * `out`/`emitted`, and written to the outbox in the caller's transaction; `publish` sends them
 * after the commit (the relay sends whatever a crash left behind).
 */
@Injectable()
export class EventEmitter {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly publisher: ConfirmPublisher,
    private readonly completer: OutboxCompleter,
  ) {}

  async emit<T extends EventType>(tx: PoolClient, e: Emission<T>): Promise<PendingPublish> {
    return (await this.emitAll(tx, [e]))[0];
  }

  /**
   * Emits several events with ONE statement (journal entries and outbox rows together): on the
   * notification path every round trip to the database counts.
   */
  async emitAll(tx: PoolClient, emissions: readonly Emission<EventType>[]): Promise<PendingPublish[]> {
    if (!emissions.length) return [];
    const rows = emissions.map((e) => this.build(e));
    const offsets: number[] = [];
    let at = 1;
    for (const r of rows) {
      offsets.push(at);
      at += r.body.length;
    }
    const res = await tx.query<{ id: string; journal_id: string }>(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $11::text[], $12::text[], $13::text[])
           WITH ORDINALITY AS x(journal_id, tenant, source, event_id, type, subject, correlation_id, body_at, body_len, exchange, routing_key, properties, n)
       ), j AS (
         INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id, body, body_size)
         SELECT journal_id, 'out', 'hub', 'emitted', tenant, source, event_id, type, subject, correlation_id, substring($10::bytea FROM body_at FOR body_len), body_len FROM x
       )
       INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload)
       SELECT journal_id, exchange, routing_key, properties::jsonb, substring($10::bytea FROM body_at FOR body_len) FROM x ORDER BY n
       RETURNING id::text AS id, journal_id::text AS journal_id`,
      [
        rows.map((r) => r.journalId),
        rows.map((r) => r.event.tenant),
        rows.map((r) => r.event.source),
        rows.map((r) => r.event.id),
        rows.map((r) => r.event.type),
        rows.map((r) => r.event.subject ?? null),
        rows.map((r) => r.correlationId ?? null),
        offsets,
        rows.map((r) => r.body.length),
        Buffer.concat(rows.map((r) => r.body)),
        rows.map((r) => r.to.exchange),
        rows.map((r) => r.to.routingKey),
        rows.map((r) => JSON.stringify(r.properties)),
      ],
    );
    const idOf = new Map(res.rows.map((x) => [x.journal_id, x.id]));
    return rows.map((r) => ({ id: idOf.get(r.journalId) as string, exchange: r.to.exchange, routingKey: r.to.routingKey, properties: r.properties, content: r.body }));
  }

  /** The checked CloudEvent of an emission, its bytes and where it goes. */
  private build(e: Emission<EventType>) {
    const event: CloudEvent = {
      specversion: '1.0',
      id: e.id ?? uuidv7(),
      source: this.config.hub.source,
      type: e.type,
      time: new Date().toISOString(),
      ...(e.subject ? { subject: e.subject } : {}),
      datacontenttype: 'application/json',
      dataschema: dataschemaFor(e.type),
      tenant: e.tenant,
      ...(e.correlationId ? { correlationid: e.correlationId } : {}),
      ...(e.causationId ? { causationid: e.causationId } : {}),
      data: e.data,
    };
    const check = validateEvent(event);
    if (!check.ok) throw new Error(`the hub built an invalid ${e.type}: ${check.errors.map((x) => `${x.pointer} ${x.reason}`).join('; ')}`);
    const journalId = uuidv7();
    const properties: Options.Publish = {
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      ...(e.correlationId ? { correlationId: e.correlationId } : {}),
      persistent: true,
      headers: { 'x-hub-journal-id': journalId },
    };
    return { event, journalId, body: Buffer.from(JSON.stringify(event)), properties, correlationId: e.correlationId, to: e.to ?? { exchange: EXCHANGES.out, routingKey: `${e.tenant}.${e.type}` } };
  }

  /** Publishes committed outbox rows with confirms; confirmed rows are deleted off the path. */
  async publish(pending: PendingPublish[]): Promise<void> {
    if (!pending.length) return;
    const confirmed = await this.publisher.publishAll(pending.map((p) => ({ exchange: p.exchange, routingKey: p.routingKey, options: p.properties, content: p.content })));
    this.completer.add(pending.filter((_, i) => confirmed[i].status === 'fulfilled').map((p) => p.id));
  }
}
