import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransientError } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { isTransientDbError, poolOf } from '../persistence/database.setup';
import type { FileTenants } from './hub-files.service';

/**
 * Which tenant's file intake took which content (`file_tenant`, one row per tenant and sha256).
 * The store is shared by content; this table is what keeps one tenant from getting content only
 * another tenant fetched. Owns all SQL on the table.
 */
@Injectable()
export class FileTenantRepository implements FileTenants {
  constructor(private readonly db: DataSource) {}

  async holds(tenant: string, sha256: string): Promise<boolean> {
    const { rows } = await this.query('SELECT 1 FROM file_tenant WHERE tenant = $1 AND sha256 = $2', [tenant, sha256]);
    return rows.length > 0;
  }

  async add(tenant: string, sha256: string): Promise<void> {
    await this.query('INSERT INTO file_tenant (tenant, sha256) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenant, sha256]);
  }

  private async query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }> {
    try {
      return await poolOf(this.db).query(sql, params);
    } catch (e) {
      if (isTransientDbError(e)) throw new TransientError(`file intake: database unavailable: ${safeError(e).message}`);
      throw e;
    }
  }
}
