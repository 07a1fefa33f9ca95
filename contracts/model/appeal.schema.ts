/**
 * `data` schemas of appeal events (обращение / звернення, seeds 001-004).
 */
import { Type, type Static } from '@sinclair/typebox';
import { FileList } from './file.schema';
import { Addressee, Applicant, Author } from './party.schema';
import { CaseRef, ExternalId, GeoPoint, Line, StringEnum, SystemId, Text, Timestamp } from './primitives.schema';

/** Upper bound of an appeal or answer text, in characters. */
export const MAX_APPEAL_TEXT_LENGTH = 20_000;

/** Kinds of appeal; `public-information-request` has its own statutory deadline. */
export const APPEAL_KINDS = ['appeal', 'proposal', 'complaint', 'public-information-request'] as const;

/** Channels an appeal can arrive through before the portal forwards it. */
export const APPEAL_CHANNELS = ['cabinet', 'mobile-app', 'email', 'pos', 'dobrodel', 'chat-bot', 'reception'] as const;

/**
 * Appeal statuses. The seeds name accepted, processed and answer-sent; the rest are what the
 * back offices actually use and what the KPIs of seed 004 count (postponed decisions), plus
 * `forwarded` for appeals redirected to the competent body (both laws require it).
 */
export const APPEAL_STATUSES = ['accepted', 'in-progress', 'processed', 'answer-sent', 'postponed', 'forwarded', 'rejected'] as const;

/** Topic chosen from the tenant's catalogue. */
export const Topic = Type.Object(
  {
    code: Line(64, { description: "Topic code in the tenant's catalogue." }),
    title: Type.Optional(Line(300, { description: 'Topic title as shown to the citizen.' })),
  },
  { additionalProperties: false, description: 'Topic of the appeal from the catalogue.' },
);

/** Where the problem is; at least an address or a point. */
export const Location = Type.Object(
  {
    address: Type.Optional(Line(500, { description: 'Address as text.' })),
    point: Type.Optional(GeoPoint),
    geoportalId: Type.Optional(Line(128, { description: 'Object id on the city geoportal.' })),
  },
  {
    additionalProperties: false,
    description: 'Location of the problem: an address, a point, or both.',
    anyOf: [{ required: ['address'] }, { required: ['point'] }],
  },
);

/** `data` of `appeal.submitted`: a citizen filed an appeal in the portal. */
export const AppealSubmitted = Type.Object(
  {
    caseRef: CaseRef(),
    kind: StringEnum(APPEAL_KINDS),
    topic: Topic,
    text: Text(MAX_APPEAL_TEXT_LENGTH, { description: 'Text of the appeal as written by the applicant.' }),
    addressee: Addressee,
    location: Type.Optional(Location),
    collective: Type.Boolean({ description: 'Signed by several people (колективне звернення).' }),
    signatoriesCount: Type.Optional(Type.Integer({ minimum: 2, maximum: 1_000_000, description: 'Number of signatories of a collective appeal.' })),
    public: Type.Boolean({ description: 'The applicant agreed to publish the appeal.' }),
    channel: StringEnum(APPEAL_CHANNELS, { description: 'Channel the appeal originally came through.' }),
    applicant: Applicant,
    files: Type.Optional(FileList('Photos and documents attached by the applicant.')),
    submittedAt: Timestamp({ description: 'When the applicant submitted the appeal.' }),
  },
  { additionalProperties: false, description: 'A citizen submitted an appeal in the portal.' },
);

/** `data` of `appeal.registered`: the back office registered the appeal. */
export const AppealRegistered = Type.Object(
  {
    caseRef: CaseRef(),
    system: SystemId(),
    externalId: ExternalId(),
    registrationNumber: Line(64, { description: 'Registration number assigned by the back office.' }),
    registeredAt: Timestamp({ description: 'Registration time in the back office.' }),
    dueAt: Type.Optional(Timestamp({ description: 'Answer deadline set at registration, if the back office has one.' })),
    author: Type.Optional(Author),
  },
  { additionalProperties: false, description: 'The back office registered the appeal; `author` is the employee who did, when the back office records one.' },
);

/** `data` of `appeal.status-changed`. */
export const AppealStatusChanged = Type.Object(
  {
    caseRef: CaseRef(),
    status: StringEnum(APPEAL_STATUSES),
    previousStatus: Type.Optional(StringEnum(APPEAL_STATUSES)),
    changedAt: Timestamp({ description: 'When the status changed in the back office.' }),
    author: Author,
    comment: Type.Optional(Text(4_000, { description: 'Comment for the applicant, e.g. a reason for postponement.' })),
    system: SystemId(),
    externalId: ExternalId(),
  },
  { additionalProperties: false, description: 'An employee changed the status of the appeal.' },
);

/** `data` of `appeal.answered`: the answer to the applicant. */
export const AppealAnswered = Type.Object(
  {
    caseRef: CaseRef(),
    text: Text(MAX_APPEAL_TEXT_LENGTH, { description: 'Text of the answer.' }),
    files: Type.Optional(FileList('Signed answer letter and other documents.')),
    registrationNumber: Type.Optional(Line(64, { description: 'Outgoing registration number of the answer letter.' })),
    answeredAt: Timestamp({ description: 'When the answer was signed or sent.' }),
    author: Author,
    system: SystemId(),
    externalId: ExternalId(),
  },
  { additionalProperties: false, description: 'The back office answered the appeal.' },
);

/** Appeal kind. */
export type AppealKind = (typeof APPEAL_KINDS)[number];
/** Appeal channel of origin. */
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];
/** Appeal status. */
export type AppealStatus = (typeof APPEAL_STATUSES)[number];
/** Topic of an appeal. */
export type Topic = Static<typeof Topic>;
/** Location of an appeal. */
export type Location = Static<typeof Location>;
/** `data` of `appeal.submitted`. */
export type AppealSubmitted = Static<typeof AppealSubmitted>;
/** `data` of `appeal.registered`. */
export type AppealRegistered = Static<typeof AppealRegistered>;
/** `data` of `appeal.status-changed`. */
export type AppealStatusChanged = Static<typeof AppealStatusChanged>;
/** `data` of `appeal.answered`. */
export type AppealAnswered = Static<typeof AppealAnswered>;
