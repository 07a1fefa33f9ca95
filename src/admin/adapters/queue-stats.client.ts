import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { AmqpClient } from '../../messaging/amqp.client';

/** A queue's ready messages and consumers, as the broker counts them now; undefined when it could not say. */
export interface QueueStats {
  messages: number;
  consumers: number;
}

/**
 * Reads queue depths for the console with passive declares (`checkQueue`) on a channel of its
 * own: a missing queue makes the broker close the channel it was asked on, and amqp-connection-
 * manager opens it again, so no consumer or publisher is disturbed. The checks run one after the
 * other for the same reason (one closed channel fails every request in flight on it).
 */
@Injectable()
export class QueueStatsClient implements OnModuleDestroy {
  private channel?: ChannelWrapper;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly amqp: AmqpClient) {}

  /** Stats of each queue (same order); undefined for one the broker did not answer for. */
  async stats(queues: readonly string[]): Promise<(QueueStats | undefined)[]> {
    const run = this.queue.then(async () => {
      const ch = (this.channel ??= this.amqp.createChannel('admin:queue-stats', async () => undefined));
      const out: (QueueStats | undefined)[] = [];
      for (const q of queues) {
        if (!this.amqp.isConnected()) {
          out.push(undefined);
          continue;
        }
        const r = await Promise.race([ch.checkQueue(q).catch(() => undefined), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2000).unref())]);
        out.push(r ? { messages: r.messageCount, consumers: r.consumerCount } : undefined);
      }
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onModuleDestroy(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
  }
}
