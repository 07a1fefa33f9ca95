import { Inject, Injectable } from '@nestjs/common';
import type { Options } from 'amqplib';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent, dataschemaFor, PermanentError, ResultEvent, validateEvent } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { EXCHANGES } from '../messaging/topology.declaration';

/** Why a result exists: the routed event that the adapter handled (or the poll that found it). */
export interface ResultCause {
  /** Adapter instance that produced the result. */
  instance: string;
  /** CloudEvent id of the event that caused it, if any. */
  eventId?: string;
  correlationId?: string;
}

/** What applying one result did. */
export interface AppliedResult {
  outcome: 'applied' | 'ignored';
  journalId: string;
  event: CloudEvent;
  /** Outbox row to publish once the transaction commits (only for applied results). */
  outbox?: { id: string; exchange: string; routingKey: string; properties: Options.Publish; content: Buffer };
}

const STATUS_OF: Partial<Record<string, (data: Record<string, unknown>) => string>> = {
  'appeal.registered': () => 'registered',
  'application.registered': () => 'registered',
  'appeal.status-changed': (d) => String(d.status),
  'application.status-changed': (d) => String(d.status),
  'appeal.answered': () => 'answered',
};

/**
 * Applies results from back offices to cases, in order: within one transaction the case row is
 * locked, a result older than what the case already holds is journaled as `ignored` and not
 * published (a late poll must not turn "answered" back into "registered"), and an applied one
 * updates status, external ids and version, writes the audit lines, journals the emitted event
 * and puts it in the outbox for `cabinet.out`.
 */
@Injectable()
export class CaseStateService {
  constructor(@Inject(HUB_CONFIG) private readonly config: HubConfig) {}

  async apply(tx: PoolClient, result: ResultEvent, cause: ResultCause): Promise<AppliedResult> {
    const event = this.toCloudEvent(result, cause);
    const kind = result.type.startsWith('appeal.') ? 'appeal' : 'application';
    const occurredAt = new Date(result.occurredAt);
    const newStatus = STATUS_OF[result.type]?.(result.data as unknown as Record<string, unknown>);
    const actor = `adapter:${cause.instance}`;

    await tx.query(
      `INSERT INTO cases (id, tenant, kind, case_ref, status, status_at, version) VALUES ($1, $2, $3, $4, 'submitted', to_timestamp(0), 0)
       ON CONFLICT (tenant, kind, case_ref) DO NOTHING`,
      [uuidv7(), result.tenant, kind, result.caseRef],
    );
    const [kase] = (
      await tx.query<{ id: string; status: string; status_at: Date; version: number; external_ids: Record<string, unknown> }>(
        'SELECT id, status, status_at, version, external_ids FROM cases WHERE tenant = $1 AND kind = $2 AND case_ref = $3 FOR UPDATE',
        [result.tenant, kind, result.caseRef],
      )
    ).rows;

    // Only back-office times are compared: the portal's submission time comes from another clock.
    const fromBackOffice = kase.status !== 'submitted';
    const stale = newStatus !== undefined && fromBackOffice && (occurredAt < kase.status_at || (occurredAt.getTime() === kase.status_at.getTime() && newStatus === kase.status));
    const journalId = uuidv7();
    const body = Buffer.from(JSON.stringify(event));
    await tx.query(
      `INSERT INTO journal (id, direction, via, status, tenant, source, event_id, type, subject, correlation_id, body, body_size)
       VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [journalId, actor, stale ? 'ignored' : 'emitted', event.tenant, event.source, event.id, event.type, event.subject, event.correlationid ?? null, body, body.length],
    );
    if (stale) return { outcome: 'ignored', journalId, event };

    const audits: [string, string | null, string | null][] = [];
    let externalIds = kase.external_ids;
    const data = result.data as unknown as { system?: string; externalId?: string; registrationNumber?: string; registeredAt?: string };
    if (result.type.endsWith('.registered') && data.system) {
      const entry = { externalId: data.externalId, registrationNumber: data.registrationNumber, registeredAt: data.registeredAt };
      audits.push([`external_ids.${data.system}`, kase.external_ids[data.system] ? JSON.stringify(kase.external_ids[data.system]) : null, JSON.stringify(entry)]);
      externalIds = { ...kase.external_ids, [data.system]: entry };
    }
    if (newStatus !== undefined && newStatus !== kase.status) audits.push(['status', kase.status, newStatus]);
    await tx.query(
      `UPDATE cases SET status = $2, status_at = CASE WHEN $5::boolean THEN $3::timestamptz ELSE status_at END, external_ids = $4::jsonb, version = version + 1, updated_at = now() WHERE id = $1`,
      [kase.id, newStatus ?? kase.status, occurredAt.toISOString(), JSON.stringify(externalIds), newStatus !== undefined],
    );
    for (const [attribute, oldValue, newValue] of audits) {
      await tx.query(`INSERT INTO audit_log (entity, entity_id, attribute, old_value, new_value, actor, journal_id) VALUES ('case', $1, $2, $3, $4, $5, $6)`, [kase.id, attribute, oldValue, newValue, actor, journalId]);
    }
    const properties: Options.Publish = {
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      ...(event.correlationid ? { correlationId: String(event.correlationid) } : {}),
      persistent: true,
      headers: { 'x-hub-journal-id': journalId },
    };
    const routingKey = `${event.tenant}.${event.type}`;
    const [row] = (
      await tx.query<{ id: string }>(`INSERT INTO outbox (journal_id, exchange, routing_key, properties, payload) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`, [journalId, EXCHANGES.out, routingKey, JSON.stringify(properties), body])
    ).rows;
    return { outcome: 'applied', journalId, event, outbox: { id: row.id, exchange: EXCHANGES.out, routingKey, properties, content: body } };
  }

  /** The hub checks what it emits: an adapter that maps badly fails here, not at the portal. */
  private toCloudEvent(result: ResultEvent, cause: ResultCause): CloudEvent {
    const event: CloudEvent = {
      specversion: '1.0',
      id: uuidv7(),
      source: this.config.hub.source,
      type: result.type,
      time: result.occurredAt,
      subject: result.caseRef,
      datacontenttype: 'application/json',
      dataschema: dataschemaFor(result.type),
      tenant: result.tenant,
      ...(cause.correlationId ? { correlationid: cause.correlationId } : {}),
      ...(cause.eventId ? { causationid: cause.eventId } : {}),
      data: result.data,
    };
    const check = validateEvent(event);
    if (!check.ok) throw new PermanentError(`adapter ${cause.instance} produced an invalid ${result.type}: ${check.errors.map((e) => `${e.pointer} ${e.reason}`).join('; ')}`);
    return event;
  }
}
