/**
 * `data` schemas of utility-connection application events
 * (заявка на технологическое присоединение, seeds 000 and 002).
 */
import { Type, type Static } from '@sinclair/typebox';
import { FileList, FileRef } from './file.schema';
import { Author, ConnectionApplicant } from './party.schema';
import { CaseRef, ExternalId, Line, StringEnum, SystemId, Text, Timestamp } from './primitives.schema';

/** Application types (Тип ДС). */
export const APPLICATION_TYPES = ['technical-conditions', 'connection-contract'] as const;

/** Supply types (Тип снабжения): ТС, ХВС, ВО, ЭС. */
export const SUPPLY_TYPES = ['heat', 'cold-water', 'wastewater', 'electricity'] as const;

/**
 * Application statuses: the three statuses of seed 002 (under review, fulfilled, rejected) plus
 * the milestones seed 000 requires the applicant to see (contract and technical conditions sent,
 * contract concluded, progress of the technical conditions, actual connection). Receipt and the
 * registration number are the `application.registered` event, not a status.
 */
export const APPLICATION_STATUSES = ['under-review', 'contract-sent', 'contract-concluded', 'tc-in-progress', 'connected', 'fulfilled', 'rejected'] as const;

/** Kinds of document added to an application after submission, from either side. */
export const APPLICATION_DOCUMENT_KINDS = ['supplementary', 'technical-conditions', 'contract-draft', 'contract-signed', 'connection-act', 'rejection-notice', 'other'] as const;

/** `data` of `application.submitted`: an applicant filed a connection application. */
export const ApplicationSubmitted = Type.Object(
  {
    caseRef: CaseRef(),
    applicationType: StringEnum(APPLICATION_TYPES),
    supplyType: StringEnum(SUPPLY_TYPES),
    applicant: ConnectionApplicant,
    objectAddress: Line(500, { description: 'Address of the object to be connected.' }),
    comment: Type.Optional(Text(4_000, { description: 'Free-text remarks of the applicant.' })),
    files: Type.Optional(FileList('Application documents; files of legal entities and sole proprietors carry detached signatures.')),
    submittedAt: Timestamp({ description: 'When the applicant submitted the application.' }),
  },
  { additionalProperties: false, description: 'An applicant submitted a utility-connection application.' },
);

/** `data` of `application.registered`: the back office assigned a sequential number. */
export const ApplicationRegistered = Type.Object(
  {
    caseRef: CaseRef(),
    system: SystemId(),
    externalId: ExternalId(),
    registrationNumber: Line(64, { description: 'Sequential registration number (присвоен №).' }),
    registeredAt: Timestamp({ description: 'Date of receipt and registration in the back office.' }),
    dueAt: Type.Optional(Timestamp({ description: 'Deadline set at registration, if the back office has one.' })),
    author: Type.Optional(Author),
  },
  { additionalProperties: false, description: 'The back office registered the application; `author` is the employee who did, when the back office records one.' },
);

/** `data` of `application.status-changed`. */
export const ApplicationStatusChanged = Type.Object(
  {
    caseRef: CaseRef(),
    status: StringEnum(APPLICATION_STATUSES),
    previousStatus: Type.Optional(StringEnum(APPLICATION_STATUSES)),
    changedAt: Timestamp({ description: 'When the status changed in the back office.' }),
    author: Author,
    comment: Type.Optional(Text(4_000, { description: 'Comment for the applicant, e.g. progress of the technical conditions.' })),
    system: SystemId(),
    externalId: ExternalId(),
  },
  { additionalProperties: false, description: 'An employee changed the status of the application.' },
);

/**
 * `data` of `application.document-added`. It travels both ways: the applicant adds documents in
 * the portal (no `system`/`externalId` yet), and the back office adds technical conditions,
 * contracts and acts (with `system` and `externalId`).
 */
export const ApplicationDocumentAdded = Type.Object(
  {
    caseRef: CaseRef(),
    document: FileRef,
    kind: StringEnum(APPLICATION_DOCUMENT_KINDS),
    title: Type.Optional(Line(300, { description: 'Title of the document as shown in the case history.' })),
    author: Author,
    addedAt: Timestamp({ description: 'When the document was added.' }),
    system: Type.Optional(SystemId()),
    externalId: Type.Optional(ExternalId()),
  },
  { additionalProperties: false, description: 'A document was added to the application by the applicant or the back office.' },
);

/** Application type. */
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
/** Supply type. */
export type SupplyType = (typeof SUPPLY_TYPES)[number];
/** Application status. */
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
/** Kind of document added to an application. */
export type ApplicationDocumentKind = (typeof APPLICATION_DOCUMENT_KINDS)[number];
/** `data` of `application.submitted`. */
export type ApplicationSubmitted = Static<typeof ApplicationSubmitted>;
/** `data` of `application.registered`. */
export type ApplicationRegistered = Static<typeof ApplicationRegistered>;
/** `data` of `application.status-changed`. */
export type ApplicationStatusChanged = Static<typeof ApplicationStatusChanged>;
/** `data` of `application.document-added`. */
export type ApplicationDocumentAdded = Static<typeof ApplicationDocumentAdded>;
