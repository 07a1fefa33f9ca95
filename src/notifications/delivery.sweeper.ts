import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Adapter } from '../../contracts';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { ENV_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import { EventEmitter } from '../outbox/event.emitter';
import { LeaderJob } from '../persistence/leader.job';
import { TransactionRunner } from '../persistence/transaction.runner';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';

/** How often overdue dispatches are looked for. */
const SWEEP_INTERVAL_MS = 1000;
/** Most provider ids asked about in one status poll. */
const POLL_BATCH = 500;

/**
 * Timers of notifications: gives up on dispatches no provider took in time or never confirmed
 * (every instance sweeps; rows are claimed with SKIP LOCKED), and asks providers that are
 * polled for statuses (TurboSMS) about sent messages, in one instance per adapter.
 */
@Injectable()
export class DeliverySweeper implements BeforeApplicationShutdown {
  private readonly jobs: LeaderJob[] = [];

  constructor(
    private readonly runner: AdapterRunner,
    private readonly notifications: NotificationService,
    private readonly repo: NotificationRepository,
    private readonly tx: TransactionRunner,
    private readonly emitter: EventEmitter,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    this.jobs.push(new LeaderJob({ name: 'notification-sweep', intervalMs: SWEEP_INTERVAL_MS, logger: this.logger, work: () => this.sweep() }));
    for (const p of this.runner.deliveryPollers()) {
      this.jobs.push(
        new LeaderJob({
          name: `delivery-poll:${p.id}`,
          intervalMs: p.pollIntervalMs,
          logger: this.logger,
          leader: { databaseUrl: this.env.databaseUrl, lockName: `${this.env.databaseSchema}:delivery-poll:${p.id}` },
          work: () => this.pollStatuses(p),
        }),
      );
    }
    for (const j of this.jobs) j.start(SWEEP_INTERVAL_MS);
  }

  /** Overdue dispatches, a batch at a time until none is left. */
  private async sweep(): Promise<void> {
    for (;;) {
      const pending = await this.tx.run((tx) => this.notifications.sweep(tx));
      await this.emitter.publish(pending);
      if (pending.length === 0) break;
    }
  }

  /** Asks a provider about sent, unconfirmed messages and applies what it says. */
  private async pollStatuses(p: { id: string; adapter: Adapter; pollIntervalMs: number; timeoutMs: number }): Promise<void> {
    const ids = await this.tx.run(async (tx) => {
      const found = await this.repo.awaitingConfirmation(tx, p.id, p.pollIntervalMs, POLL_BATCH);
      await this.repo.touch(tx, p.id, found);
      return found;
    });
    if (!ids.length) return;
    const reports = await p.adapter.pollDeliveries!(ids, AbortSignal.timeout(p.timeoutMs));
    const pending = await this.tx.run((tx) => this.notifications.applyReports(tx, p.id, reports));
    await this.emitter.publish(pending);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.stop()));
  }
}
