import type { ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { AckTracker } from './ack.tracker';
import { AmqpClient } from './amqp.client';

/**
 * A message together with the channel it arrived on. Acks go to that channel: after a reconnect
 * the old delivery tags mean nothing (or something else) on the new channel, and the broker
 * redelivers those messages anyway, so an ack for a dead channel is dropped.
 */
export class Delivery {
  private settled = false;

  constructor(
    readonly msg: ConsumeMessage,
    private readonly channel: Channel,
    private readonly acks: AckTracker,
    private readonly isLive: () => boolean,
  ) {}

  /** Acks (coalesced with neighbouring deliveries into one frame by the channel's AckTracker). */
  ack(): boolean {
    if (this.settled || !this.isLive()) return false;
    this.settled = true;
    try {
      this.acks.finish(this.msg.fields.deliveryTag, true);
      return true;
    } catch {
      return false;
    }
  }

  /** Returns the message to the queue (counts toward the quorum queue's delivery limit). */
  requeue(): boolean {
    if (this.settled || !this.isLive()) return false;
    this.settled = true;
    try {
      this.channel.nack(this.msg, false, true);
      this.acks.finish(this.msg.fields.deliveryTag, false);
      return true;
    } catch {
      return false;
    }
  }
}

/** Pause between the last ack and closing the channel on a graceful stop (see close()). */
const ACK_SETTLE_MS = 500;

/** A running consumer on its own channel, re-subscribed after every reconnect. */
export class QueueConsumer {
  private wrapper?: ChannelWrapper;
  private current?: { channel: Channel; tag: string; live: boolean; subscribe: () => Promise<void> };
  private stopped = false;
  /** Paused: subscribed to nothing, so messages wait in the queue (a breaker opened by hand). */
  private paused = false;

  constructor(
    private readonly amqp: AmqpClient,
    readonly queue: string,
    private readonly prefetch: number,
    private readonly onDelivery: (d: Delivery) => void,
  ) {}

  async start(): Promise<void> {
    this.wrapper = this.amqp.createChannel(`consumer:${this.queue}`, async (channel) => {
      const acks = new AckTracker((deliveryTag) => {
        if (state.live) channel.ack({ fields: { deliveryTag } } as Message, true);
      });
      const state = {
        channel,
        tag: '',
        live: true,
        subscribe: async () => {
          const { consumerTag } = await channel.consume(this.queue, (msg) => {
            // null means the broker cancelled the consumer (queue deleted); the channel setup re-subscribes on reconnect.
            if (!msg) return;
            acks.delivered(msg.fields.deliveryTag);
            this.onDelivery(new Delivery(msg, channel, acks, () => state.live));
          });
          state.tag = consumerTag;
        },
      };
      channel.once('close', () => (state.live = false));
      if (this.stopped) return;
      await channel.prefetch(this.prefetch);
      if (!this.paused) await state.subscribe();
      this.current = state;
    });
    await this.wrapper.waitForConnect();
  }

  /** Stops new deliveries until {@link resume}; messages already delivered can still be acked. */
  async pause(): Promise<void> {
    this.paused = true;
    const cur = this.current;
    if (!cur?.live || !cur.tag) return;
    const tag = cur.tag;
    cur.tag = '';
    await cur.channel.cancel(tag).catch(() => undefined);
  }

  /** Subscribes again after {@link pause}. */
  async resume(): Promise<void> {
    this.paused = false;
    const cur = this.current;
    if (this.stopped || !cur?.live || cur.tag) return;
    await cur.subscribe().catch(() => undefined);
  }

  /** Stops new deliveries; messages already delivered can still be acked. */
  async cancel(): Promise<void> {
    this.stopped = true;
    const cur = this.current;
    if (!cur || !cur.live || !cur.tag) return;
    await cur.channel.cancel(cur.tag).catch(() => undefined);
  }

  async close(): Promise<void> {
    const cur = this.current;
    // Acks sent just before a channel closes can be ignored by quorum queues
    // (rabbitmq/rabbitmq-server#10327): those messages come back redelivered, are recognised as
    // duplicates and cost nothing but a repeated routed copy. To make that rare on a graceful
    // stop: one round trip on the channel (the broker has read every earlier ack), then a short
    // pause for the queue to apply them.
    if (cur?.live) {
      await cur.channel.checkQueue(this.queue).catch(() => undefined);
      await new Promise((r) => setTimeout(r, ACK_SETTLE_MS));
    }
    await this.wrapper?.close().catch(() => undefined);
  }
}
