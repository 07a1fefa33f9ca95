import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { poolOf } from '../persistence/database.setup';

/** A breaker held by hand, hub-wide: every hub instance's runner follows it. */
export interface AdapterOverride {
  adapterId: string;
  /** true: opened by hand (nothing goes out); false: closed by hand (back to automatic). */
  forcedOpen: boolean;
  /** Counts changes; a runner applies a row whose version it has not seen yet. */
  version: number;
  actor: string;
  reason: string;
  changedAt: Date;
}

type Row = { adapter_id: string; forced_open: boolean; version: string; actor: string; reason: string; changed_at: Date };

const of = (r: Row): AdapterOverride => ({ adapterId: r.adapter_id, forcedOpen: r.forced_open, version: Number(r.version), actor: r.actor, reason: r.reason, changedAt: r.changed_at });

/** Owner of `adapter_override`: breakers opened or closed by hand. */
@Injectable()
export class AdapterOverrideRepository {
  constructor(private readonly db: DataSource) {}

  /** Every override (a handful of rows: one per adapter instance ever held by hand). */
  async all(tx?: PoolClient): Promise<AdapterOverride[]> {
    const r = await (tx ?? poolOf(this.db)).query<Row>('SELECT adapter_id, forced_open, version::text AS version, actor, reason, changed_at FROM adapter_override ORDER BY adapter_id');
    return r.rows.map(of);
  }

  /** The override of an instance, locked until the transaction ends (two operators acting at once are serialised). */
  async lock(tx: PoolClient, adapterId: string): Promise<AdapterOverride | undefined> {
    const r = await tx.query<Row>('SELECT adapter_id, forced_open, version::text AS version, actor, reason, changed_at FROM adapter_override WHERE adapter_id = $1 FOR UPDATE', [adapterId]);
    return r.rows[0] ? of(r.rows[0]) : undefined;
  }

  /** Writes a manual opening or closing; the version moves on so that every runner applies it. */
  async set(tx: PoolClient, o: { adapterId: string; forcedOpen: boolean; actor: string; reason: string }): Promise<AdapterOverride> {
    const r = await tx.query<Row>(
      `INSERT INTO adapter_override (adapter_id, forced_open, version, actor, reason, changed_at) VALUES ($1, $2, 1, $3, $4, now())
       ON CONFLICT (adapter_id) DO UPDATE SET forced_open = EXCLUDED.forced_open, version = adapter_override.version + 1, actor = EXCLUDED.actor, reason = EXCLUDED.reason, changed_at = now()
       RETURNING adapter_id, forced_open, version::text AS version, actor, reason, changed_at`,
      [o.adapterId, o.forcedOpen, o.actor, o.reason],
    );
    return of(r.rows[0]);
  }
}
