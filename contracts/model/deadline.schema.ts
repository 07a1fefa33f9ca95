/**
 * `data` schemas of the statutory deadline of a case: changes the back office makes to the term
 * (the head extends it, the clock stops while the applicant is asked for more), and what the hub
 * says about it (warnings, overdue, extended, not taken into work in time).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Author } from './party.schema';
import { CaseRef, ExternalId, LocalDate, StringEnum, SystemId, Text, Timestamp } from './primitives.schema';

/** What the back office did to a case's term. */
export const DEADLINE_ACTIONS = ['paused', 'resumed', 'extended', 'shortened'] as const;

/** Kinds of case that carry a statutory deadline. */
export const DEADLINE_CASE_KINDS = ['appeal'] as const;

/** Why the hub warns. */
export const DEADLINE_THRESHOLDS = ['share', 't-minus-3'] as const;

/** `data` of `appeal.deadline-changed`: the back office paused, resumed, extended or shortened the term. */
export const AppealDeadlineChanged = Type.Object(
  {
    caseRef: CaseRef(),
    action: StringEnum(DEADLINE_ACTIONS),
    changedAt: Timestamp({ description: 'When the term was changed in the back office.' }),
    until: Type.Optional(LocalDate({ description: "New last day of the term (extended or shortened), in the authority's calendar." })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: "Extension by this many days in the profile's unit, when no `until` is given." })),
    reason: Text(2_000, { description: "Why: the head's resolution, the request sent to the applicant. Told to the applicant with an extension." }),
    author: Author,
    system: SystemId(),
    externalId: ExternalId(),
  },
  {
    additionalProperties: false,
    description: 'The back office changed the statutory term of the appeal. `extended` and `shortened` carry `until` or `days`.',
    allOf: [
      { if: { properties: { action: { const: 'extended' } } }, then: { anyOf: [{ required: ['until'] }, { required: ['days'] }] } },
      { if: { properties: { action: { const: 'shortened' } } }, then: { required: ['until'] } },
    ],
  },
);

const DeadlineCase = {
  caseRef: CaseRef(),
  caseKind: StringEnum(DEADLINE_CASE_KINDS),
  profile: Type.String({ minLength: 1, maxLength: 64, description: 'Legal profile the term comes from, e.g. `ua.appeals.art20`.' }),
  dueAt: Timestamp({ description: "Last instant an answer is on time (end of the due day in the authority's time zone)." }),
  dueDate: LocalDate({ description: 'Last day of the term.' }),
};

/** `data` of `deadline.warning`. */
export const DeadlineWarning = Type.Object(
  {
    ...DeadlineCase,
    threshold: StringEnum(DEADLINE_THRESHOLDS, { description: '`share`: that share of the term has passed; `t-minus-3`: three calendar days are left (seed 004: solve by T−3).' }),
    share: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'The share of the term that has passed, for `share`.' })),
    warnedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'The answer term of an open case is running out.' },
);

/** `data` of `deadline.overdue`. */
export const DeadlineOverdue = Type.Object({ ...DeadlineCase, detectedAt: Timestamp() }, { additionalProperties: false, description: 'An open case passed its answer term.' });

/** `data` of `deadline.extended`. */
export const DeadlineExtended = Type.Object(
  {
    ...DeadlineCase,
    previousDueDate: LocalDate({ description: 'Last day of the term before this extension.' }),
    reason: Text(2_000, { description: 'Why, as the back office gave it.' }),
    extensions: Type.Integer({ minimum: 1, maximum: 100, description: 'How many times the term has been extended.' }),
    extendedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'The term was extended; the law requires the applicant be told (the notification rules do it).' },
);

/** `data` of `deadline.not-taken`. */
export const DeadlineNotTaken = Type.Object(
  {
    caseRef: CaseRef(),
    caseKind: StringEnum(DEADLINE_CASE_KINDS),
    profile: DeadlineCase.profile,
    takeBy: Timestamp({ description: 'When the case should have been taken into work.' }),
    detectedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'Nobody took the case into work within the municipal term (seed 004: one day).' },
);

/** How a repeat appeal matched an earlier one, besides the applicant. */
export const REPEAT_MATCHES = ['topic', 'same-address', 'nearby'] as const;

