import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../persistence/database.setup';
import type { DeliveryFailure, DeliveryStatus, NotificationChannel } from '../../contracts';
import type { KnownLink, PlanStep } from './channel.planner';
import type { Locale } from '../templates/status.labels';
import type { TemplateVariables } from '../templates/template.catalog';

/** A notification row. */
export interface NotificationRow {
  id: string;
  tenant: string;
  caseRef?: string;
  template: string;
  locale: Locale;
  priority: 'high' | 'normal' | 'bulk';
  mandatory: boolean;
  variables: TemplateVariables;
  plan: PlanStep[];
  outcome: 'in-progress' | 'delivered' | 'failed' | 'suppressed';
  correlationId?: string;
}

/** A dispatch row with its notification, locked for update. */
export interface DispatchWithNotification {
  id: string;
  seq: number;
  channel: NotificationChannel;
  adapter: string;
  address: string;
  status: DeliveryStatus;
  providerMessageId?: string;
  notification: NotificationRow;
}

type Row = Record<string, any>;

/** A notification about a case with its channel attempts, as the admin timeline shows it (no addresses, no texts). */
export interface CaseNotification {
  id: string;
  template: string;
  locale: string;
  priority: string;
  mandatory: boolean;
  outcome: NotificationRow['outcome'];
  createdAt: Date;
  updatedAt: Date;
  dispatches: {
    id: string;
    seq: number;
    channel: string;
    adapter: string;
    status: DeliveryStatus;
    /** The provider's id of the message: the delivery proof to ask the provider about. */
    providerMessageId?: string;
    failure?: DeliveryFailure;
    createdAt: Date;
    updatedAt: Date;
  }[];
}

/** A chat linked to a citizen's cabinet account. */
export interface ActiveLink {
  tenant: string;
  citizenRef: string;
  locale?: Locale;
}

/**
 * Owner of the notification tables (`notification`, `notification_dispatch`, `messenger_link`,
 * `link_token`, `webhook_receipt`): all their SQL. Methods taking `tx` run in the caller's
 * transaction.
 */
