import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { CaseColumns, CaseCondition, SqlParams } from '../persistence/sql-params.codec';

/** A case as results are applied to it. */
export interface CaseRow {
  id: string;
  status: string;
  statusAt: Date;
  version: number;
  externalIds: Record<string, unknown>;
}

/** One line of the audit trail: which attribute changed from what to what. */
export interface AuditLine {
  attribute: string;
  oldValue: string | null;
  newValue: string | null;
}

/** Contacts and preferences the applicant gave with a case. */
export interface CaseRecipient {
  citizenRef?: string;
  recipient?: {
    email?: string;
    phone?: string;
    locale?: 'uk' | 'ru' | 'en';
    telegramChatId?: string;
    viberUserId?: string;
    notificationChannels?: ('viber' | 'telegram' | 'sms' | 'email')[];
    notificationsMuted?: boolean;
  };
}

/** A case as the bot tells it to the citizen. */
export interface CaseSummary {
  tenant: string;
  kind: string;
  caseRef: string;
  status: string;
  externalIds: Record<string, { registrationNumber?: string }>;
}

/** A case as a portal reads it. */
export interface CaseRecord {
  kind: 'appeal' | 'application';
  status: string;
  statusAt: Date;
  version: number;
  externalIds: Record<string, { externalId?: string; registrationNumber?: string; registeredAt?: string }>;
  createdAt: Date;
}

/** An appeal as the deadline scheduler sees it: which case, and at which version. */
/** One admin action as the audit keeps it: who, what, on what, why, before and after. */
export interface AdminAuditLine {
  /** The action's id (the audit line's entity_id). */
  id: string;
  at: Date;
  /** Whose chain it joins: the tenant it acted in, `*` for hub-wide actions. */
  tenant: string;
  actor: string;
  /** e.g. `dead-letter.redrive`, `breaker.open`, `pii.reveal`, `login`. */
  action: string;
  /** What it acted on: a queue, a case, an adapter instance, a token. */
  target: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

/** A case as the admin console finds and shows it. */
export interface AdminCaseRow {
  id: string;
  tenant: string;
  kind: 'appeal' | 'application';
  caseRef: string;
  status: string;
  statusAt: Date;
  version: number;
  externalIds: Record<string, { externalId?: string; registrationNumber?: string; registeredAt?: string }>;
  citizenRef?: string;
  /** The contacts given with the case (personal data: the console masks them). */
  recipient?: Record<string, unknown>;
  createdAt: Date;
  /** `created_at` in UTC with microseconds, exact: the search's keyset position. */
  createdKey: string;
  updatedAt: Date;
}

/** What the admin search looks for in the `cases` table itself; conditions on other tables come from their owners. */
export interface AdminCaseQuery {
  tenants: readonly string[];
  kind?: string;
  caseRef?: string;
  status?: string;
  /** A registration number in any back office (external_ids.<system>.registrationNumber). */
  registrationNumber?: string;
  /** A back-office id (external_ids.<system>.externalId). */
  externalId?: string;
  /** SHA-256 hex of a contact, normalised as contactHash() does (digits of the phone; the e-mail trimmed, lower case). */
  contactHash?: string;
  /** Conditions on other tables, written by their owners with the same SqlParams, correlated with {@link CASE_COLUMNS}. */
  conditions: readonly CaseCondition[];
  after?: { at: string; id: string };
  limit: number;
}

/** The columns of the admin search's case row, for conditions written by other tables' owners. */
export const CASE_COLUMNS: CaseColumns = { id: 'c.id', tenant: 'c.tenant', caseRef: 'c.case_ref' };

/** One line of a case's own audit trail (status changes and who made them). */
export interface CaseAuditEntry {
  at: Date;
  attribute: string;
  oldValue?: string;
  newValue?: string;
  actor: string;
  journalId?: string;
}

export interface ChangedCase {
  id: string;
  tenant: string;
  caseRef: string;
  version: number;
  updatedAt: Date;
}

/**
 * Owner of the `cases` and `audit_log` tables; every method runs in the caller's transaction.
 * (Case openings by submissions are written inside the ingress batch statement, see
 * JournalRepository.store: one round trip per batch is what keeps ingress at broker speed.)
 */
@Injectable()
export class CaseRepository {
  /**
   * The case a result is about, locked for update; created when the result arrives before (or
   * without) the submission that opens it.
   */
  async lockForResult(tx: PoolClient, tenant: string, kind: string, caseRef: string): Promise<CaseRow> {
    await tx.query(
      `INSERT INTO cases (id, tenant, kind, case_ref, status, status_at, version) VALUES ($1, $2, $3, $4, 'submitted', to_timestamp(0), 0)
       ON CONFLICT DO NOTHING`,
      [uuidv7(), tenant, kind, caseRef],
    );
    const r = await tx.query<{ id: string; status: string; status_at: Date; version: number; external_ids: Record<string, unknown> }>(
      'SELECT id, status, status_at, version, external_ids FROM cases WHERE tenant = $1 AND kind = $2 AND case_ref = $3 FOR UPDATE',
      [tenant, kind, caseRef],
    );
    const row = r.rows[0];
    return { id: row.id, status: row.status, statusAt: row.status_at, version: row.version, externalIds: row.external_ids ?? {} };
  }

