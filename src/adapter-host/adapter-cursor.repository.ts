import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../persistence/database.setup';

/** Owner of the `adapter_cursor` table: where each polling adapter instance stopped reading. */
@Injectable()
export class AdapterCursorRepository {
  constructor(private readonly db: DataSource) {}

  async get(instance: string): Promise<string | undefined> {
    const r = await poolOf(this.db).query<{ cursor: string | null }>('SELECT cursor FROM adapter_cursor WHERE instance = $1', [instance]);
    return r.rows[0]?.cursor ?? undefined;
  }

  async save(tx: PoolClient, instance: string, cursor: string): Promise<void> {
    await tx.query(`INSERT INTO adapter_cursor (instance, cursor) VALUES ($1, $2) ON CONFLICT (instance) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`, [instance, cursor]);
  }
}
