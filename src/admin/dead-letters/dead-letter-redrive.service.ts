import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { CaseRepository } from '../../cases/case.repository';
import { ENV_CONFIG, HUB_CONFIG, LOGGER } from '../../config/injection.tokens';
import type { EnvConfig } from '../../config/env.config';
import type { HubConfig } from '../../config/hub-config.schema';
import { safeError } from '../../logging/pii.mask';
import { LeaderJob } from '../../persistence/leader.job';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminDenied } from '../auth/admin.guard';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';

/** Longest stretch one round works on plans before it lets the schedule (and a stop) in. */
const SLICE_MS = 5_000;

/** What one step of a plan did. */
export type StepOutcome = 'redriven' | 'skipped' | 'ended' | 'failed';

/**
 * Runs the started redrive plans: one hub instance at a time (a PostgreSQL leader lock, like the
 * outbox relay), resuming whatever plan is `running` after a restart or a failover, since the
 * plan's position lives in its row.
 *
 * One letter per transaction: the plan row is locked (a cancel from any instance waits for the
 * letter in flight, and the next step sees it cancelled), the letter is locked and published with
 * a confirm, then marked redriven, its redrive count raised, the plan moved on and an audit line
 * written, all in one commit. A crash after the confirm and before the commit sends that one
 * letter again on resume: the consumers' own idempotency absorbs it (the adapter inbox keyed on
 * x-hub-journal-id, the ingress de-duplication on source and id). Never more than one letter
 * per crash, and never one the plan did not hold.
 */
@Injectable()
export class DeadLetterRedriveJob implements BeforeApplicationShutdown {
  private job?: LeaderJob;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: DeadLetterRepository,
    private readonly letters: DeadLetterService,
    private readonly cases: CaseRepository,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(): void {
    this.job = new LeaderJob({
      name: 'dead-letter-redrive',
      intervalMs: this.config.deadLetters.jobIntervalMs,
      logger: this.logger,
      leader: { databaseUrl: this.env.databaseUrl, lockName: `${this.env.databaseSchema}:dead-letter-redrive` },
      onLeader: () => this.logger.info({ event: 'dead-letter.redrive-leader' }, 'this instance runs the dead-letter redrive plans'),
      work: () => this.round(),
    });
    this.job.start(this.config.deadLetters.jobIntervalMs);
  }

  /** One round: each running plan, at its rate, for up to SLICE_MS in all. */
  async round(): Promise<void> {
    const started = Date.now();
    const plans = await this.tx.snapshot((tx) => this.repo.runningPlans(tx));
    for (const p of plans) {
      while (Date.now() - started < SLICE_MS) {
        const t0 = Date.now();
        const { outcome, rate } = await this.step(p.tenant, p.id);
        if (outcome === 'ended' || outcome === 'failed') break;
        if (outcome === 'redriven') await new Promise((r) => setTimeout(r, Math.max(0, 1000 / rate - (Date.now() - t0))));
      }
    }
  }

  /** Works one letter of a plan. */
  async step(tenant: string, planId: string): Promise<{ outcome: StepOutcome; rate: number }> {
    let rate = 1;
    try {
      const outcome = await this.tx.run(async (tx): Promise<StepOutcome> => {
        const plan = await this.repo.getPlan(tx, tenant, planId, true);
        if (!plan || plan.status !== 'running') return 'ended';
        rate = plan.ratePerSecond ?? 1;
        const actor = `job:dead-letter-redrive (started by ${plan.startedBy ?? 'unknown'})`;
        if (plan.position >= plan.total) {
          const released = await this.repo.endPlan(tx, planId, { status: 'done' });
          await this.cases.appendAdminAudit(tx, {
            tenant,
            actor,
            action: 'dead-letters.redrive.done',
            target: `dead-letter-plan:${planId}`,
            reason: plan.startReason ?? '',
            before: { status: 'running' },
            after: { status: 'done', redriven: plan.redriven, skipped: plan.skipped, released },
          });
          return 'ended';
        }
        const l = await this.repo.get(tx, tenant, plan.letterIds[plan.position], true);
        if (!l || l.status !== 'redriving' || l.planId !== planId || !this.letters.consumerQueue(l.queue)) {
          // Discarded, replayed or held elsewhere since the plan was made, or its queue is gone.
          await this.repo.advancePlan(tx, planId, false);
          return 'skipped';
        }
        const n = l.redriveCount + 1;
        await this.letters.resend(l, { 'x-hub-redriven': n, 'x-hub-redrive-of': l.id });
        await this.repo.setStatus(tx, l.id, 'redriven', { countRedrive: true });
        await this.repo.advancePlan(tx, planId, true);
        await this.cases.appendAdminAudit(tx, {
          tenant,
          actor,
          action: 'dead-letters.redrive.message',
          target: `dead-letter:${l.id}`,
          reason: plan.startReason ?? '',
          before: { status: 'redriving', redriveCount: l.redriveCount },
          after: { status: 'redriven', redriveCount: n, plan: planId, queue: l.queue },
        });
        return 'redriven';
      });
      return { outcome, rate };
    } catch (e) {
      // The broker did not confirm (or the database went away): nothing was marked; the letter is tried again next round.
      const why = e instanceof AdminDenied ? e.reason : safeError(e).message;
      this.logger.warn({ event: 'dead-letter.redrive-failed', plan: planId, error: why }, 'redrive step failed; will retry');
      await this.tx.run((tx) => this.repo.planError(tx, planId, why)).catch(() => undefined);
      return { outcome: 'failed', rate };
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }
}
