import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { ENV_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import { safeError } from '../logging/pii.mask';
import { EventEmitter } from '../outbox/event.emitter';
import { LeaderLock } from '../persistence/leader.lock';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { TransactionRunner } from '../persistence/transaction.runner';

/** How often overdue dispatches are looked for. */
const SWEEP_INTERVAL_MS = 1000;
/** Most provider ids asked about in one status poll. */
const POLL_BATCH = 500;

/**
 * Timers of notifications: gives up on dispatches no provider took in time or never confirmed
 * (every instance sweeps; rows are claimed with SKIP LOCKED), and asks providers that are
 * polled for statuses (TurboSMS) about sent messages, in one instance per adapter (advisory lock).
 */
@Injectable()
export class DeliverySweeper implements BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly pollers = new Map<string, { lock: LeaderLock; next: number }>();

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
    for (const p of this.runner.deliveryPollers()) this.pollers.set(p.id, { lock: new LeaderLock(this.env.databaseUrl, `${this.env.databaseSchema}:delivery-poll:${p.id}`), next: 0 });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule());
    }, SWEEP_INTERVAL_MS);
  }

  /** One round: overdue dispatches, then due status polls. */
  async tick(): Promise<void> {
    try {
      for (;;) {
        const pending = await this.tx.run((tx) => this.notifications.sweep(tx));
        await this.emitter.publish(pending);
        if (pending.length === 0) break;
      }
    } catch (e) {
      this.logger.warn({ event: 'notification.sweep-failed', error: safeError(e) }, 'sweep failed; will retry');
    }
    for (const p of this.runner.deliveryPollers()) {
      const state = this.pollers.get(p.id);
      if (!state || Date.now() < state.next) continue;
      state.next = Date.now() + p.pollIntervalMs;
      if (!(await state.lock.tryAcquire().catch(() => false))) continue;
      try {
        const ids = await this.tx.run(async (tx) => {
          const found = await this.repo.awaitingConfirmation(tx, p.id, p.pollIntervalMs, POLL_BATCH);
          await this.repo.touch(tx, p.id, found);
          return found;
        });
        if (!ids.length) continue;
        const reports = await p.adapter.pollDeliveries!(ids, AbortSignal.timeout(p.timeoutMs));
        const pending = await this.tx.run((tx) => this.notifications.applyReports(tx, p.id, reports));
        await this.emitter.publish(pending);
      } catch (e) {
        this.logger.warn({ event: 'notification.status-poll-failed', adapter: p.id, error: safeError(e) }, 'status poll failed; will retry');
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    for (const p of this.pollers.values()) await p.lock.release().catch(() => undefined);
  }
}
