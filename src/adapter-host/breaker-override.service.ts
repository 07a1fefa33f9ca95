import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/injection.tokens';
import { LeaderJob } from '../persistence/leader.job';
import { AdapterOverrideRepository, type AdapterOverride } from './adapter-override.repository';

/** How often each hub instance reads the overrides: a manual opening reaches every instance within about this long. */
export const OVERRIDE_POLL_MS = 1000;

/**
 * Brings breakers opened or closed by hand (table `adapter_override`) to this hub instance. The
 * hub may run as several instances on one broker and database, so the override lives in
 * PostgreSQL and every instance polls it once a second: one indexed read of a few rows. Polling
 * rather than LISTEN/NOTIFY because a notification sent while an instance's listening connection
 * is down (a database restart) is lost, and the instance would need this same read on reconnect
 * anyway; a second of delay is nothing next to an operator's click.
 */
@Injectable()
export class BreakerOverrides implements BeforeApplicationShutdown {
  private job?: LeaderJob;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly repo: AdapterOverrideRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The overrides now (applied by the caller before its consumers start), then every later change
   * passed to `apply`, in this instance, until shutdown.
   */
  async watch(apply: (o: AdapterOverride) => Promise<void>): Promise<AdapterOverride[]> {
    const now = await this.repo.all();
    for (const o of now) this.seen.set(o.adapterId, o.version);
    this.job = new LeaderJob({
      name: 'breaker-overrides',
      intervalMs: OVERRIDE_POLL_MS,
      logger: this.logger,
      work: async () => {
        for (const o of await this.repo.all()) {
          if (this.seen.get(o.adapterId) === o.version) continue;
          this.logger.warn(
            { event: 'adapter.breaker-override', adapter: o.adapterId, forcedOpen: o.forcedOpen, version: o.version },
            o.forcedOpen ? 'circuit opened by hand' : 'circuit closed by hand',
          );
          await apply(o);
          this.seen.set(o.adapterId, o.version);
        }
      },
    });
    this.job.start(OVERRIDE_POLL_MS);
    return now;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }
}
