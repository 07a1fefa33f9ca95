import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { ENV_CONFIG, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { safeError } from '../logging/pii.mask';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { MetricsService } from '../metrics/metrics.service';
import { OutboxRepository } from '../persistence/outbox.repository';
import { LeaderLock } from '../persistence/leader.lock';

/**
 * Publishes outbox rows that the fast path left behind (the instance crashed between commit and
 * confirm, or the broker was away). Runs in the leader instance only. Rows younger than the
 * grace period are left to the instance that wrote them, which normally publishes within
 * milliseconds; a row published by both is a duplicate that consumers drop by message id.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly lock: LeaderLock;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly publisher: ConfirmPublisher,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.lock = new LeaderLock(env.databaseUrl, `${env.databaseSchema}:outbox-relay`);
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  isLeader(): boolean {
    return this.lock.isHeld();
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().then(() => undefined).finally(() => this.schedule(this.config.outbox.relayIntervalMs));
    }, delay);
  }

  /** One relay round; exposed for tests. */
  async tick(): Promise<number> {
    const wasLeader = this.lock.isHeld();
    if (!(await this.lock.tryAcquire())) return 0;
    if (!wasLeader) this.logger.info({ event: 'outbox.leader' }, 'this instance now relays the outbox');
    let total = 0;
    try {
      for (;;) {
        const n = await this.outbox.relayBatch(this.config.outbox.graceMs, this.config.outbox.batchSize, async (rows) => {
          const results = await this.publisher.publishAll(
            rows.map((r) => ({ exchange: r.exchange, routingKey: r.routingKey, content: r.content, options: r.properties })),
          );
          return rows.filter((_, i) => results[i].status === 'fulfilled').map((r) => r.id);
        });
        total += n;
        if (n < this.config.outbox.batchSize || this.stopped) break;
      }
    } catch (e) {
      this.logger.warn({ event: 'outbox.relay-failed', error: safeError(e) }, 'outbox relay round failed; will retry');
    }
    if (total) {
      this.metrics.relayed.inc(total);
      this.logger.info({ event: 'outbox.relayed', count: total }, 'relayed outbox messages');
    }
    return total;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.lock.release();
  }
}
