import type { TermUnit, TermVariant } from './deadline.types';

/** A length of time in a unit the calculator knows. */
export interface Term {
  amount: number;
  unit: TermUnit;
}

/** The case event a term runs from. */
export type StartEvent = 'received' | 'registered';

/**
 * What happens when a term counted in calendar days (or months) ends on a non-working day.
 * `next-working-day`: UA Civil Code Art. 254 Part 5, RU Civil Code Art. 193 (applied to
 * administrative terms by analogy: not verified, hence a flag per profile). `previous-working-day`:
 * what some municipal regulations say for 59-ФЗ answers ("днём окончания срока считается
 * предшествующий ему рабочий день"). `none`: the term ends on that day regardless.
 */
export type Rollover = 'next-working-day' | 'previous-working-day' | 'none';

/** How far a term may be extended. */
export interface ExtensionRule {
  /** The longest total term from the start, extensions included (UA appeals: 45 days). */
  maxTotal?: Term;
  /** The most one case may be extended by, all extensions together (RU: 30 days). */
  maxAdded?: Term;
  /** How many extensions a case may have. */
  maxTimes?: number;
  /** Where the rule is written. */
  law: string;
}

/** Who must be told, and by when. */
export interface NoticeDuty {
  /** Whom: the applicant (заявник, заявитель). */
  to: 'applicant';
  /** Why they are told. */
  when: 'extension';
  /** The notice must go out within this term from the profile's start (UA public information: 5 working days)… */
  within?: Term;
  /** …or, when absent, before the original term ends. */
  law: string;
}

/** A further term of a profile, with the event that meets it. */
export interface MilestoneRule {
  name: 'registration' | 'forwarding' | 'taken-into-work' | 'solve-by';
  /** Runs from the first of these events that happened (`due`: from the answer term's due date, backwards for a negative amount). */
  from: readonly (StartEvent | 'due')[];
  term: Term;
  /** The event that meets the milestone. */
  metBy: 'registered' | 'forwarded' | 'taken' | 'answered';
  law: string;
}

/** A statutory (or municipal) profile: how a kind of appeal's answer term is counted. */
export interface LegalProfile {
  id: string;
  country: 'UA' | 'RU' | 'any';
  title: string;
  law: string;
  start: StartEvent;
  /** The answer term per variant; `standard` always exists. */
  terms: { standard: Term } & Partial<Record<TermVariant, Term>>;
  extension?: ExtensionRule;
  notice?: NoticeDuty;
  rollover: Rollover;
  milestones: readonly MilestoneRule[];
  /** Why the profile counts as it does, for the explanation. */
  notes: readonly string[];
}

/** Terms added on top of a statutory profile by a municipality's own regulation; they never move the statutory due date. */
export interface ProfileOverlay {
  id: string;
  title: string;
  milestones: readonly MilestoneRule[];
}

const UA_APPEALS: LegalProfile = {
  id: 'ua.appeals.art20',
  country: 'UA',
  title: 'Appeals of citizens (proposals, applications, complaints)',
  law: 'Law of Ukraine «Про звернення громадян», Art. 20',
  start: 'received',
  // "Не більше одного місяця від дня їх надходження": a calendar month, to the same date of the
  // next month (the last day of that month when it has no such date).
  terms: { standard: { amount: 1, unit: 'months' }, 'no-extra-study': { amount: 15, unit: 'calendar-days' } },
  extension: { maxTotal: { amount: 45, unit: 'calendar-days' }, law: 'Art. 20 Part 1: the total term may not exceed 45 days' },
  notice: { to: 'applicant', when: 'extension', law: 'Art. 20 Part 1: the head sets the term and tells the applicant' },
  rollover: 'next-working-day',
  milestones: [],
  notes: ['Calendar days and months; a term ending on a non-working day ends on the next working day (Civil Code of Ukraine Art. 254 Part 5, applied by analogy: unverified).'],
};