  /** Moves a case on; `statusAt` is kept when the result carries no status. */
  async update(tx: PoolClient, id: string, change: { status: string; statusAt?: string; externalIds: Record<string, unknown> }): Promise<void> {
    await tx.query(`UPDATE cases SET status = $2, status_at = COALESCE($3::timestamptz, status_at), external_ids = $4::jsonb, version = version + 1, updated_at = now() WHERE id = $1`, [
      id,
      change.status,
      change.statusAt ?? null,
      JSON.stringify(change.externalIds),
    ]);
  }

  /** Writes audit lines of one change to a case, with who made it and the journal entry that carries it. */
  async audit(tx: PoolClient, caseId: string, lines: readonly AuditLine[], actor: string, journalId: string): Promise<void> {
    if (!lines.length) return;
    await tx.query(
      `INSERT INTO audit_log (entity, entity_id, attribute, old_value, new_value, actor, journal_id)
       SELECT 'case', $1, a, o, n, $5, $6 FROM unnest($2::text[], $3::text[], $4::text[]) AS x(a, o, n)`,
      [caseId, lines.map((l) => l.attribute), lines.map((l) => l.oldValue), lines.map((l) => l.newValue), actor, journalId],
    );
  }

  /** Whom to tell about a case: the citizen behind it and the contacts given with it. */
  async recipientOf(tx: PoolClient, tenant: string, kind: string, caseRef: string | undefined): Promise<CaseRecipient | undefined> {
    const r = await tx.query<{ citizen_ref: string | null; recipient: CaseRecipient['recipient'] | null }>(
      'SELECT citizen_ref, recipient FROM cases WHERE tenant = $1 AND kind = $2 AND case_ref = $3',
      [tenant, kind, caseRef ?? null],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    return { citizenRef: row.citizen_ref ?? undefined, recipient: row.recipient ?? undefined };
  }

  /**
   * The cases of these kinds with this case reference in the tenant (at most one per kind), by
   * UNIQUE (tenant, kind, case_ref): the kinds are always named, so the index is entered once per
   * kind instead of scanning the tenant.
   */
  async find(tx: PoolClient, tenant: string, caseRef: string, kinds: readonly string[]): Promise<CaseRecord[]> {
    const r = await tx.query<{ kind: CaseRecord['kind']; status: string; status_at: Date; version: number; external_ids: CaseRecord['externalIds'] | null; created_at: Date }>(
      'SELECT kind, status, status_at, version, external_ids, created_at FROM cases WHERE tenant = $1 AND kind = ANY($2::text[]) AND case_ref = $3 ORDER BY kind',
      [tenant, kinds, caseRef],
    );
    return r.rows.map((x) => ({ kind: x.kind, status: x.status, statusAt: x.status_at, version: x.version, externalIds: x.external_ids ?? {}, createdAt: x.created_at }));
  }

  /** The id of the case with this reference in the tenant (appeal or application), if it is open. */
  async idOf(tx: PoolClient, tenant: string, caseRef: string): Promise<string | undefined> {
    const r = await tx.query<{ id: string }>(`SELECT id::text AS id FROM cases WHERE tenant = $1 AND kind = ANY('{appeal,application}'::text[]) AND case_ref = $2 ORDER BY kind LIMIT 1`, [
      tenant,
      caseRef,
    ]);
    return r.rows[0]?.id;
  }

  /**
   * Appeals changed (or opened) after a position in (updated_at, id) order, a page at a time:
   * the deadline scheduler's way to notice new cases and changed ones.
   */
  async changedSince(tx: PoolClient, after: { at: Date; id: string } | undefined, limit: number): Promise<ChangedCase[]> {
    const r = await tx.query<{ id: string; tenant: string; case_ref: string; version: number; updated_at: Date }>(
      `SELECT id::text AS id, tenant, case_ref, version, updated_at FROM cases
        WHERE kind = 'appeal' AND (updated_at, id) > ($1::timestamptz, $2::uuid)
        ORDER BY updated_at, id LIMIT $3`,
      [after?.at ?? new Date(0), after?.id ?? '00000000-0000-0000-0000-000000000000', limit],
    );
    return r.rows.map((x) => ({ id: x.id, tenant: x.tenant, caseRef: x.case_ref, version: x.version, updatedAt: x.updated_at }));
  }

  /**
   * Earlier appeals of the same applicant (the same verified identity, `citizen_ref`) opened at
   * most `windowDays` before this one, newest first: the candidates of repeat detection. An
   * applicant without a verified identity has none: contacts alone do not say who wrote.
   */
  async earlierAppealsOfApplicant(tx: PoolClient, caseId: string, windowDays: number, limit: number): Promise<{ id: string; caseRef: string }[]> {
    const r = await tx.query<{ id: string; case_ref: string }>(
      `SELECT e.id::text AS id, e.case_ref FROM cases c
         JOIN cases e ON e.tenant = c.tenant AND e.citizen_ref = c.citizen_ref AND e.kind = 'appeal' AND e.id <> c.id
                     AND e.created_at < c.created_at AND e.created_at >= c.created_at - make_interval(days => $2)
        WHERE c.id = $1 AND c.citizen_ref IS NOT NULL
        ORDER BY e.created_at DESC LIMIT $3`,
      [caseId, windowDays, limit],
    );
    return r.rows.map((x) => ({ id: x.id, caseRef: x.case_ref }));
  }

  /** An appeal by id, for the deadline scheduler (undefined when gone). */
  async appealById(tx: PoolClient, id: string): Promise<ChangedCase | undefined> {
    const r = await tx.query<{ id: string; tenant: string; case_ref: string; version: number; updated_at: Date }>(
      `SELECT id::text AS id, tenant, case_ref, version, updated_at FROM cases WHERE id = $1 AND kind = 'appeal'`,
      [id],
    );
    const x = r.rows[0];
    return x ? { id: x.id, tenant: x.tenant, caseRef: x.case_ref, version: x.version, updatedAt: x.updated_at } : undefined;
  }

  /** The latest cases of these citizens (tenant + citizen reference pairs), newest first. */
  async ofCitizens(tx: PoolClient, citizens: readonly { tenant: string; citizenRef: string }[], limit: number): Promise<CaseSummary[]> {
    if (!citizens.length) return [];
    const r = await tx.query<{ tenant: string; kind: string; case_ref: string; status: string; external_ids: CaseSummary['externalIds'] }>(
      `SELECT c.tenant, c.kind, c.case_ref, c.status, c.external_ids FROM cases c
         JOIN unnest($1::text[], $2::text[]) AS x(tenant, citizen_ref) ON x.tenant = c.tenant AND x.citizen_ref = c.citizen_ref
        ORDER BY c.updated_at DESC LIMIT $3`,
      [citizens.map((c) => c.tenant), citizens.map((c) => c.citizenRef), limit],
    );
    return r.rows.map((x) => ({ tenant: x.tenant, kind: x.kind, caseRef: x.case_ref, status: x.status, externalIds: x.external_ids ?? {} }));
  }

  /**
   * The admin search: cases of the tenants matching every filter given, newest first, a page
   * after `after` in (created_at, id) order. The contact hash is computed here, over the
   * tenant's cases, from `recipient` (the contacts as given): nothing is stored for it, so the
   * ingress batch statement that opens cases writes no extra column or index. That costs one
   * SHA-256 per case of the tenant per contact search (about a microsecond each), paid only by a
   * clerk who searches that way.
   */
  async adminSearch(tx: PoolClient, p: SqlParams, q: AdminCaseQuery): Promise<AdminCaseRow[]> {
    const where = [`c.tenant = ANY(${p.add(q.tenants)}::text[])`];
    if (q.kind) where.push(`c.kind = ${p.add(q.kind)}`);
    if (q.caseRef) where.push(`c.case_ref = ${p.add(q.caseRef)}`);
    if (q.status) where.push(`c.status = ${p.add(q.status)}`);
    if (q.registrationNumber) {
      where.push(
        `EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(c.external_ids) = 'object' THEN c.external_ids ELSE '{}' END) e WHERE e.value->>'registrationNumber' = ${p.add(q.registrationNumber)})`,
      );
    }
    if (q.externalId) {
      where.push(`EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof(c.external_ids) = 'object' THEN c.external_ids ELSE '{}' END) e WHERE e.value->>'externalId' = ${p.add(q.externalId)})`);
    }
    if (q.contactHash) {
      const h = p.add(q.contactHash);
      where.push(`(encode(sha256(convert_to(regexp_replace(c.recipient->>'phone', '[^0-9]', '', 'g'), 'UTF8')), 'hex') = ${h}
               OR encode(sha256(convert_to(lower(btrim(c.recipient->>'email')), 'UTF8')), 'hex') = ${h})`);
    }
    for (const c of q.conditions) where.push(c.sql);
    if (q.after) where.push(`(c.created_at, c.id) < (${p.add(q.after.at)}::timestamptz, ${p.add(q.after.id)}::uuid)`);
    const r = await tx.query<AdminCaseDbRow>(`SELECT ${ADMIN_CASE_COLUMNS} FROM cases c WHERE ${where.join('\n   AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${p.add(q.limit)}`, p.values);
    return r.rows.map(adminCase);
  }

  /** The cases of these kinds with this caseRef in the tenant, as the admin console shows them. */
  async adminFind(tx: PoolClient, tenant: string, caseRef: string, kinds: readonly string[]): Promise<AdminCaseRow[]> {
    const r = await tx.query<AdminCaseDbRow>(`SELECT ${ADMIN_CASE_COLUMNS} FROM cases c WHERE c.tenant = $1 AND c.kind = ANY($2::text[]) AND c.case_ref = $3 ORDER BY c.kind`, [
      tenant,
      kinds,
      caseRef,
    ]);
    return r.rows.map(adminCase);
  }

  /** The audit trail of one case (entity `case`): what changed, from what, to what, who, and the journal entry that carried it. */
  async caseAudit(tx: PoolClient, caseId: string): Promise<CaseAuditEntry[]> {
    const r = await tx.query<{ at: Date; attribute: string; old_value: string | null; new_value: string | null; actor: string; journal_id: string | null }>(
      `SELECT at, attribute, old_value, new_value, actor, journal_id::text AS journal_id FROM audit_log WHERE entity = 'case' AND entity_id = $1 ORDER BY at, id LIMIT 1000`,
      [caseId],
    );
    return r.rows.map((x) => ({
      at: x.at,
      attribute: x.attribute,
      ...(x.old_value !== null ? { oldValue: x.old_value } : {}),
      ...(x.new_value !== null ? { newValue: x.new_value } : {}),
      actor: x.actor,
      ...(x.journal_id !== null ? { journalId: x.journal_id } : {}),
    }));
  }

  /**
   * Appends an admin action's audit line. The line is chained like every audit line (the
   * tenant picks the chain); `new_value` holds the target, reason and after-state as one JSON
   * document, `old_value` the before-state, so all of it is covered by the hash.
   */
  async appendAdminAudit(tx: PoolClient, line: Omit<AdminAuditLine, 'id' | 'at'>): Promise<AdminAuditLine> {
    const id = uuidv7();
    const after = JSON.stringify({ target: line.target, ...(line.reason !== undefined ? { reason: line.reason } : {}), ...(line.after !== undefined ? { after: line.after } : {}) });
    const r = await tx.query<{ at: Date }>(`INSERT INTO audit_log (entity, entity_id, attribute, old_value, new_value, actor, tenant) VALUES ('admin', $1, $2, $3, $4, $5, $6) RETURNING at`, [
      id,
      line.action,
      line.before === undefined ? null : JSON.stringify(line.before),
      after,
      line.actor,
      line.tenant,
    ]);
    return { ...line, id, at: r.rows[0].at };
  }

  /** Admin actions of a tenant (`*`: the hub-wide ones), newest first, with optional filters. */
  async adminAudit(
    tx: PoolClient,
    q: { tenants: readonly string[]; from?: Date; to?: Date; actor?: string; action?: string; target?: string; limit: number; before?: { at: Date; id: string } },
  ): Promise<AdminAuditLine[]> {
    const r = await tx.query<{ id: string; at: Date; tenant: string; actor: string; attribute: string; old_value: string | null; new_value: string | null }>(
      `SELECT entity_id::text AS id, at, tenant, actor, attribute, old_value, new_value FROM audit_log
        WHERE entity = 'admin' AND tenant = ANY($1::text[])
          AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
          AND ($4::text IS NULL OR actor = $4) AND ($5::text IS NULL OR attribute = $5)
          AND ($6::text IS NULL OR (CASE WHEN entity = 'admin' THEN new_value::jsonb->>'target' END) = $6)
          AND ($7::timestamptz IS NULL OR (at, entity_id) < ($7, $8::uuid))
        ORDER BY at DESC, entity_id DESC LIMIT $9`,
      [q.tenants, q.from ?? null, q.to ?? null, q.actor ?? null, q.action ?? null, q.target ?? null, q.before?.at ?? null, q.before?.id ?? null, q.limit],
    );
    return r.rows.map((x) => {
      const n = parseJson(x.new_value) as { target?: string; reason?: string; after?: unknown } | undefined;
      const before = parseJson(x.old_value);
      return {
        id: x.id,
        at: x.at,
        tenant: x.tenant,
        actor: x.actor,
        action: x.attribute,
        target: n?.target ?? '',
        ...(n?.reason !== undefined ? { reason: n.reason } : {}),
        ...(before !== undefined ? { before } : {}),
        ...(n?.after !== undefined ? { after: n.after } : {}),
      };
    });
  }
}

const ADMIN_CASE_COLUMNS = `c.id::text AS id, c.tenant, c.kind, c.case_ref, c.status, c.status_at, c.version, c.external_ids, c.citizen_ref, c.recipient,
       c.created_at, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, c.updated_at`;

type AdminCaseDbRow = {
  id: string;
  tenant: string;
  kind: AdminCaseRow['kind'];
  case_ref: string;
  status: string;
  status_at: Date;
  version: number;
  external_ids: AdminCaseRow['externalIds'] | null;
  citizen_ref: string | null;
  recipient: Record<string, unknown> | null;
  created_at: Date;
  created_key: string;
  updated_at: Date;
};

function adminCase(x: AdminCaseDbRow): AdminCaseRow {
  return {
    id: x.id,
    tenant: x.tenant,
    kind: x.kind,
    caseRef: x.case_ref,
    status: x.status,
    statusAt: x.status_at,
    version: x.version,
    externalIds: x.external_ids ?? {},
    ...(x.citizen_ref !== null ? { citizenRef: x.citizen_ref } : {}),
    ...(x.recipient !== null ? { recipient: x.recipient } : {}),
    createdAt: x.created_at,
    createdKey: x.created_key,
    updatedAt: x.updated_at,
  };
}

/** A stored JSON text (written by this repository) back to a value; undefined for null. */
function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
