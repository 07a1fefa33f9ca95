import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { TransientError } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { isTransientDbError, poolOf } from './database.setup';

/**
 * Runs `work` in one transaction on a client of its own. Errors pass through as the database gave
 * them, and a client whose transaction failed is destroyed, never pooled: it may have lost its
 * connection (a restart, a terminated backend).
 */
export async function inTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  const tx = await pool.connect();
  let failed: Error | undefined;
  try {
    await tx.query(begin);
    const out = await work(tx);
    await tx.query('COMMIT');
    return out;
  } catch (e) {
    failed = e as Error;
    await tx.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    tx.release(failed);
  }
}

/** Runs work in one PostgreSQL transaction; an unreachable database is a transient failure. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly db: DataSource) {}

  async run<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return this.within(work, 'BEGIN');
  }

  /**
   * Runs reads in one read-only snapshot (REPEATABLE READ): several statements see the database
   * as of one moment, so a view built from two tables never mixes before and after a change.
   */
  async snapshot<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return this.within(work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  private async within<T>(work: (tx: PoolClient) => Promise<T>, begin: string): Promise<T> {
    try {
      return await inTransaction(poolOf(this.db), work, begin);
    } catch (e) {
      if (isTransientDbError(e)) throw new TransientError(`database unavailable: ${safeError(e).message}`);
      throw e;
    }
  }
}