const UA_PUBLIC_INFO: LegalProfile = {
  id: 'ua.public-info.art20',
  country: 'UA',
  title: 'Requests for public information',
  law: 'Law of Ukraine «Про доступ до публічної інформації», Art. 20',
  start: 'received',
  terms: { standard: { amount: 5, unit: 'working-days' }, urgent: { amount: 48, unit: 'hours' } },
  extension: { maxTotal: { amount: 20, unit: 'working-days' }, law: 'Art. 20 Part 4: up to 20 working days, with a justification' },
  notice: { to: 'applicant', when: 'extension', within: { amount: 5, unit: 'working-days' }, law: 'Art. 20 Part 4: the requester is told in writing within 5 working days of receipt' },
  rollover: 'none',
  milestones: [],
  notes: [
    'Working days are counted, so a term cannot end on a non-working day.',
    'The urgent term (life or liberty, environment, emergencies: Art. 20 Part 2) is 48 hours from receipt, counted in clock hours.',
  ],
};

const RU_59FZ: LegalProfile = {
  id: 'ru.59-fz',
  country: 'RU',
  title: 'Обращения граждан (59-ФЗ)',
  law: 'Federal Law of 02.05.2006 No. 59-ФЗ, Art. 12',
  start: 'registered',
  terms: { standard: { amount: 30, unit: 'calendar-days' } },
  // "Вправе продлить срок рассмотрения не более чем на 30 дней": one extension, by at most 30 days.
  // The law does not say "once" in as many words; a second extension would exceed what it allows in
  // practice, so it is refused and noted.
  extension: { maxAdded: { amount: 30, unit: 'calendar-days' }, maxTimes: 1, law: 'Art. 12 Part 2: by at most 30 days, with a notice to the citizen' },
  notice: { to: 'applicant', when: 'extension', law: 'Art. 12 Part 2: the citizen is told of the extension' },
  rollover: 'next-working-day',
  milestones: [
    { name: 'registration', from: ['received'], term: { amount: 3, unit: 'calendar-days' }, metBy: 'registered', law: 'Art. 8 Part 2: registered within 3 days of receipt' },
    {
      name: 'forwarding',
      from: ['registered'],
      term: { amount: 7, unit: 'calendar-days' },
      metBy: 'forwarded',
      law: 'Art. 8 Part 3: forwarded by competence within 7 days of registration (a duty only for an appeal outside the body’s competence)',
    },
  ],
  notes: ['Calendar days from registration; a term ending on a non-working day ends on the next working day (Civil Code of the Russian Federation Art. 193, applied by analogy: unverified).'],
};

const MUNICIPAL_SEED004: ProfileOverlay = {
  id: 'municipal.seed004',
  title: 'Municipal regulation (Dobrodel KPIs, seed 004)',
  milestones: [
    // "Принимаются в работу в срок, не превышающий одни сутки": one day of 24 hours.
    { name: 'taken-into-work', from: ['registered', 'received'], term: { amount: 24, unit: 'hours' }, metBy: 'taken', law: 'seed 004: taken into work within one day (сутки)' },
    // "Не позднее, чем за 3 календарных дня до наступления срока": the end of the day three days before the due date.
    { name: 'solve-by', from: ['due'], term: { amount: -3, unit: 'calendar-days' }, metBy: 'answered', law: 'seed 004: solved no later than 3 calendar days before the deadline' },
  ],
};

/** Every statutory profile, by id. */
export const LEGAL_PROFILES: Readonly<Record<string, LegalProfile>> = {
  [UA_APPEALS.id]: UA_APPEALS,
  [UA_PUBLIC_INFO.id]: UA_PUBLIC_INFO,
  [RU_59FZ.id]: RU_59FZ,
};

/** Every overlay, by id. */
export const PROFILE_OVERLAYS: Readonly<Record<string, ProfileOverlay>> = { [MUNICIPAL_SEED004.id]: MUNICIPAL_SEED004 };

/**
 * The profile for a tenant's appeal: the tenant's own choice for the kind when it configured one,
 * else the country's statutory default (UA public-information requests have their own law).
 */
export function profileFor(country: 'UA' | 'RU', appealKind: string, tenantChoice?: Readonly<Record<string, string>>): LegalProfile {
  const chosen = tenantChoice?.[appealKind];
  if (chosen) {
    const p = LEGAL_PROFILES[chosen];
    if (!p) throw new RangeError(`unknown legal profile ${chosen}`);
    return p;
  }
  if (country === 'RU') return RU_59FZ;
  return appealKind === 'public-information-request' ? UA_PUBLIC_INFO : UA_APPEALS;
}
