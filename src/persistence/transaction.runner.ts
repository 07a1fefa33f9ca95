import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { TransientError } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { isTransientDbError, poolOf } from './database.setup';

/** Runs work in one PostgreSQL transaction; an unreachable database is a transient failure. */
@Injectable()
export class TransactionRunner {
  constructor(private readonly db: DataSource) {}

  async run<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    const tx = await poolOf(this.db)
      .connect()
      .catch((e) => {
        throw new TransientError(`database unavailable: ${safeError(e).message}`);
      });
    try {
      await tx.query('BEGIN');
      const out = await work(tx);
      await tx.query('COMMIT');
      return out;
    } catch (e) {
      await tx.query('ROLLBACK').catch(() => undefined);
      if (isTransientDbError(e)) throw new TransientError(`database unavailable: ${safeError(e).message}`);
      throw e;
    } finally {
      tx.release();
    }
  }
}
