import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PermanentError } from '../../contracts';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { safeError } from '../logging/pii.mask';
import { AmqpClient } from '../messaging/amqp.client';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { Delivery, QueueConsumer } from '../messaging/queue.consumer';
import { FailureRouter } from '../messaging/failure.router';
import { ConsumerQueueSpec, INGRESS_QUEUE } from '../messaging/topology.declaration';
import { TopologyPlan } from '../messaging/topology.plan';
import { MetricsService } from '../metrics/metrics.service';
import { isTransientDbError } from '../persistence/database.setup';
import { InboundMessage, IngressPipeline } from './ingress.pipeline';

interface Pending {
  delivery: Delivery;
  msg: InboundMessage;
}

/**
 * Consumes cabinet.in (through hub.ingress) and feeds the pipeline in batches: whatever arrived
 * while earlier batches were being written forms the next batch (group commit), so a lone
 * message is written at once and a flood is written a few hundred at a time.
 *
 * Error paths are explicit: a database outage holds the batch and retries it in process (the
 * messages stay unacked, prefetch stops the flow) instead of requeueing, which would burn the
 * quorum queue's delivery limit; a message the database refuses for itself is isolated and sent
 * to hub.ingress.dlq with the reason, then acked.
 */
@Injectable()
export class IngressConsumer implements BeforeApplicationShutdown {
  private consumer?: QueueConsumer;
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private readonly publishing = new Set<Promise<void>>();
  private stopping = false;
  private drained?: () => void;

  constructor(
    private readonly amqp: AmqpClient,
    private readonly pipeline: IngressPipeline,
    private readonly publisher: ConfirmPublisher,
    private readonly failures: FailureRouter,
    private readonly plan: TopologyPlan,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts consuming once the topology exists (the publisher channel declares it). */
  async start(): Promise<void> {
    await this.publisher.ready();
    for (const w of this.pipeline.rights.warnings()) this.logger.warn({ event: 'ingress.publishers-unbound' }, w);
    this.consumer = new QueueConsumer(this.amqp, INGRESS_QUEUE, this.config.ingress.prefetch, (d) => this.onDelivery(d));
    await this.consumer.start();
  }

  private onDelivery(delivery: Delivery): void {
    this.metrics.consumed.inc({ queue: INGRESS_QUEUE });
    const props = delivery.msg.properties;
    const messageId = typeof props.messageId === 'string' && props.messageId.length <= 256 && !props.messageId.includes('\u0000') ? props.messageId : undefined;
    // user_id is checked by the broker against the connection's user: it names the publisher.
    const publisher = this.pipeline.rights.forAmqp(props.userId, props.headers, this.amqp.user);
    this.pending.push({
      delivery,
      msg: { body: delivery.msg.content, contentType: props.contentType, messageId, redelivered: delivery.msg.fields.redelivered, via: 'amqp', arrivedAt: process.hrtime.bigint(), publisher },
    });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.config.ingress.maxConcurrentBatches && this.pending.length) {
      const batch = this.pending.splice(0, this.config.ingress.maxBatch);
      this.inFlight++;
      this.run(batch)
        .catch((e) => this.logger.error({ event: 'ingress.batch-failed', error: safeError(e) }, 'ingress batch failed'))
        .finally(() => {
          this.inFlight--;
          this.pump();
          if (this.inFlight === 0 && this.pending.length === 0) this.drained?.();
        });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    for (const p of batch) this.metrics.batchWait.observe(Number(started - p.msg.arrivedAt) / 1e9);
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await this.pipeline.store(batch.map((p) => p.msg));
        // Publishing overlaps the next batch's write; the cap keeps memory bounded when the broker is slow.
        const task: Promise<void> = this.pipeline
          .publish(stored)
          .then((confirmed) => {
            const now = process.hrtime.bigint();
            const unconfirmed = confirmed.filter((c) => !c).length;
            if (unconfirmed) this.logger.warn({ event: 'ingress.copies-unconfirmed', count: unconfirmed }, 'routed copies not confirmed; returning those messages to the queue');
            batch.forEach((p, i) => {
              // Acked only once its routed copies are confirmed; otherwise it comes back and is re-copied.
              if (confirmed[i]) p.delivery.ack();
              else p.delivery.requeue();
              this.metrics.ingressLatency.observe(Number(now - p.msg.arrivedAt) / 1e9);
            });
          })
          .finally(() => this.publishing.delete(task));
        this.publishing.add(task);
        while (this.publishing.size > MAX_PUBLISHING_BATCHES) await Promise.race(this.publishing);
        return;
      } catch (e) {
        if (isTransientDbError(e)) {
          this.metrics.storeRetries.inc();
          if (attempt % 10 === 0) this.logger.warn({ event: 'ingress.store-retry', attempt, error: safeError(e) }, 'journal write failed; holding the batch and retrying');
          if (this.stopping && attempt >= 3) {
            // Shutting down with the database away: give the messages back rather than hang.
            batch.forEach((p) => p.delivery.requeue());
            return;
          }
          await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)) * (0.8 + Math.random() * 0.4));
          continue;
        }
        if (batch.length > 1) {
          // Find the message the database refuses: the others must not share its fate.
          for (const p of batch) await this.run([p]);
          return;
        }
        await this.deadLetter(batch[0], e);
        return;
      }
    }
  }

  /** A message the database refuses on its own goes to hub.ingress.dlq with the reason (the same error path as every consumer). */
  private async deadLetter(p: Pending, err: unknown): Promise<void> {
    const reason = safeError(err);
    const spec = this.plan.consumers().find((c) => c.queue === INGRESS_QUEUE) as ConsumerQueueSpec;
    await this.failures.fail(p.delivery, spec, new PermanentError(`journal write refused${reason.code ? ` (${reason.code})` : ''}: ${reason.message}`));
    this.logger.error({ event: 'ingress.dead-lettered', err: reason }, 'message could not be journaled; moved to the dead-letter queue');
  }

  /** Graceful shutdown: stop deliveries, finish every batch already delivered, then let channels close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.cancel();
    if (this.inFlight || this.pending.length) await new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.allSettled([...this.publishing]);
    await this.pipeline.flush();
    await this.consumer?.close();
  }
}

/** Batches whose routed copies may be awaiting confirms at once. */
const MAX_PUBLISHING_BATCHES = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
