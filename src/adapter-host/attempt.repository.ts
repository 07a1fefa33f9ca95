import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';

/** One try to hand a message to an external system. */
export interface AttemptRecord {
  journalId?: string;
  messageId: string;
  consumer: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: 'ok' | 'transient' | 'permanent' | 'duplicate';
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
    const rows = await this.db.query('SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = $2', [consumer, messageId]);
    return rows.length > 0;
  }

  /** Claims `messageId` for `consumer` inside a transaction; false when another delivery already did. */
  async claim(tx: PoolClient, consumer: string, messageId: string): Promise<boolean> {
    const res = await tx.query('INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [consumer, messageId]);
    return res.rowCount === 1;
  }

  async record(a: AttemptRecord, tx?: PoolClient): Promise<void> {
    const sql = `INSERT INTO delivery_attempt (journal_id, message_id, consumer, attempt, started_at, duration_ms, outcome, error, request_summary, response_summary)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
    const params = [a.journalId ?? null, a.messageId, a.consumer, a.attempt, a.startedAt, a.durationMs, a.outcome, a.error ?? null, a.requestSummary ? JSON.stringify(a.requestSummary) : null, a.responseSummary ? JSON.stringify(a.responseSummary) : null];
    if (tx) await tx.query(sql, params);
    else await this.db.query(sql, params);
  }
}
