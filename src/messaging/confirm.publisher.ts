import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Options } from 'amqplib';
import { MetricsService } from '../ops/metrics.service';
import { AmqpClient } from './amqp.client';
import { declareTopology } from './topology';
import { TopologyPlan } from './topology.plan';

/** One message to publish. */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes with publisher confirms on its own channel (consumers have theirs). A promise
 * resolves only when the broker has taken responsibility for the message; callers decide what
 * to do on failure (the outbox keeps the row, so nothing is lost).
 *
 * The topology is declared by this channel's setup, so it exists before anything is published,
 * and again after every reconnect.
 */
@Injectable()
export class ConfirmPublisher implements OnModuleInit {
  private channel!: ChannelWrapper;

  constructor(
    private readonly amqp: AmqpClient,
    private readonly plan: TopologyPlan,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const consumers = this.plan.consumers();
    this.channel = this.amqp.createChannel('publisher', (ch) => declareTopology(ch, consumers), true, 10_000);
  }

  /** Resolves when the broker is connected and the topology is declared. */
  async ready(): Promise<void> {
    await this.channel.waitForConnect();
  }

  /** Publishes one message and waits for its confirm. */
  async publish(m: OutgoingMessage): Promise<void> {
    await this.channel.publish(m.exchange, m.routingKey, m.content, { persistent: true, ...m.options });
    this.metrics.published.inc({ exchange: m.exchange || '(default)' });
  }

  /**
   * Publishes many messages pipelined (all sent, then all confirms awaited), which is what makes
   * confirms cheap. Returns one settled result per message, in order.
   */
  async publishAll(messages: OutgoingMessage[]): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(messages.map((m) => this.publish(m)));
  }
}
