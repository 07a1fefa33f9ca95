import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage } from 'amqplib';
import { AmqpClient } from './amqp.client';

/**
 * A message together with the channel it arrived on. Acks go to that channel: after a reconnect
 * the old delivery tags mean nothing (or something else) on the new channel, and the broker
 * redelivers those messages anyway, so an ack for a dead channel is dropped.
 */
export class Delivery {
  constructor(readonly msg: ConsumeMessage, private readonly channel: Channel, private readonly isLive: () => boolean) {}

  ack(): boolean {
    if (!this.isLive()) return false;
    try {
      this.channel.ack(this.msg);
      return true;
    } catch {
      return false;
    }
  }

  /** Returns the message to the queue (counts toward the quorum queue's delivery limit). */
  requeue(): boolean {
    if (!this.isLive()) return false;
    try {
      this.channel.nack(this.msg, false, true);
      return true;
    } catch {
      return false;
    }
  }
}

/** A running consumer on its own channel, re-subscribed after every reconnect. */
export class QueueConsumer {
  private wrapper?: ChannelWrapper;
  private current?: { channel: Channel; tag: string; live: boolean };
  private stopped = false;

  constructor(
    private readonly amqp: AmqpClient,
    readonly queue: string,
    private readonly prefetch: number,
    private readonly onDelivery: (d: Delivery) => void,
  ) {}

  async start(): Promise<void> {
    this.wrapper = this.amqp.createChannel(`consumer:${this.queue}`, async (channel) => {
      const state = { channel, tag: '', live: true };
      channel.once('close', () => (state.live = false));
      if (this.stopped) return;
      await channel.prefetch(this.prefetch);
      const { consumerTag } = await channel.consume(this.queue, (msg) => {
        // null means the broker cancelled the consumer (queue deleted); the channel setup re-subscribes on reconnect.
        if (msg) this.onDelivery(new Delivery(msg, channel, () => state.live));
      });
      state.tag = consumerTag;
      this.current = state;
    });
    await this.wrapper.waitForConnect();
  }

  /** Stops new deliveries; messages already delivered can still be acked. */
  async cancel(): Promise<void> {
    this.stopped = true;
    const cur = this.current;
    if (!cur || !cur.live) return;
    await cur.channel.cancel(cur.tag).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.wrapper?.close().catch(() => undefined);
  }
}
