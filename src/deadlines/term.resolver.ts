import { computeDeadline } from './deadline.calculator';
import type { BusinessCalendar, ClockEvent, DeadlineResult } from './deadline.types';
import { LEGAL_PROFILES, PROFILE_OVERLAYS } from './legal-profile.config';

/** The municipal overlay of seed 004 (taken into work within a day, solved by T−3). */
const MUNICIPAL = 'municipal.seed004';

/**
 * The term of a case under a profile chosen by id (the tenant's configuration names it), with the
 * municipal rules on top when the tenant keeps them. Every case starts on the standard term: the
 * shorter UA 15-day term and the UA 48-hour urgent term are chosen by the back office, which
 * shortens the term (`appeal.deadline-changed`), since only it can tell.
 */
export function deadlineFor(profileId: string, events: readonly ClockEvent[], calendar: BusinessCalendar, now: Date, municipal: boolean): DeadlineResult {
  const profile = LEGAL_PROFILES[profileId];
  if (!profile) throw new RangeError(`unknown legal profile ${profileId}`);
  return computeDeadline(profile, 'standard', events, calendar, now, municipal ? PROFILE_OVERLAYS[MUNICIPAL] : undefined);
}
