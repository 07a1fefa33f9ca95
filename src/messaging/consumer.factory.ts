import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service';
import { AmqpClient } from './amqp.client';
import { ConfirmPublisher } from './confirm.publisher';
import { FailureRouter } from './failure.router';
import { HandledConsumer, MessageHandler } from './handled.consumer';
import { TopologyPlan } from './topology.plan';

/**
 * Makes consumers of the queues the topology plans, with the hub's error behaviour (retry
 * queues, DLQ with the reason). What consumers need from the broker layer, in one place, so
 * that a component that consumes a queue needs one collaborator for it, not five.
 */
@Injectable()
export class ConsumerFactory {
  constructor(
    private readonly amqp: AmqpClient,
    private readonly failures: FailureRouter,
    private readonly metrics: MetricsService,
    private readonly plan: TopologyPlan,
    private readonly publisher: ConfirmPublisher,
  ) {}

  /** Resolves once the broker is connected and the topology declared. */
  ready(): Promise<void> {
    return this.publisher.ready();
  }

  /** A started consumer of `queue`, or undefined when the topology plans no such queue. */
  async start(queue: string, prefetch: number, handler: MessageHandler, logger: Logger): Promise<HandledConsumer | undefined> {
    const spec = this.plan.consumers().find((c) => c.queue === queue);
    if (!spec) return undefined;
    const consumer = new HandledConsumer(this.amqp, this.failures, this.metrics, spec, prefetch, handler, logger);
    await consumer.start();
    return consumer;
  }
}
