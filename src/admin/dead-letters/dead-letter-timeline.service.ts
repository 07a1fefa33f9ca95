import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { maskPii } from '../../logging/pii.mask';
import type { TimelineCase, TimelineItem, TimelineSource } from '../cases/timeline-source.port';
import { DeadLetterRepository } from './dead-letter.repository';

/** The case's dead letters on its timeline: which queue gave up, why, and what became of the letter (kept, redriven, discarded, replayed). */
@Injectable()
export class DeadLetterTimelineSource implements TimelineSource {
  readonly name = 'dead-letters';
  constructor(private readonly letters: DeadLetterRepository) {}

  async read(tx: PoolClient, c: TimelineCase): Promise<TimelineItem[]> {
    return (await this.letters.forCase(tx, c.tenant, c.caseId)).map((l) => ({
      at: l.failedAt.toISOString(),
      category: 'dead-letter',
      source: this.name,
      type: 'dead-letter',
      // The reason is an error line, masked when written (errorLine); masked again in case.
      summary: { id: l.id, queue: l.queue, reason: maskPii(l.reason), status: l.status, link: `/console/dead-letters/${c.tenant}/letters/${l.id}` },
    }));
  }
}
