import type { PoolClient } from 'pg';
import type { CaseKind } from '../../../contracts';

/** What a step of the admin timeline is about; the console groups and colours by it. */
export type TimelineCategory =
  'ingress' | 'validation' | 'rejection' | 'routing' | 'attempt' | 'registration' | 'status' | 'answer' | 'document' | 'notification' | 'deadline' | 'note' | 'dead-letter';

/** One step of a case's admin timeline. Its `summary` is already masked (pii-mask.mapper.ts). */
export interface TimelineItem {
  /** When (RFC 3339, UTC); the timeline is sorted by it. */
  at: string;
  category: TimelineCategory;
  /** Which source told it (`journal`, `attempts`, `audit`, `notifications`, `dead-letters`, …). */
  source: string;
  /** The event type, or what the source calls the step (`attempt`, `status`, `dispatch`, …). */
  type: string;
  /** The journal entry it belongs to: the message view at /console/messages/{tenant}/{journalId}. */
  journalId?: string;
  summary: Record<string, unknown>;
}

/** The case a source is asked about, with the ids of its journal entries (read first, in the same snapshot). */
export interface TimelineCase {
  tenant: string;
  kind: CaseKind;
  caseId: string;
  caseRef: string;
  journalIds: readonly string[];
}

/**
 * A source of timeline steps, read in the timeline's one read-only snapshot through the
 * repository that owns its table. The timeline is the journal's steps plus whatever the sources
 * give, in time order. The hub's sources are listed in src/app/hub.module.ts under
 * {@link CASE_TIMELINE_SOURCES}; dead letters join there as one more source
 * (`DeadLetterRepository.forCase(tx, tenant, caseId)`), with nothing to change here.
 */
export interface TimelineSource {
  readonly name: string;
  read(tx: PoolClient, c: TimelineCase): Promise<TimelineItem[]>;
}

/** Injection token of the list of timeline sources. */
export const CASE_TIMELINE_SOURCES = 'cabinet-hub:case-timeline-sources';
