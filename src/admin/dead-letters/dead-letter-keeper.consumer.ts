import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { TransientError } from '../../../contracts';
import { HUB_CONFIG, LOGGER } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { CaseRepository } from '../../cases/case.repository';
import { safeError } from '../../logging/pii.mask';
import { AmqpClient } from '../../messaging/amqp.client';
import { ConfirmPublisher } from '../../messaging/confirm.publisher';
import { Delivery, QueueConsumer } from '../../messaging/queue.consumer';
import { dlqName } from '../../messaging/topology.declaration';
import { TopologyPlan } from '../../messaging/topology.plan';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { UNKNOWN_TENANT_ID } from '../../config/hub-config.loader';
import { deadLetterOf } from './dead-letter.mapper';
import { DeadLetterRepository } from './dead-letter.repository';

/** Unacked DLQ messages one keeper holds per queue while the database is away. */
const PREFETCH = 20;
/** Backoff while the database is away: first pause and longest pause. */
const RETRY_MS = { first: 500, max: 15_000 } as const;

/**
 * The dead-letter keeper: consumes every `*.dlq` queue the topology declares and moves each
 * message into `dead_letter`, acking only after the row committed. The insert is idempotent on
 * the letter's keep key, so a redelivery (a crash before the ack, a competing hub instance) is
 * stored once; several instances may run keepers side by side.
 *
 * While the database is away the message is held unacked and the insert retried in process with
 * backoff, not nacked: a requeue would be redelivered at once (to this or a competing keeper) and
 * spin the broker and the CPU for as long as the outage lasts, while an unacked message is just as
 * safe (a crash or a closed channel returns it to the DLQ). At most PREFETCH messages per queue
 * wait that way; the rest stay in the DLQ.
 */
@Injectable()
export class DeadLetterKeeper implements BeforeApplicationShutdown {
  private readonly consumers: QueueConsumer[] = [];
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly amqp: AmqpClient,
    private readonly publisher: ConfirmPublisher,
    private readonly plan: TopologyPlan,
    private readonly tx: TransactionRunner,
    private readonly repo: DeadLetterRepository,
    private readonly cases: CaseRepository,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts one consumer per DLQ, unless `deadLetters.keep` is false. */
  async start(): Promise<void> {
    if (!this.config.deadLetters.keep) return;
    await this.publisher.ready();
    for (const spec of this.plan.consumers()) {
      const dlq = dlqName(spec.queue);
      const c = new QueueConsumer(this.amqp, dlq, PREFETCH, (d) => this.track(this.onDelivery(dlq, d)));
      await c.start();
      this.consumers.push(c);
    }
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private async onDelivery(dlq: string, d: Delivery): Promise<void> {
    const letter = deadLetterOf(dlq, d.msg, Object.keys(this.config.tenants));
    for (let pause: number = RETRY_MS.first; ; pause = Math.min(pause * 2, RETRY_MS.max)) {
      try {
        const stored = await this.tx.run(async (tx) => {
          const caseId = letter.caseRef && letter.tenant !== UNKNOWN_TENANT_ID ? await this.cases.idOf(tx, letter.tenant, letter.caseRef) : undefined;
          return this.repo.keep(tx, { ...letter, ...(caseId ? { caseId } : {}) });
        });
        d.ack();
        this.logger.info(
          { event: 'dead-letter.kept', queue: letter.queue, tenant: letter.tenant, messageId: letter.messageId, repeat: !stored },
          stored ? 'dead letter kept' : 'dead letter already kept',
        );
        return;
      } catch (e) {
        if (this.stopping) return; // unacked: the broker gives it back to the DLQ when the channel closes
        if (!(e instanceof TransientError)) {
          // A row PostgreSQL refuses for good (it should not happen: the values are made storable).
          // Leave it in the DLQ for rabbitmqctl rather than lose it; nacking would loop it.
          this.logger.error({ event: 'dead-letter.unstorable', queue: letter.queue, error: safeError(e) }, 'dead letter could not be stored; it stays unacked in the DLQ');
          return;
        }
        this.logger.warn({ event: 'dead-letter.keep-retry', queue: letter.queue, pauseMs: pause, error: safeError(e) }, 'database unavailable; holding the dead letter and retrying');
        await new Promise((r) => setTimeout(r, pause));
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const c of this.consumers) await c.cancel();
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, RETRY_MS.max))]);
    for (const c of this.consumers) await c.close();
  }
}
