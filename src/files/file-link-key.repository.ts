import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TransientError } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { isTransientDbError, poolOf } from '../persistence/database.setup';

/**
 * The generated key of download links (`file_link_key`, one row), for a hub whose configuration
 * gives none: made once by whichever instance asks first, then read by all, so links survive
 * restarts and verify on every instance. Owns all SQL on the table.
 */
@Injectable()
export class FileLinkKeyRepository {
  constructor(private readonly db: DataSource) {}

  /** The key, creating it on first use (two instances racing both end up with the one that won). */
  async key(): Promise<Buffer> {
    const pool = poolOf(this.db);
    try {
      await pool.query('INSERT INTO file_link_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32)]);
      // A separate statement: its snapshot sees the row a concurrent winner committed.
      const { rows } = await pool.query<{ key: Buffer }>('SELECT key FROM file_link_key WHERE id = 1');
      return rows[0].key;
    } catch (e) {
      if (isTransientDbError(e)) throw new TransientError(`download link key: database unavailable: ${safeError(e).message}`);
      throw e;
    }
  }
}
