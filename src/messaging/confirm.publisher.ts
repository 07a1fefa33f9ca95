import { Injectable, OnModuleInit } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, Options } from 'amqplib';
import { MetricsService } from '../metrics/metrics.service';
import { AmqpClient } from './amqp.client';
import { declareTopology } from './topology.declaration';
import { TopologyPlan } from './topology.plan';

/**
 * One message to publish: the only type for an outgoing message in the hub. `outboxId` is set
 * when an outbox row keeps the message until the broker confirms it (events the hub emits);
 * routed copies have none (their unacked source message is the durable record).
 */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
  outboxId?: string;
}

/**
 * Publishes with publisher confirms on its own channel (consumers have theirs). A promise
 * resolves only when the broker has taken responsibility for the message, and rejects at once
 * while the broker is away: callers keep what they could not publish (the outbox row stays for
 * the relay; HTTP answers 503), instead of this class buffering messages in memory and
 * resending them after a reconnect, which would lose them in a crash and duplicate them otherwise.
 *
 * The topology is declared by this channel's setup, so it exists before anything is published,
 * and again after every reconnect.
 */
@Injectable()
export class ConfirmPublisher implements OnModuleInit {
  private wrapper!: ChannelWrapper;
  private channel?: ConfirmChannel;

  constructor(
    private readonly amqp: AmqpClient,
    private readonly plan: TopologyPlan,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const consumers = this.plan.consumers();
    this.wrapper = this.amqp.createChannel(
      'publisher',
      async (ch) => {
        await declareTopology(ch, consumers);
        const confirm = ch as ConfirmChannel;
        this.channel = confirm;
        confirm.once('close', () => {
          if (this.channel === confirm) this.channel = undefined;
        });
      },
      true,
    );
  }

  /** Resolves when the broker is connected and the topology is declared. */
  async ready(): Promise<void> {
    await this.wrapper.waitForConnect();
  }

  /** Publishes one message and waits for its confirm; rejects if the broker is not connected or nacks. */
  publish(m: OutgoingMessage): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const ch = this.channel;
      if (!ch) return reject(new Error('broker not connected'));
      try {
        ch.publish(m.exchange, m.routingKey, m.content, { persistent: true, ...m.options }, (err) => {
          if (err) return reject(err instanceof Error ? err : new Error(String(err)));
          this.metrics.published.inc({ exchange: m.exchange || '(default)' });
          resolve();
        });
      } catch (e) {
        reject(e);
      }
    });
  }

  /**
   * Publishes many messages pipelined (all sent, then all confirms awaited), which is what makes
   * confirms cheap. Returns one settled result per message, in order.
   */
  async publishAll(messages: OutgoingMessage[]): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(messages.map((m) => this.publish(m)));
  }
}
