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
       INSERT INTO delivery_attempt (journal_id, message_id, consumer, attempt, started_at, duration_ms, outcome, error, request_summary, response_summary)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM c`,
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
    const sql = `INSERT INTO delivery_attempt (journal_id, message_id, consumer, attempt, started_at, duration_ms, outcome, error, request_summary, response_summary)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
    const params = attemptParams(a);
    if (tx) await tx.query(sql, params);
    else await poolOf(this.db).query(sql, params);
  }
}

/** The ten values of a delivery_attempt row, in column order. */
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
  ];
}
