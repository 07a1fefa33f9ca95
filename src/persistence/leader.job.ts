import type { Logger } from 'pino';
import { safeError } from '../logging/pii.mask';
import { LeaderLock } from './leader.lock';

/** What a scheduled job is: its work, how often, and whether one hub instance at a time runs it. */
export interface JobOptions {
  /** For log lines: `outbox-relay`, `poll:<instance>`, `delivery-poll:<instance>`, `sweep`. */
  name: string;
  /** Pause between the end of one round and the start of the next. */
  intervalMs: number;
  /** One round. Errors are logged and the next round runs as usual. */
  work: () => Promise<void>;
  logger: Logger;
  /**
   * Run only in the instance holding this PostgreSQL advisory lock (outbox relay, pollers). The
   * lock lives on its own connection: when the holder dies, its session ends and another
   * instance takes over at its next round.
   */
  leader?: { databaseUrl: string; lockName: string };
  /** Called when this instance becomes the leader (a log line worth having). */
  onLeader?: () => void;
}

/**
 * The one way the hub runs periodic work: the outbox relay, adapter pollers, delivery status
 * polls and the notification sweeper. Rounds never overlap, a failing round never stops the
 * schedule, and `stop()` waits for the round in flight, then gives leadership up.
 */
export class LeaderJob {
  private readonly lock?: LeaderLock;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly o: JobOptions) {
    if (o.leader) this.lock = new LeaderLock(o.leader.databaseUrl, o.leader.lockName);
  }

  /** Starts the schedule; the first round runs after `delayMs`. */
  start(delayMs = 0): void {
    this.schedule(delayMs);
  }

  /** Whether this instance holds the job's lock (always true for jobs without one). */
  isLeader(): boolean {
    return this.lock ? this.lock.isHeld() : true;
  }

  /** One round now, unless this instance is not the leader; true when the work ran. */
  async runOnce(): Promise<boolean> {
    if (this.lock) {
      const was = this.lock.isHeld();
      if (!(await this.lock.tryAcquire())) return false;
      if (!was) this.o.onLeader?.();
    }
    try {
      await this.o.work();
    } catch (e) {
      this.o.logger.warn({ event: 'job.failed', job: this.o.name, error: safeError(e) }, `${this.o.name} round failed; will retry`);
    }
    return true;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then(() => undefined)
        .finally(() => {
          this.running = undefined;
          this.schedule(this.o.intervalMs);
        });
    }, delayMs);
  }

  /** Stops the schedule, waits for the round in flight and releases the lock. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await this.lock?.release().catch(() => undefined);
  }
}