@Injectable()
export class NotificationRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts a notification with its plan; false when one with this id exists (a repeat). */
  async insert(tx: PoolClient, n: Omit<NotificationRow, 'plan' | 'outcome'> & { causeId?: string; plan: PlanStep[]; outcome: NotificationRow['outcome'] }): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO notification (id, tenant, case_ref, template, locale, priority, mandatory, variables, plan, outcome, cause_id, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
      [n.id, n.tenant, n.caseRef ?? null, n.template, n.locale, n.priority, n.mandatory, JSON.stringify(n.variables), JSON.stringify(n.plan), n.outcome, n.causeId ?? null, n.correlationId ?? null],
    );
    return r.rowCount === 1;
  }

  async setOutcome(tx: PoolClient, id: string, outcome: NotificationRow['outcome']): Promise<void> {
    await tx.query(`UPDATE notification SET outcome = $2, updated_at = now() WHERE id = $1`, [id, outcome]);
  }

  /** Linked chats of a citizen, and what is known of the contact addresses given. */
  async links(tx: PoolClient, tenant: string, citizenRef: string | undefined, telegram: string | undefined, viber: string | undefined): Promise<KnownLink[]> {
    const r = await tx.query(
      `SELECT channel, address, active FROM messenger_link
        WHERE tenant = $1 AND (citizen_ref = $2 OR (channel = 'telegram' AND address = $3) OR (channel = 'viber' AND address = $4))
        ORDER BY changed_at DESC`,
      [tenant, citizenRef ?? null, telegram ?? null, viber ?? null],
    );
    return r.rows as KnownLink[];
  }

  /** The notifications about a case, oldest first, with their dispatches (by notification_case_idx). */
  async forCase(tx: PoolClient, tenant: string, caseRef: string): Promise<CaseNotification[]> {
    const r = await tx.query(
      `SELECT n.id, n.template, n.locale, n.priority, n.mandatory, n.outcome, n.created_at, n.updated_at,
              d.id::text AS d_id, d.seq, d.channel, d.adapter, d.status, d.provider_message_id, d.failure, d.created_at AS d_created_at, d.updated_at AS d_updated_at
         FROM notification n LEFT JOIN notification_dispatch d ON d.notification_id = n.id
        WHERE n.tenant = $1 AND n.case_ref = $2
        ORDER BY n.created_at, n.id, d.seq LIMIT 1000`,
      [tenant, caseRef],
    );
    const out = new Map<string, CaseNotification>();
    for (const x of r.rows as Row[]) {
      let n = out.get(x.id);
      if (!n) {
        n = { id: x.id, template: x.template, locale: x.locale, priority: x.priority, mandatory: x.mandatory, outcome: x.outcome, createdAt: x.created_at, updatedAt: x.updated_at, dispatches: [] };
        out.set(x.id, n);
      }
      if (x.d_id)
        n.dispatches.push({
          id: x.d_id,
          seq: x.seq,
          channel: x.channel,
          adapter: x.adapter,
          status: x.status,
          ...(x.provider_message_id ? { providerMessageId: x.provider_message_id } : {}),
          ...(x.failure ? { failure: x.failure } : {}),
          createdAt: x.d_created_at,
          updatedAt: x.d_updated_at,
        });
    }
    return [...out.values()];
  }

  /** Creates a channel attempt; false when this notification already went to that channel. */
  async insertDispatch(tx: PoolClient, d: { id: string; notificationId: string; seq: number; step: PlanStep; sendWithinMs: number }): Promise<boolean> {
    const r = await tx.query(
      `INSERT INTO notification_dispatch (id, notification_id, seq, channel, adapter, status, send_by)
       VALUES ($1, $2, $3, $4, $5, 'queued', now() + make_interval(secs => $6::double precision / 1000))
       ON CONFLICT (notification_id, channel) DO NOTHING`,
      [d.id, d.notificationId, d.seq, d.step.channel, d.step.adapter, d.sendWithinMs],
    );
    return r.rowCount === 1;
  }

  /** The dispatch a report is about, locked with its notification. */
  async lockDispatch(tx: PoolClient, adapter: string, dispatchId: string | undefined, providerMessageId: string): Promise<DispatchWithNotification | undefined> {
    const byId = !!dispatchId && /^[0-9a-f-]{36}$/i.test(dispatchId);
    const where = byId ? 'd.id = $1::uuid' : 'd.adapter = $1 AND d.provider_message_id = $2';
    const r = await tx.query(
      `SELECT d.id::text AS id, d.seq, d.channel, d.adapter, d.status, d.provider_message_id,
              n.id AS n_id, n.tenant, n.case_ref, n.template, n.locale, n.priority, n.mandatory, n.variables, n.plan, n.outcome, n.correlation_id
         FROM notification_dispatch d JOIN notification n ON n.id = d.notification_id
        WHERE ${where} FOR UPDATE OF d, n`,
      byId ? [dispatchId] : [adapter, providerMessageId],
    );
    const row = r.rows[0] as Row | undefined;
    if (!row) return undefined;
    const plan = row.plan as PlanStep[];
    return {
      id: row.id,
      seq: row.seq,
      channel: row.channel,
      adapter: row.adapter,
      address: plan[row.seq]?.address ?? '',
      status: row.status,
      providerMessageId: row.provider_message_id ?? undefined,
      notification: {
        id: row.n_id,
        tenant: row.tenant,
        caseRef: row.case_ref ?? undefined,
        template: row.template,
        locale: row.locale,
        priority: row.priority,
        mandatory: row.mandatory,
        variables: row.variables,
        plan,
        outcome: row.outcome,
        correlationId: row.correlation_id ?? undefined,
      },
    };
  }

  /** Moves a dispatch on, and its notification's outcome with it when that changes (one statement). */
  async updateDispatch(
    tx: PoolClient,
    id: string,
    status: DeliveryStatus,
    providerMessageId: string | undefined,
    failure: DeliveryFailure | undefined,
    confirmWithinMs: number,
    outcome?: { notificationId: string; outcome: NotificationRow['outcome'] },
  ): Promise<void> {
    await tx.query(
      `WITH d AS (
         UPDATE notification_dispatch
            SET status = $2, provider_message_id = COALESCE(provider_message_id, $3), failure = $4,
                confirm_by = CASE WHEN $2 = 'sent' AND $5::int > 0 THEN now() + make_interval(secs => $5::double precision / 1000) ELSE NULL END,
                updated_at = now()
          WHERE id = $1
       )
       UPDATE notification SET outcome = $7, updated_at = now() WHERE id = $6 AND $7::text IS NOT NULL`,
      [id, status, providerMessageId || null, failure ? JSON.stringify(failure) : null, confirmWithinMs, outcome?.notificationId ?? null, outcome?.outcome ?? null],
    );
  }

  /** Dispatches past their deadline: not taken by the provider in time, or never confirmed. */
  async overdue(tx: PoolClient, limit: number): Promise<{ id: string; adapter: string; status: DeliveryStatus; providerMessageId?: string }[]> {
    // Two statements: row locks are not allowed over a UNION.
    const queued = await tx.query(
      `SELECT id::text AS id, adapter, status, provider_message_id FROM notification_dispatch WHERE status = 'queued' AND send_by < now() LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    const sent = await tx.query(`SELECT id::text AS id, adapter, status, provider_message_id FROM notification_dispatch WHERE status = 'sent' AND confirm_by < now() LIMIT $1 FOR UPDATE SKIP LOCKED`, [
      limit,
    ]);
    const r = { rows: [...queued.rows, ...sent.rows] };
    return r.rows.map((x: Row) => ({ id: x.id, adapter: x.adapter, status: x.status, providerMessageId: x.provider_message_id ?? undefined }));
  }

  /** Sent, unconfirmed messages of an adapter whose status is worth asking for again. */
  async awaitingConfirmation(tx: PoolClient, adapter: string, olderThanMs: number, limit: number): Promise<string[]> {
    const r = await tx.query(
      `SELECT provider_message_id FROM notification_dispatch
        WHERE adapter = $1 AND status IN ('sent', 'delivered') AND provider_message_id IS NOT NULL
          AND updated_at < now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY updated_at LIMIT $3`,
      [adapter, olderThanMs, limit],
    );
    return r.rows.map((x: Row) => x.provider_message_id as string);
  }

  async touch(tx: PoolClient, adapter: string, providerMessageIds: string[]): Promise<void> {
    if (providerMessageIds.length) await tx.query(`UPDATE notification_dispatch SET updated_at = now() WHERE adapter = $1 AND provider_message_id = ANY($2::text[])`, [adapter, providerMessageIds]);
  }

  /** A dispatch's status, read outside any transaction (the adapter host asks before each send). */
  async dispatchStatus(id: string): Promise<DeliveryStatus | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await poolOf(this.db).query(`SELECT status FROM notification_dispatch WHERE id = $1::uuid`, [id]);
    return r.rows[0]?.status;
  }

  /** Marks a chat inactive; returns the citizens it was linked to. */
  async deactivateLink(tx: PoolClient, channel: NotificationChannel, address: string): Promise<{ tenant: string; citizenRef: string }[]> {
    const r = await tx.query(`UPDATE messenger_link SET active = false, changed_at = now() WHERE channel = $1 AND address = $2 AND active RETURNING tenant, citizen_ref`, [channel, address]);
    return r.rows.map((x: Row) => ({ tenant: x.tenant, citizenRef: x.citizen_ref }));
  }

  /** Stores a cabinet's one-time link token (only its hash); a repeat does nothing. */
  async insertLinkToken(tx: PoolClient, t: { tokenHash: string; tenant: string; citizenRef: string; locale?: string; expiresAt: string }): Promise<void> {
    await tx.query(`INSERT INTO link_token (token_hash, tenant, citizen_ref, locale, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING`, [
      t.tokenHash,
      t.tenant,
      t.citizenRef,
      t.locale ?? null,
      t.expiresAt,
    ]);
  }

  /** Uses a link token once, before it expires; returns whose it was, or undefined. */
  async useLinkToken(tx: PoolClient, tokenHash: string): Promise<ActiveLink | undefined> {
    const r = await tx.query(`UPDATE link_token SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING tenant, citizen_ref, locale`, [tokenHash]);
    const row = r.rows[0] as Row | undefined;
    return row ? { tenant: row.tenant, citizenRef: row.citizen_ref, ...(row.locale ? { locale: row.locale } : {}) } : undefined;
  }

  /** Links a chat to a citizen (again, after it was deactivated). */
  async upsertLink(tx: PoolClient, l: { tenant: string; citizenRef: string; channel: NotificationChannel; address: string; adapter: string; locale: Locale }): Promise<void> {
    await tx.query(
      `INSERT INTO messenger_link (tenant, citizen_ref, channel, address, adapter, locale, active) VALUES ($1, $2, $3, $4, $5, $6, true)
       ON CONFLICT (tenant, channel, address) DO UPDATE SET citizen_ref = EXCLUDED.citizen_ref, adapter = EXCLUDED.adapter, locale = EXCLUDED.locale, active = true, changed_at = now()`,
      [l.tenant, l.citizenRef, l.channel, l.address, l.adapter, l.locale],
    );
  }

  /** The citizens a chat is actively linked to, latest first. */
  async activeLinks(tx: PoolClient, channel: NotificationChannel, address: string): Promise<ActiveLink[]> {
    const r = await tx.query(`SELECT tenant, citizen_ref, locale FROM messenger_link WHERE channel = $1 AND address = $2 AND active ORDER BY changed_at DESC`, [channel, address]);
    return r.rows.map((x: Row) => ({ tenant: x.tenant, citizenRef: x.citizen_ref, ...(x.locale ? { locale: x.locale } : {}) }));
  }

  /** Records a provider callback's de-duplication key; false when it was seen before (a replay). */
  async firstReceipt(tx: PoolClient, adapter: string, dedupKey: string): Promise<boolean> {
    const r = await tx.query(`INSERT INTO webhook_receipt (adapter, dedup_key) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [adapter, dedupKey.slice(0, 512)]);
    return r.rowCount === 1;
  }
}
