import { Injectable } from '@nestjs/common';
import type { Options } from 'amqplib';
import { DataSource } from 'typeorm';

/** An outbox row ready to publish. */
export interface PendingMessage {
  id: string;
  exchange: string;
  routingKey: string;
  properties: Options.Publish;
  content: Buffer;
}

/** The relay's view of the outbox: rows the fast path did not finish (crash, broker outage). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Locks up to `limit` rows older than `graceMs`, hands them to `publish`, and deletes the ones
   * it reports as confirmed, all in one transaction. SKIP LOCKED keeps a second relay (during a
   * leadership hand-over) off the same rows.
   */
  async relayBatch(graceMs: number, limit: number, publish: (rows: PendingMessage[]) => Promise<string[]>): Promise<number> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows: { id: string; exchange: string; routing_key: string; properties: Options.Publish; payload: Buffer }[] = await runner.query(
        `SELECT o.id::text AS id, o.exchange, o.routing_key, o.properties, o.payload
           FROM outbox o
          WHERE o.created_at < now() - make_interval(secs => $1::double precision / 1000)
          ORDER BY o.id
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [graceMs, limit],
      );
      if (!rows.length) {
        await runner.commitTransaction();
        return 0;
      }
      const done = await publish(rows.map((r) => ({ id: r.id, exchange: r.exchange, routingKey: r.routing_key, properties: r.properties, content: r.payload })));
      if (done.length) await runner.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
      await runner.commitTransaction();
      return done.length;
    } catch (e) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw e;
    } finally {
      await runner.release();
    }
  }
}
