import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ENV_CONFIG, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { MetricsService } from '../metrics/metrics.service';
import { JournalRepository } from '../persistence/journal.repository';
import { LeaderJob } from '../persistence/leader.job';

/**
 * Publishes outbox rows that the fast path left behind (the instance crashed between commit and
 * confirm, or the broker was away). Runs in the leader instance only. Rows younger than the
 * grace period are left to the instance that wrote them, which normally publishes within
 * milliseconds; a row published by both is a duplicate that consumers drop by message id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly job: LeaderJob;

  constructor(
    private readonly journal: JournalRepository,
    private readonly publisher: ConfirmPublisher,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.job = new LeaderJob({
      name: 'outbox-relay',
      intervalMs: config.outbox.relayIntervalMs,
      logger,
      leader: { databaseUrl: env.databaseUrl, lockName: `${env.databaseSchema}:outbox-relay` },
      onLeader: () => logger.info({ event: 'outbox.leader' }, 'this instance now relays the outbox'),
      work: () => this.relay().then(() => undefined),
    });
  }

  onApplicationBootstrap(): void {
    this.job.start();
  }

  isLeader(): boolean {
    return this.job.isLeader();
  }

  /** Relays batches until the outbox has no more old rows; returns how many were confirmed. */
  private async relay(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const n = await this.journal.relayOutbox(this.config.outbox.graceMs, this.config.outbox.batchSize, async (messages) => {
          const results = await this.publisher.publishAll(messages);
          return messages.filter((_, i) => results[i].status === 'fulfilled').map((m) => m.outboxId as string);
        });
        total += n;
        if (n < this.config.outbox.batchSize) break;
      }
    } finally {
      if (total) {
        this.metrics.relayed.inc(total);
        this.logger.info({ event: 'outbox.relayed', count: total }, 'relayed outbox messages');
      }
    }
    return total;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }
}
