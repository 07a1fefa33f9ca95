/**
 * What the hub answers a portal that reads a case over HTTP: the current state of one case
 * (`GET /v1/cases/{tenant}/{caseRef}`) and its history, step by step
 * (`GET /v1/cases/{tenant}/{caseRef}/history`).
 *
 * Both are read models built from what the hub already keeps: the case row (status, ids in the
 * back offices, version) and the journal (every event in and out). Neither carries the
 * applicant's contacts, identity or texts the portal sent; files appear by their metadata only,
 * never with their inline content.
 */
import { Type, type Static } from '@sinclair/typebox';
import { APPEAL_STATUSES, MAX_APPEAL_TEXT_LENGTH } from './appeal.schema';
import { APPLICATION_DOCUMENT_KINDS, APPLICATION_STATUSES } from './application.schema';
import { EVENT_TYPES } from './event-type.constants';
import { FileRef, SignatureFileRef } from './file.schema';
import { Author } from './party.schema';
import { DEADLINE_ACTIONS } from './deadline.schema';
import { CaseRef, ExternalId, Line, LocalDate, StringEnum, SystemId, Text, Timestamp } from './primitives.schema';
import { ContractErrorSchema } from './rejection.schema';
import { TENANT_PATTERN } from './envelope.schema';

/** The two kinds of case: an appeal (обращение / звернення) or a utility-connection application. */
export const CASE_KINDS = ['appeal', 'application'] as const;

/**
 * Every status a case can be in: `submitted` until the back office answers, `registered` after
 * registration, the statuses employees set (appeal and application statuses), and `answered`
 * once an appeal has its answer.
 */
export const CASE_STATUSES = [...new Set(['submitted', 'registered', ...APPEAL_STATUSES, ...APPLICATION_STATUSES, 'answered'])] as readonly string[];

/** Statuses after which a case takes no further status. */
export const FINAL_CASE_STATUSES = ['answered', 'fulfilled', 'rejected'] as const;

/** What one step of the history is. */
export const HISTORY_STEPS = ['submitted', 'registered', 'status-changed', 'answered', 'document-added', 'deadline-changed', 'rejected'] as const;

/**
 * Where a step came from: the portal (a submission, a document the applicant added), a back
 * office (through a hub adapter or a connector), or the hub itself (a rejection).
 */
export const STEP_ORIGINS = ['portal', 'back-office', 'hub'] as const;

/** Event types a history step can have: the case events, and `message.rejected` for rejections. */
export const HISTORY_STEP_TYPES = EVENT_TYPES.filter((t) => t.startsWith('appeal.') || t.startsWith('application.') || t === 'message.rejected');

/** Largest `limit` of one history page. */
export const MAX_HISTORY_PAGE = 200;
/** `limit` of a history page when none is given. */
export const DEFAULT_HISTORY_PAGE = 50;

function Tenant() {
  return Type.String({ pattern: TENANT_PATTERN, description: 'The tenant (municipality or utility) the case belongs to.' });
}

function CaseStatus(description: string) {
  return StringEnum(CASE_STATUSES, { description });
}

/** Drops `contentBase64` from a file reference's properties: the history names files, it never carries them. */
function withoutContent<P extends { contentBase64: unknown; url: unknown }>(properties: P) {
  const { contentBase64: _content, url: _url, ...rest } = properties;
  return {
    ...rest,
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, description: 'Where the file can be downloaded, when it travelled by link.' })),
    inline: Type.Optional(Type.Boolean({ description: 'The content travelled inline (base64) in the event; the history never repeats it.' })),
  };
}

/** A detached signature as the history shows it: metadata, no content. */
export const HistorySignature = Type.Object(withoutContent(SignatureFileRef.properties), {
  additionalProperties: false,
  description: 'A detached signature over the file: its metadata, never its content.',
});

/** A file as the history shows it: name, media type, size, SHA-256 and link, no content. */
export const HistoryFile = Type.Object(
  {
    ...withoutContent(FileRef.properties),
    signatures: Type.Optional(Type.Array(HistorySignature, { description: 'Detached signatures over this file.' })),
  },
  { additionalProperties: false, description: 'A file of the case by its metadata; inline content is never repeated here.' },
);

