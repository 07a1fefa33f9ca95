import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../persistence/database.setup';

/** One try to hand a message to an external system. */
export interface AttemptRecord {
  journalId?: string;
  messageId: string;
  consumer: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: 'ok' | 'transient' | 'permanent' | 'duplicate' | 'rejected';
  error?: string;
  requestSummary?: Record<string, unknown>;
  responseSummary?: Record<string, unknown>;
  /** The instance's circuit breaker as this attempt met it (`closed`, `half-open`, `open`); absent where the breaker has no say. */
  breakerState?: string;
}

/** A recorded attempt, as the admin timeline shows it. */
export interface StoredAttempt {
  messageId: string;
  consumer: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: AttemptRecord['outcome'];
  error?: string;
  breakerState?: string;
}

/** Journal of delivery attempts and the consumer-side inbox (what each consumer already did). */
@Injectable()
export class AttemptRepository {
  constructor(private readonly db: DataSource) {}

  /** True when `consumer` already completed `messageId`. */
  async seen(consumer: string, messageId: string): Promise<boolean> {
    const res = await poolOf(this.db).query('SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = $2', [consumer, messageId]);
    return (res.rowCount ?? 0) > 0;
  }

  /**
   * Claims `messageId` for `consumer` and records the successful attempt in one statement; false
   * (and nothing recorded) when another delivery already claimed it.
   */
  async claimAndRecord(tx: PoolClient, a: AttemptRecord): Promise<boolean> {
    const res = await tx.query(
      `WITH c AS (INSERT INTO inbox (consumer, message_id) VALUES ($3, $2) ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO delivery_attempt (journal_id, message_id, consumer, attempt, started_at, duration_ms, outcome, error, request_summary, response_summary, breaker_state)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM c`,
      attemptParams(a),
    );
    return res.rowCount === 1;
  }

  /**
   * The latest failed attempt (transient or permanent) of each consumer, for the adapter page:
   * when, which attempt, the error line (errorLine: no personal data) and the journal entry.
   */
  async lastFailures(consumers: readonly string[]): Promise<Map<string, { at: Date; outcome: string; error: string | null; attempt: number; journalId: string | null }>> {
    if (!consumers.length) return new Map();
    const r = await poolOf(this.db).query<{ consumer: string; started_at: Date; outcome: string; error: string | null; attempt: number; journal_id: string | null }>(
      `SELECT c.consumer, a.started_at, a.outcome, a.error, a.attempt, a.journal_id::text AS journal_id
         FROM unnest($1::text[]) AS c(consumer)
         CROSS JOIN LATERAL (SELECT * FROM delivery_attempt d WHERE d.consumer = c.consumer AND d.outcome IN ('transient', 'permanent') ORDER BY d.id DESC LIMIT 1) a`,
      [consumers],
    );
    return new Map(r.rows.map((x) => [x.consumer, { at: x.started_at, outcome: x.outcome, error: x.error, attempt: x.attempt, journalId: x.journal_id }]));
  }

  async record(a: AttemptRecord, tx?: PoolClient): Promise<void> {
    const sql = `INSERT INTO delivery_attempt (journal_id, message_id, consumer, attempt, started_at, duration_ms, outcome, error, request_summary, response_summary, breaker_state)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
    const params = attemptParams(a);
    if (tx) await tx.query(sql, params);
    else await poolOf(this.db).query(sql, params);
  }

  /**
   * The attempts on these messages (journal ids: the adapter host records a routed copy under its
   * journal id), in time order, by delivery_attempt_message_idx.
   */
  async forMessages(tx: PoolClient, messageIds: readonly string[]): Promise<StoredAttempt[]> {
    if (!messageIds.length) return [];
    const r = await tx.query<{
      message_id: string;
      consumer: string;
      attempt: number;
      started_at: Date;
      duration_ms: number;
      outcome: StoredAttempt['outcome'];
      error: string | null;
      breaker_state: string | null;
    }>(
      `SELECT message_id, consumer, attempt, started_at, duration_ms, outcome, error, breaker_state FROM delivery_attempt
        WHERE message_id = ANY($1::text[]) ORDER BY started_at, id LIMIT 2000`,
      [messageIds],
    );
    return r.rows.map((x) => ({
      messageId: x.message_id,
      consumer: x.consumer,
      attempt: x.attempt,
      startedAt: x.started_at,
      durationMs: x.duration_ms,
      outcome: x.outcome,
      ...(x.error !== null ? { error: x.error } : {}),
      ...(x.breaker_state !== null ? { breakerState: x.breaker_state } : {}),
    }));
  }
}

/** The eleven values of a delivery_attempt row, in column order. */
function attemptParams(a: AttemptRecord): unknown[] {
  return [
    a.journalId ?? null,
    a.messageId,
    a.consumer,
    a.attempt,
    a.startedAt,
    a.durationMs,
    a.outcome,
    a.error ?? null,
    a.requestSummary ? JSON.stringify(a.requestSummary) : null,
    a.responseSummary ? JSON.stringify(a.responseSummary) : null,
    a.breakerState ?? null,
  ];
}
