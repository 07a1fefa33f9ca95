import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { safeError } from '../logging/pii.mask';
import { MetricsService } from '../metrics/metrics.service';
import { AmqpClient } from './amqp.client';
import { FailureRouter } from './failure.router';
import { Delivery, QueueConsumer } from './queue.consumer';
import { ConsumerQueueSpec } from './topology.declaration';

/**
 * Thrown by a handler that did not start the work and gives the message back to its queue
 * unchanged (no retry tier, no attempt counted): a consumer paused while the message waited in
 * the handler, e.g. a breaker opened by hand when the hub stops.
 */
export class GiveBack extends Error {}

/** Does the work for one message; throws TransientError / PermanentError (from contracts) on failure, or {@link GiveBack}. */
export type MessageHandler = (msg: ConsumeMessage) => Promise<void>;

/**
 * A consumer with the hub's error behaviour: the handler runs for each message (up to
 * `prefetch` at once); success acks, failure goes through the {@link FailureRouter} (retry
 * queue or DLQ with the reason, then ack). Stopping cancels deliveries and waits for the
 * handlers already running.
 */
export class HandledConsumer {
  private readonly consumer: QueueConsumer;
  private readonly running = new Set<Promise<void>>();

  constructor(
    amqp: AmqpClient,
    private readonly failures: FailureRouter,
    private readonly metrics: MetricsService,
    private readonly spec: ConsumerQueueSpec,
    prefetch: number,
    private readonly handler: MessageHandler,
    private readonly logger: Logger,
  ) {
    this.consumer = new QueueConsumer(amqp, spec.queue, prefetch, (d) => this.onDelivery(d));
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  private onDelivery(d: Delivery): void {
    this.metrics.consumed.inc({ queue: this.spec.queue });
    const task: Promise<void> = this.handler(d.msg)
      .then(
        () => void d.ack(),
        async (err) => {
          if (err instanceof GiveBack) return void d.requeue();
          const decision = await this.failures.fail(d, this.spec, err);
          this.logger.warn(
            {
              event: 'consumer.failed',
              queue: this.spec.queue,
              messageId: d.msg.properties.messageId,
              correlationId: d.msg.properties.correlationId,
              journalId: d.msg.properties.headers?.['x-hub-journal-id'],
              decision: decision.action,
              attempt: decision.attempt,
              error: safeError(err),
            },
            'message handling failed',
          );
        },
      )
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** No new deliveries until {@link resume}: messages wait in the queue. */
  pause(): Promise<void> {
    return this.consumer.pause();
  }

  resume(): Promise<void> {
    return this.consumer.resume();
  }

  async stop(): Promise<void> {
    await this.consumer.cancel();
    await Promise.allSettled([...this.running]);
    await this.consumer.close();
  }
}