/** The case's identifiers in one back-office system. */
export const CaseRegistration = Type.Object(
  {
    system: SystemId(),
    externalId: Type.Optional(ExternalId()),
    registrationNumber: Type.Optional(Line(64, { description: 'Registration number the back office gave the case.' })),
    registeredAt: Type.Optional(Timestamp({ description: 'When the back office registered the case (its own clock).' })),
  },
  { additionalProperties: false, description: 'Registration of the case in one back-office system.' },
);

/** When the case first reached a status. */
export const StatusMilestone = Type.Object(
  {
    status: CaseStatus('The status.'),
    at: Timestamp({ description: 'When the case first reached it: the time the event gives (submittedAt, registeredAt, changedAt, answeredAt).' }),
    eventId: Line(256, { description: 'Id of the event that brought the case to this status.' }),
  },
  { additionalProperties: false, description: 'The first time the case reached a status.' },
);

/** The dates a portal shows on the case card (seed 000: receipt and number, milestones, result). */
export const CaseMilestones = Type.Object(
  {
    submittedAt: Type.Optional(Timestamp({ description: 'When the applicant submitted the case (the portal clock).' })),
    registered: Type.Optional(
      Type.Object(
        {
          at: Timestamp({ description: 'Date of receipt and registration in the back office.' }),
          registrationNumber: Line(64, { description: 'The registration number.' }),
          system: SystemId(),
          dueAt: Type.Optional(Timestamp({ description: 'Deadline set at registration, if the back office has one.' })),
        },
        { additionalProperties: false, description: 'The first registration of the case.' },
      ),
    ),
    statuses: Type.Array(StatusMilestone, { description: 'Each status the case reached, the first time it reached it, in that order.' }),
    closed: Type.Optional(
      Type.Object(
        {
          status: StringEnum(FINAL_CASE_STATUSES, { description: 'answered (appeal), fulfilled or rejected.' }),
          at: Timestamp({ description: 'When the back office closed the case.' }),
        },
        { additionalProperties: false, description: 'The outcome, once the case is closed.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'Milestones of the case with their dates.' },
);

/** The most recent step of the case (rejections do not change a case and do not count). */
export const CaseLastChange = Type.Object(
  {
    type: StringEnum(HISTORY_STEP_TYPES, { description: 'Event type of the change.' }),
    eventId: Line(256, { description: 'Id of the event.' }),
    occurredAt: Timestamp({ description: 'When it happened, as the event says.' }),
    journaledAt: Timestamp({ description: 'When the hub journaled it.' }),
  },
  { additionalProperties: false, description: 'The last change to the case.' },
);

/** Response of `GET /v1/cases/{tenant}/{caseRef}`. */
export const CaseView = Type.Object(
  {
    tenant: Tenant(),
    caseRef: CaseRef(),
    kind: StringEnum(CASE_KINDS, { description: 'appeal or application.' }),
    status: CaseStatus('The current status.'),
    statusSince: Type.Optional(Timestamp({ description: 'Since when the case has this status (the time the event gave).' })),
    registrations: Type.Array(CaseRegistration, { description: 'Registration numbers and external ids, one entry per back-office system.' }),
    milestones: CaseMilestones,
    lastChange: Type.Optional(CaseLastChange),
    version: Type.Integer({ minimum: 0, description: 'Grows by one with every change the hub applied to the case; compare to tell a newer state.' }),
    openedAt: Timestamp({ description: 'When the hub opened the case.' }),
  },
  { additionalProperties: false, $id: 'urn:cabinet-hub:contracts:v1:http:case-view', title: 'CaseView', description: 'The current state of one case.' },
);

/** What a rejection step says: which message was refused and why. */
export const StepRejection = Type.Object(
  {
    rejectedEventId: Type.Optional(Line(256, { description: '`id` of the refused message, when it could be read.' })),
    rejectedType: Type.Optional(Line(256, { description: '`type` of the refused message, when it could be read.' })),
    errors: Type.Array(ContractErrorSchema, { description: 'Every contract violation, as message.rejected listed them.' }),
  },
  { additionalProperties: false, description: 'A message about this case that the hub refused.' },
);

/** One step of a case history. Which optional fields are present depends on `step`. */
export const HistoryStep = Type.Object(
  {
    step: StringEnum(HISTORY_STEPS, { description: 'What happened.' }),
    type: StringEnum(HISTORY_STEP_TYPES, { description: 'Event type of the step (message.rejected for rejections).' }),
    eventId: Line(256, { description: 'Id of the event (for a rejection: of the message.rejected the hub published).' }),
    journalId: Type.String({ format: 'uuid', description: "Id of the hub's journal entry." }),
    origin: StringEnum(STEP_ORIGINS, { description: 'portal, back-office or hub.' }),
    occurredAt: Timestamp({ description: 'When it happened, as the event says (submittedAt, registeredAt, changedAt, answeredAt, addedAt); for a rejection, when the hub refused the message.' }),
    journaledAt: Timestamp({ description: 'When the hub journaled it; the history is in this order.' }),
    author: Author,
    status: Type.Optional(CaseStatus('The status the case reached with this step (registered, status-changed, answered).')),
    previousStatus: Type.Optional(CaseStatus('The status before, as the back office reported it.')),
    comment: Type.Optional(Text(4_000, { description: 'Comment of the employee for the applicant.' })),
    registrationNumber: Type.Optional(Line(64, { description: 'Registration number (registered), or the outgoing number of the answer letter (answered).' })),
    dueAt: Type.Optional(Timestamp({ description: 'Deadline set at registration.' })),
    system: Type.Optional(SystemId()),
    externalId: Type.Optional(ExternalId()),
    text: Type.Optional(Text(MAX_APPEAL_TEXT_LENGTH, { description: 'Text of the answer (answered only).' })),
    documentKind: Type.Optional(StringEnum(APPLICATION_DOCUMENT_KINDS, { description: 'Kind of the document added (document-added only).' })),
    title: Type.Optional(Line(300, { description: 'Title of the document added.' })),
    files: Type.Optional(Type.Array(HistoryFile, { description: 'Files of the step: attachments of the submission or the answer, the document added.' })),
    rejection: Type.Optional(StepRejection),
    deadlineAction: Type.Optional(StringEnum(DEADLINE_ACTIONS, { description: 'What the back office did to the term (deadline-changed only).' })),
    until: Type.Optional(LocalDate({ description: 'The new last day of the term (deadline-changed).' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'Extension by this many days (deadline-changed).' })),
    reason: Type.Optional(Text(2_000, { description: 'Why the term changed (deadline-changed).' })),
  },
  { additionalProperties: false, description: 'One step of a case history.' },
);

/** Response of `GET /v1/cases/{tenant}/{caseRef}/history`. */
export const CaseHistory = Type.Object(
  {
    tenant: Tenant(),
    caseRef: CaseRef(),
    kind: StringEnum(CASE_KINDS, { description: 'appeal or application.' }),
    steps: Type.Array(HistoryStep, { maxItems: MAX_HISTORY_PAGE, description: 'Steps in the order the hub journaled them, oldest first.' }),
    hasMore: Type.Boolean({ description: 'More steps follow now: ask again with `cursor` = `nextCursor`.' }),
    nextCursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Opaque position after the last step of this page. Pass it as `cursor` for the next page, or later to get only the steps added since.',
      }),
    ),
  },
  { additionalProperties: false, $id: 'urn:cabinet-hub:contracts:v1:http:case-history', title: 'CaseHistory', description: 'One page of the history of a case.' },
);

/** Kind of case. */
export type CaseKind = (typeof CASE_KINDS)[number];
/** A file as the history shows it. */
export type HistoryFile = Static<typeof HistoryFile>;
/** Registration of a case in one back office. */
export type CaseRegistration = Static<typeof CaseRegistration>;
/** Milestones of a case. */
export type CaseMilestones = Static<typeof CaseMilestones>;
/** Response of `GET /v1/cases/{tenant}/{caseRef}`. */
export type CaseView = Static<typeof CaseView>;
/** One step of a case history. */
export type HistoryStep = Static<typeof HistoryStep>;
/** Response of `GET /v1/cases/{tenant}/{caseRef}/history`. */
export type CaseHistory = Static<typeof CaseHistory>;
