import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { DeliveryReport, ResultEvent } from '../../contracts';
import { CaseStateService, ResultCause } from '../cases/case-state.service';
import { LOGGER } from '../config/injection.tokens';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { EventEmitter } from '../outbox/event.emitter';
import { TransactionRunner } from '../persistence/transaction.runner';
import { AdapterCursorRepository } from './adapter-cursor.repository';
import { DELIVERY_REPORTS, DeliveryReportsPort } from './delivery-reports.port';

/**
 * Commits what an adapter produced: results applied to cases and delivery reports handed to the
 * delivery port, in ONE transaction with the caller's own step (inbox claim and attempt record,
 * or the poll cursor), then publishes what that transaction emitted.
 */
@Injectable()
export class ResultCommitService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly cases: CaseStateService,
    private readonly emitter: EventEmitter,
    @Inject(DELIVERY_REPORTS) private readonly deliveries: DeliveryReportsPort,
    private readonly cursors: AdapterCursorRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Result keys of an instance committed already (the adapter's `ctx.results`). */
  knownKeys(instance: string, keys: readonly string[]): Promise<ReadonlySet<string>> {
    return this.cases.knownKeys(instance, keys);
  }

  /** Where a poller stopped reading last time. */
  cursorOf(instance: string): Promise<string | undefined> {
    return this.cursors.get(instance);
  }

  /**
   * Commits one poll: its results and the new cursor together. An idle poll (nothing found, the
   * cursor unchanged) writes nothing at all: no transaction, no journal row, no cursor update.
   */
  async commitPoll(instance: string, previous: string | undefined, results: readonly ResultEvent[], cursor: string): Promise<boolean> {
    if (!results.length && cursor === previous) return false;
    await this.commit({ instance }, results, [], async (tx) => {
      if (cursor !== previous) await this.cursors.save(tx, instance, cursor);
      return true;
    });
    return true;
  }

  /**
   * `before` runs first in the transaction; when it returns false nothing is applied (another
   * delivery already claimed the message) and the empty transaction commits as a no-op.
   */
  async commit(cause: ResultCause, results: readonly ResultEvent[], deliveries: readonly DeliveryReport[], before: (tx: PoolClient) => Promise<boolean>): Promise<void> {
    const out = await this.transactions.run(async (tx) => {
      if (!(await before(tx))) return [];
      const messages: OutgoingMessage[] = [];
      for (const r of results) {
        const applied = await this.cases.apply(tx, r, cause);
        if (applied.message) messages.push(applied.message);
        else if (applied.outcome === 'ignored')
          this.logger.info({ event: 'case.result-ignored', adapter: cause.instance, type: r.type, journalId: applied.journalId }, 'result would move the case backwards; journaled, not applied');
      }
      if (deliveries.length) messages.push(...(await this.deliveries.apply(tx, cause.instance, deliveries)));
      return messages;
    });
    await this.emitter.publish(out);
  }
}
