/**
 * The shapes the deadline engine is built from, shared by the calendars, the legal profiles, the
 * calculator (pure) and the scheduler and API (which feed it a case's events and publish what it
 * says). Dates without a time are local dates of the calendar's time zone, `YYYY-MM-DD`; instants
 * are ISO 8601 with an offset or `Z`.
 */

/** One day of a business calendar, with the reason it is or is not a working day. */
export interface CalendarDay {
  /** Local date, `YYYY-MM-DD`. */
  date: string;
  working: boolean;
  /** A shortened pre-holiday working day (RU production calendar `t="2"`). */
  short?: boolean;
  /**
   * Why, in English, for the explanation endpoint: `weekend`, `public holiday: Independence Day`,
   * `transferred day off (from 2024-04-27)`, `working Saturday (day off moved to 2024-04-29)`,
   * `working day: martial law, Law 2136-IX Art. 6 (Constitution Day)`, `working day`.
   */
  reason: string;
  /** Where the fact comes from: a decree, a law, or the pinned data file and its commit. */
  source?: string;
}

/** A tenant's business calendar at one version: answers for any date, past or future. */
export interface BusinessCalendar {
  readonly id: string;
  readonly country: 'UA' | 'RU';
  /** IANA time zone the calendar's dates are in, e.g. `Europe/Kyiv`. */
  readonly timeZone: string;
  readonly version: number;
  day(date: string): CalendarDay;
}

/** How a profile counts a term. */
export type TermUnit = 'calendar-days' | 'working-days' | 'hours' | 'months';

/** One event of a case's clock, taken from the case's own journaled events. */
export type ClockEvent =
  | { kind: 'received'; at: string }
  | { kind: 'registered'; at: string }
  /** Taken into work (an executor started on it). */
  | { kind: 'taken'; at: string }
  | { kind: 'forwarded'; at: string }
  | { kind: 'paused'; at: string; reason: string }
  | { kind: 'resumed'; at: string }
  /** Extended to `until` (a local date), or by `days` in the profile's unit; `reason` as the head gave it. */
  | {
      kind: 'extended';
      at: string;
      until?: string;
      days?: number;
      reason: string;
      /** When the applicant was told of the extension (the notice duty's `metAt`); absent until they were. */
      noticeAt?: string;
    }
  /** Shortened on the applicant's justified request (UA Art. 20). */
  | { kind: 'shortened'; at: string; until: string; reason: string }
  | { kind: 'answered'; at: string };

/** Which term of a profile applies to a case. */
export type TermVariant = 'standard' | 'no-extra-study' | 'urgent';

/** One day the calculator looked at, for `GET …/deadline`. */
export interface ExplainedDay {
  date: string;
  /** Whether the day counted towards the term. */
  counted: boolean;
  reason: string;
}

/** What the calculator says about a case's answer term (and its other terms, for RU 59-ФЗ). */
export interface DeadlineResult {
  profile: string;
  variant: TermVariant;
  unit: TermUnit;
  /** The instant the term started (the profile's start event). Absent until that event happened. */
  startedAt?: string;
  /** The last instant an answer is on time (end of the due day in the calendar's zone). */
  dueAt?: string;
  /** `dueAt`'s local date. */
  dueDate?: string;
  /** The due date before any extension, for the KPIs and the notice. */
  originalDueDate?: string;
  extended: boolean;
  /** How many times the term was extended (a second extension may be refused by the profile). */
  extensions: number;
  paused: boolean;
  /** Whole calendar days credited for pauses. */
  pausedDays: number;
  answeredAt?: string;
  /** Answered after `dueAt`, or still open after it at `now`. */
  overdue: boolean;
  /** Further terms of the profile, each with its own due instant (RU: registration, forwarding; municipal: taken into work). */
  milestones: { name: MilestoneName; dueAt: string; metAt?: string }[];
  /** Why the due date is what it is: every day from the start to the due date, counted or skipped. */
  days: ExplainedDay[];
  /** Human-readable notes: rollovers, refused extensions beyond the legal maximum, regime used. */
  notes: string[];
  /** The calendar the result was computed with, so a cached result can be recomputed when the tenant changes a day. */
  calendar?: { id: string; version: number; timeZone: string };
}

/**
 * The further terms a result may carry. `extension-notice`: the applicant must be told of an
 * extension by `dueAt` (UA public information: within 5 working days of receipt).
 */
export type MilestoneName = 'registration' | 'forwarding' | 'taken-into-work' | 'solve-by' | 'extension-notice';
