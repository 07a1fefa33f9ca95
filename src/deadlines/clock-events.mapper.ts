import type { AppealKind } from '../../contracts';
import type { CaseEntry } from '../persistence/journal.repository';
import type { ClockEvent } from './deadline.types';
import { type AppealSubject, subjectOf } from './repeat-appeal.mapper';

/** Journal entry types a case's clock is read from (accepted in, emitted out). */
export const CLOCK_ENTRY_TYPES = {
  accepted: ['appeal.submitted'],
  emitted: ['appeal.registered', 'appeal.status-changed', 'appeal.answered', 'appeal.deadline-changed'],
  rejected: [] as string[],
};

/** Every type above: their bodies are read. */
export const CLOCK_BODY_TYPES = [...CLOCK_ENTRY_TYPES.accepted, ...CLOCK_ENTRY_TYPES.emitted];

/** What a case's journal says about its clock. */
export interface CaseClock {
  /** The kind of appeal (chooses the legal profile); undefined before the submission arrived. */
  appealKind?: AppealKind;
  events: ClockEvent[];
  /** The addressee's id in the tenant's catalogue (KPIs per addressee). */
  addressee?: string;
  /** How many times the decision was postponed (status `postponed`; seed 004 counts two or more). */
  postponements: number;
  /** Topic and place of the submission, for repeat detection. */
  subject?: AppealSubject;
}

/**
 * A case's clock events from its own journal entries, in journal order: the submission is the
 * receipt (the time the applicant submitted it in the municipality's own portal, which is when
 * the authority received it), the back office's registration, taking into work (`in-progress`),
 * forwarding, the answer (an answer, `answer-sent`, or a refusal closes the term) and the term
 * changes it made. Entries whose bodies cannot be read are skipped: the journal holds what the
 * hub accepted or emitted, both checked against the contract.
 */
export function clockOf(entries: readonly CaseEntry[]): CaseClock {
  const events: ClockEvent[] = [];
  let appealKind: AppealKind | undefined;
  let addressee: string | undefined;
  let postponements = 0;
  let subject: AppealSubject | undefined;
  for (const e of entries) {
    if (!e.body) continue;
    let data: Record<string, unknown>;
    try {
      data = (JSON.parse(e.body.toString('utf8')) as { data?: Record<string, unknown> }).data ?? {};
    } catch {
      continue;
    }
    const at = (k: string): string => (typeof data[k] === 'string' ? (data[k] as string) : e.at);
    switch (e.type) {
      case 'appeal.submitted':
        // A resubmission is refused at ingress; should two be journaled, the first one counts.
        if (events.some((x) => x.kind === 'received')) break;
        appealKind = data.kind as AppealKind;
        addressee = (data.addressee as { id?: string } | undefined)?.id;
        subject = subjectOf(typeof data.caseRef === 'string' ? data.caseRef : '', data);
        events.push({ kind: 'received', at: at('submittedAt') });
        break;
      case 'appeal.registered':
        if (!events.some((x) => x.kind === 'registered')) events.push({ kind: 'registered', at: at('registeredAt') });
        break;
      case 'appeal.status-changed': {
        const status = data.status;
        if (status === 'in-progress' && !events.some((x) => x.kind === 'taken')) events.push({ kind: 'taken', at: at('changedAt') });
        else if (status === 'forwarded') events.push({ kind: 'forwarded', at: at('changedAt') });
        else if (status === 'answer-sent' || status === 'rejected') events.push({ kind: 'answered', at: at('changedAt') });
        else if (status === 'postponed') postponements++;
        break;
      }
      case 'appeal.answered':
        events.push({ kind: 'answered', at: at('answeredAt') });
        break;
      case 'appeal.deadline-changed':
        events.push(termChange(data, at('changedAt')));
        break;
    }
  }
  return { ...(appealKind ? { appealKind } : {}), ...(addressee ? { addressee } : {}), ...(subject ? { subject } : {}), events, postponements };
}

function termChange(d: Record<string, unknown>, at: string): ClockEvent {
  const reason = typeof d.reason === 'string' ? d.reason : '';
  const until = typeof d.until === 'string' ? d.until : undefined;
  switch (d.action) {
    case 'paused':
      return { kind: 'paused', at, reason };
    case 'resumed':
      return { kind: 'resumed', at };
    case 'shortened':
      return { kind: 'shortened', at, until: until as string, reason };
    default:
      return { kind: 'extended', at, ...(until ? { until } : {}), ...(typeof d.days === 'number' ? { days: d.days } : {}), reason };
  }
}
