import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { JournalRepository } from '../persistence/journal.repository';

/**
 * Deletes confirmed outbox rows off the message path. While one DELETE runs, new ids gather and
 * go in the next one (the same group commit as the ingress batches), so the database sees a
 * handful of deletes per second however many messages pass, and a confirmed row stays behind
 * only for as long as one DELETE takes. A row left behind by a crash is republished by the
 * relay; consumers drop the repeat by message id.
 */
@Injectable()
export class OutboxCompleter implements BeforeApplicationShutdown {
  private ids: string[] = [];
  private running?: Promise<void>;

  constructor(private readonly journal: JournalRepository) {}

  add(ids: string[]): void {
    if (!ids.length) return;
    this.ids.push(...ids);
    if (!this.running) this.running = this.loop();
  }

  /** Resolves when every id added so far is deleted (or its delete failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.ids.length) {
      const ids = this.ids;
      this.ids = [];
      // A failed delete only means the relay publishes those rows again later.
      await this.journal.markPublished(ids).catch(() => undefined);
    }
    this.running = undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