/** `data` of `appeal.repeat-linked`. */
export const AppealRepeatLinked = Type.Object(
  {
    caseRef: CaseRef(),
    earlier: Type.Array(Type.Object({ caseRef: CaseRef(), matchedOn: Type.Array(StringEnum(REPEAT_MATCHES), { minItems: 1, uniqueItems: true }) }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 20,
      description: 'The earlier appeals of the same applicant about the same problem, newest first.',
    }),
    windowDays: Type.Integer({ minimum: 1, maximum: 3660, description: 'How far back the hub looked.' }),
    linkedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'The applicant wrote about the same problem before (seed 004: repeat appeals); the appeal is linked to those cases.' },
);

/** `data` of `appeal.repeat-linked`. */
export type AppealRepeatLinked = Static<typeof AppealRepeatLinked>;
/** `data` of `appeal.deadline-changed`. */
export type AppealDeadlineChanged = Static<typeof AppealDeadlineChanged>;
/** `data` of `deadline.warning`. */
export type DeadlineWarning = Static<typeof DeadlineWarning>;
/** `data` of `deadline.overdue`. */
export type DeadlineOverdue = Static<typeof DeadlineOverdue>;
/** `data` of `deadline.extended`. */
export type DeadlineExtended = Static<typeof DeadlineExtended>;
/** `data` of `deadline.not-taken`. */
export type DeadlineNotTaken = Static<typeof DeadlineNotTaken>;

/** Units a legal profile counts its terms in. */
export const TERM_UNITS = ['calendar-days', 'working-days', 'hours', 'months'] as const;

/** Terms besides the answer that a profile or the municipal rules set. */
export const DEADLINE_MILESTONES = ['registration', 'forwarding', 'taken-into-work', 'solve-by', 'extension-notice'] as const;

/** `GET /v1/cases/{tenant}/{caseRef}/deadline`: the term of an appeal and why it ends when it does. */
export const CaseDeadlineView = Type.Object(
  {
    tenant: Type.String(),
    caseRef: CaseRef(),
    caseKind: StringEnum(DEADLINE_CASE_KINDS),
    profile: DeadlineCase.profile,
    variant: StringEnum(['standard', 'no-extra-study', 'urgent'] as const),
    unit: StringEnum(TERM_UNITS),
    calendar: Type.Object(
      {
        country: StringEnum(['UA', 'RU'] as const),
        timeZone: Type.String(),
        version: Type.Integer({ minimum: 1 }),
      },
      { additionalProperties: false, description: "The tenant's business calendar the days were read from." },
    ),
    startedAt: Type.Optional(Timestamp({ description: 'When the term started (receipt or registration, per the profile).' })),
    dueAt: Type.Optional(Timestamp()),
    dueDate: Type.Optional(LocalDate()),
    originalDueDate: Type.Optional(LocalDate({ description: 'The due date before any extension.' })),
    extended: Type.Boolean(),
    extensions: Type.Integer({ minimum: 0 }),
    paused: Type.Boolean(),
    pausedDays: Type.Integer({ minimum: 0, description: 'Calendar days credited for pauses.' }),
    answeredAt: Type.Optional(Timestamp()),
    overdue: Type.Boolean(),
    milestones: Type.Array(Type.Object({ name: StringEnum(DEADLINE_MILESTONES), dueAt: Timestamp(), metAt: Type.Optional(Timestamp()) }, { additionalProperties: false })),
    days: Type.Array(
      Type.Object(
        { date: LocalDate(), counted: Type.Boolean(), reason: Type.String({ description: 'Why the day counted or not: weekend, a public holiday, a transferred day off, martial law.' }) },
        { additionalProperties: false },
      ),
      { description: 'Every day from the start to the due date.' },
    ),
    notes: Type.Array(Type.String(), { description: 'Rollovers, capped extensions, the regime applied.' }),
    computedAt: Timestamp(),
  },
  { additionalProperties: false, description: 'The statutory term of an appeal, computed from its own events, with an explanation of every day.' },
);
/** The body of `GET /v1/cases/{tenant}/{caseRef}/deadline`. */
export type CaseDeadlineView = Static<typeof CaseDeadlineView>;
