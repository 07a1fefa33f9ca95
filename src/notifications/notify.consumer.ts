import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import sjson from 'secure-json-parse';
import { CloudEvent, PermanentError } from '../../contracts';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { ConsumerFactory } from '../messaging/consumer.factory';
import type { HandledConsumer } from '../messaging/handled.consumer';
import { NOTIFY_QUEUE } from '../messaging/topology.declaration';
import { MetricsService } from '../metrics/metrics.service';
import { EventEmitter } from '../outbox/event.emitter';
import { TransactionRunner } from '../persistence/transaction.runner';
import { NotificationRules } from './notification-rules.service';
/**
 * Consumes `hub.notify`: portal notification requests, link tokens, and the hub's own case events
 * (read off `cabinet.out`) which the tenant's rules turn into notifications for the applicant.
 * Each message is one transaction; a redelivered one changes nothing (notification ids are the
 * request id, or derived from the case event and template).
 */
@Injectable()
export class NotifyConsumer implements BeforeApplicationShutdown {
  private consumer?: HandledConsumer;

  constructor(
    private readonly consumers: ConsumerFactory,
    private readonly metrics: MetricsService,
    private readonly transactions: TransactionRunner,
    private readonly rules: NotificationRules,
    private readonly emitter: EventEmitter,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.consumer = await this.consumers.start(NOTIFY_QUEUE, this.config.notifications.prefetch, (m) => this.handle(m), this.logger.child({ component: 'notify' }));
  }

  async handle(msg: ConsumeMessage): Promise<void> {
    let event: CloudEvent;
    try {
      event = sjson.parse(msg.content.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }) as CloudEvent;
    } catch {
      throw new PermanentError('notification queue message is not valid JSON');
    }
    const endTx = this.metrics.notifyStep.startTimer({ step: 'planner-transaction' });
    const pending = await this.transactions.run((tx) => this.rules.process(tx, event));
    endTx();
    const endPub = this.metrics.notifyStep.startTimer({ step: 'planner-publish' });
    await this.emitter.publish(pending);
    endPub();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
