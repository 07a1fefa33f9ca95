import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Channel, ConfirmChannel } from 'amqplib';
import type { Logger } from 'pino';
import type { Socket } from 'node:net';
import { batchSocketWrites } from './socket.batching';
import { ENV_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import { safeError } from '../logging/pii.mask';

/**
 * The one broker connection of the process. amqp-connection-manager reconnects with backoff and
 * re-runs every channel's setup (topology, consumers) after a reconnect, so consumers come back
 * by themselves.
 */
@Injectable()
export class AmqpClient implements OnApplicationShutdown {
  readonly manager: AmqpConnectionManager;
  private readonly channels: ChannelWrapper[] = [];

  /** The broker user the hub connects as (RabbitMQ checks a published user_id against it). */
  readonly user: string;

  constructor(
    @Inject(ENV_CONFIG) env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.user = decodeURIComponent(new URL(env.rabbitmqUrl).username) || 'guest';
    this.manager = amqp.connect([env.rabbitmqUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
      // amqplib leaves Nagle's algorithm on by default; with delayed ACKs that adds ~40 ms to every lone message.
      connectionOptions: { noDelay: true, clientProperties: { connection_name: `cabinet-hub ${env.instanceId}` } },
    });
    this.manager.on('connect', ({ connection }) => {
      batchSocketWrites((connection as unknown as { connection?: { stream?: Socket } }).connection?.stream);
      this.logger.info({ event: 'amqp.connected' }, 'broker connected');
    });
    this.manager.on('disconnect', ({ err }) => this.logger.warn({ event: 'amqp.disconnected', error: safeError(err) }, 'broker connection lost'));
    this.manager.on('connectFailed', ({ err }) => this.logger.warn({ event: 'amqp.connect-failed', error: safeError(err) }, 'broker connection failed'));
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  /** A channel whose `setup` runs now and after every reconnect. */
  createChannel(name: string, setup: (ch: Channel | ConfirmChannel) => Promise<void>, confirm = false, publishTimeout?: number): ChannelWrapper {
    const wrapper = this.manager.createChannel({ name, confirm, json: false, setup, publishTimeout });
    wrapper.on('error', (err) => this.logger.warn({ event: 'amqp.channel-error', channel: name, error: safeError(err) }, 'channel error'));
    this.channels.push(wrapper);
    return wrapper;
  }

  /** Channels close before the connection: closing the connection first would requeue in-flight work. */
  async onApplicationShutdown(): Promise<void> {
    for (const ch of this.channels.splice(0)) await ch.close().catch(() => undefined);
    await this.manager.close().catch(() => undefined);
  }
}
