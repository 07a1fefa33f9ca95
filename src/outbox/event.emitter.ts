import { Inject, Injectable } from '@nestjs/common';
import type { Options } from 'amqplib';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, dataschemaFor, EventDataMap, EventType, validateEvent } from '../../contracts';
import { HUB_CONFIG } from '../app/injection.tokens';
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
    const body = Buffer.from(JSON.stringify(event));
    await tx.query(
      `INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id, body, body_size)
       VALUES ($1, 'out', 'hub', 'emitted', $2, $3, $4, $5, $6, $7, $8, $9)`,
      [journalId, event.tenant, event.source, event.id, event.type, event.subject ?? null, e.correlationId ?? null, body, body.length],
    );
    const to = e.to ?? { exchange: EXCHANGES.out, routingKey: `${e.tenant}.${e.type}` };
    const properties: Options.Publish = {
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      ...(e.correlationId ? { correlationId: e.correlationId } : {}),
      persistent: true,
      headers: { 'x-hub-journal-id': journalId },
    };
    const [row] = (
      await tx.query<{ id: string }>(`INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`, [journalId, to.exchange, to.routingKey, JSON.stringify(properties), body])
    ).rows;
    return { id: row.id, exchange: to.exchange, routingKey: to.routingKey, properties, content: body };
  }

  /** Publishes committed outbox rows with confirms; confirmed rows are deleted off the path. */
  async publish(pending: PendingPublish[]): Promise<void> {
    if (!pending.length) return;
    const confirmed = await this.publisher.publishAll(pending.map((p) => ({ exchange: p.exchange, routingKey: p.routingKey, options: p.properties, content: p.content })));
    this.completer.add(pending.filter((_, i) => confirmed[i].status === 'fulfilled').map((p) => p.id));
  }
}
