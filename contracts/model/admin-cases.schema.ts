/**
 * The admin API and console pages of cases (issue 10, items 3-5): find a case, its timeline, the
 * message view, and the audited reveal of a masked field. Personal data is masked in every
 * answer (`•••` and a harmless hint: the last two digits of a phone, the domain of an e-mail,
 * the length of a text); `pii.reveal` reveals one field at a time, with a reason, audited.
 */
import { Type } from '@sinclair/typebox';
import { Reason, type AdminRouteDoc } from './admin-route.schema';

const Str = (description: string, maxLength = 256) => Type.String({ maxLength, description });
const DateOnly = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

/** A masked field: where it is, what kind of personal data, a hint, whether it may be revealed. */
export const AdminMaskedField = Type.Object(
  {
    pointer: Type.String({ description: 'RFC 6901 pointer into the document it was masked in ("" is the whole body of a message that is not JSON).' }),
    kind: Type.String({
      description: 'name, email, phone, messenger-id, contact, tax-id, person-ref, text, address, geo, file-name, file-content, secret or unvalidated (anything under `data` of a refused message).',
    }),
    hint: Type.Optional(Type.String()),
    revealable: Type.Boolean({ description: 'False for file contents and link tokens: never revealed here.' }),
  },
  { additionalProperties: false },
);

/** A case in the search results. */
export const AdminCaseListItem = Type.Object(
  {
    tenant: Type.String(),
    kind: Type.Union([Type.Literal('appeal'), Type.Literal('application')]),
    caseRef: Type.String(),
    status: Type.String(),
    statusSince: Type.Optional(Type.String({ format: 'date-time' })),
    registrations: Type.Array(Type.Object({ system: Type.String(), registrationNumber: Type.Optional(Type.String()), externalId: Type.Optional(Type.String()) }, { additionalProperties: false })),
    openedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    deadline: Type.Optional(Type.Object({ dueDate: Type.Optional(Type.String()), overdue: Type.Boolean() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** A page of the search. */
export const AdminCaseSearchPage = Type.Object(
  { cases: Type.Array(AdminCaseListItem), nextCursor: Type.Optional(Type.String({ description: 'Pass as `cursor` for the next page; absent on the last.' })) },
  { additionalProperties: false },
);

/** One step of the timeline. */
export const AdminTimelineItem = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    category: Type.String({ description: 'ingress, validation, rejection, routing, attempt, registration, status, answer, document, notification, deadline, note, dead-letter.' }),
    source: Type.String({ description: 'journal, attempts (with `breakerState`), audit (status changes with their actor), notifications (per channel with the provider message id), dead-letters.' }),
    type: Type.String(),
    journalId: Type.Optional(Type.String({ format: 'uuid', description: 'The message view of this step.' })),
    summary: Type.Record(Type.String(), Type.Unknown(), { description: 'What the step says, personal data masked.' }),
  },
  { additionalProperties: false },
);

/** A case's timeline: the case with its contacts masked, and every step in time order. */
export const AdminCaseTimeline = Type.Object(
  {
    case: Type.Object(
      {
        tenant: Type.String(),
        kind: Type.String(),
        caseRef: Type.String(),
        status: Type.String(),
        statusSince: Type.Optional(Type.String({ format: 'date-time' })),
        version: Type.Integer(),
        openedAt: Type.String({ format: 'date-time' }),
        updatedAt: Type.String({ format: 'date-time' }),
        registrations: Type.Array(Type.Record(Type.String(), Type.String())),
        contacts: Type.Unknown({ description: '`{ citizenRef, recipient }`, masked; reveal by pointer (e.g. `/recipient/phone`).' }),
        maskedFields: Type.Array(AdminMaskedField),
        deadline: Type.Optional(
          Type.Object(
            {
              profile: Type.String(),
              dueDate: Type.Optional(Type.String()),
              dueAt: Type.Optional(Type.String()),
              overdue: Type.Boolean(),
              extensions: Type.Integer(),
              answeredAt: Type.Optional(Type.String()),
            },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    items: Type.Array(AdminTimelineItem),
    sources: Type.Array(Type.String()),
    truncated: Type.Boolean({ description: 'The case has more journal entries (or larger bodies) than one timeline reads.' }),
  },
  { additionalProperties: false },
);

/** A delivery attempt as recorded. */
export const AdminAttempt = Type.Object(
  {
    messageId: Type.String(),
    consumer: Type.String(),
    attempt: Type.Integer(),
    startedAt: Type.String({ format: 'date-time' }),
    durationMs: Type.Integer(),
    outcome: Type.String({ description: 'ok, transient, permanent, duplicate, rejected.' }),
    error: Type.Optional(Type.String()),
    breakerState: Type.Optional(Type.String({ description: 'The circuit breaker as the attempt met it: closed, half-open (the trial call), open (turned away, not called).' })),
  },
  { additionalProperties: false },
);

/** A journal entry, its body masked. */
export const AdminMessageView = Type.Object(
  {
    journal: Type.Object(
      {
        id: Type.String({ format: 'uuid' }),
        at: Type.String({ format: 'date-time' }),
        direction: Type.String(),
        via: Type.String(),
        status: Type.String(),
        tenant: Type.Optional(Type.String()),
        source: Type.Optional(Type.String()),
        eventId: Type.Optional(Type.String()),
        type: Type.Optional(Type.String()),
        subject: Type.Optional(Type.String()),
        correlationId: Type.Optional(Type.String()),
        dedupeKey: Type.Optional(Type.String()),
        routes: Type.Array(Type.String()),
        errors: Type.Unknown({ description: 'Contract errors of a refused message (reasons masked like log lines).' }),
        bodySize: Type.Integer(),
        bodyTruncated: Type.Boolean(),
        bodyErased: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    event: Type.Unknown({ description: 'The CloudEvent as journaled (attributes and data), personal data masked; everything under `data` of a refused message.' }),
    maskedFields: Type.Array(AdminMaskedField),
    attempts: Type.Array(AdminAttempt),
  },
  { additionalProperties: false },
);

/** A reveal: which field, and why. */
export const AdminRevealRequest = Type.Object(
  {
    pointer: Type.String({ maxLength: 512, description: 'A pointer listed in `maskedFields` with `revealable: true`.' }),
    reason: Reason,
    kind: Type.Optional(Type.Union([Type.Literal('appeal'), Type.Literal('application')], { description: 'Case reveal only: which case when both kinds share the caseRef.' })),
  },
  { additionalProperties: false },
);

/** The revealed value; the audit keeps the target, reason and kind, never the value. */
export const AdminRevealed = Type.Object(
  {
    target: Type.String({ description: '`message:<journalId>#<pointer>` or `case:<kind>:<caseRef>#<pointer>`: the audit line target.' }),
    pointer: Type.String(),
    kind: Type.String(),
    value: Type.Unknown(),
  },
  { additionalProperties: false },
);

export const AdminContactHashRequest = Type.Object({ contact: Type.String({ maxLength: 320, description: 'A phone with its country code, or an e-mail.' }) }, { additionalProperties: false });
export const AdminContactHash = Type.Object(
  { kind: Type.Union([Type.Literal('phone'), Type.Literal('email')]), contactHash: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);

const SEARCH_QUERY: AdminRouteDoc['query'] = {
  caseRef: { schema: Str('The case reference in the cabinet.', 128), description: 'Exact case reference.' },
  kind: { schema: Type.Union([Type.Literal('appeal'), Type.Literal('application')]), description: 'Only this kind.' },
  status: { schema: Str('A case status.', 64), description: 'Current status (submitted, registered, answered, …).' },
  registrationNumber: { schema: Str('Registration number.', 64), description: 'A registration number in any back office.' },
  externalId: { schema: Str('Back-office id.'), description: 'A back-office id of the case (e.g. the 1C document GUID).' },
  eventId: { schema: Str('CloudEvents id.'), description: 'The case has a journal entry with this event id.' },
  contactHash: {
    schema: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
    description:
      'SHA-256 hex of the phone as digits only (E.164 without +, `380441234567`) or of the e-mail trimmed and in lower case. Never the contact itself: `phone`, `email`, `contact` are refused with 400.',
  },
  adapter: { schema: Str('Adapter instance id.', 128), description: 'A message of the case was routed to this adapter instance, or a result came from it.' },
  dueFrom: { schema: DateOnly('YYYY-MM-DD'), description: 'The computed statutory term ends on or after this day.' },
  dueTo: { schema: DateOnly('YYYY-MM-DD'), description: 'The computed statutory term ends on or before this day.' },
  overdue: {
    schema: Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]),
    description: 'Only overdue (true) or only in-time (false) cases with a computed term.',
  },
  paused: { schema: Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]), description: 'Only terms standing still (true) or running (false).' },
  addressee: { schema: Type.String({ maxLength: 256 }), description: 'Only terms with this executor (empty: none named), as the dashboard links them.' },
  limit: { schema: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), description: 'Cases per page.' },
  cursor: { schema: Type.String({ maxLength: 200 }), description: '`nextCursor` of the previous page.' },
};

const CASE_REF = { caseRef: { schema: Type.String({ maxLength: 128 }), description: 'The case reference.' } };
const JOURNAL_ID = { journalId: { schema: Type.String({ format: 'uuid' }), description: 'The journal entry id.' } };
const KIND = { kind: { schema: Type.Union([Type.Literal('appeal'), Type.Literal('application')]), description: 'Which case when an appeal and an application share the caseRef (409 otherwise).' } };

/** Every route of the admin cases area, API and console. */
export const ADMIN_CASES_ROUTES: AdminRouteDoc[] = [
  {
    method: 'get',
    path: '/v1/admin/{tenant}/cases',
    permission: 'cases.read',
    scope: 'tenant',
    summary: 'Find cases',
    description: 'Newest first, keyset pages. Every filter is a query parameter, so a search can be shared as a link.',
    query: SEARCH_QUERY,
    status: 200,
    response: AdminCaseSearchPage,
  },
  {
    method: 'post',
    path: '/v1/admin/contact-hash',
    permission: 'cases.read',
    scope: 'any',
    summary: 'Hash a contact for the search',
    description: 'Normalises a phone (digits) or e-mail (lower case) and returns its SHA-256, to pass as `contactHash`. Not audited: it reads nothing.',
    body: AdminContactHashRequest,
    status: 200,
    response: AdminContactHash,
  },
  {
    method: 'get',
    path: '/v1/admin/{tenant}/cases/{caseRef}/timeline',
    permission: 'cases.read',
    scope: 'tenant',
    summary: 'The timeline of a case',
    description:
      'Ingress, validation and refusals, routing, each adapter attempt with the breaker state, registrations, status changes with authors, documents, notifications per channel, deadline events (and dead letters), in time order; personal data masked.',
    params: CASE_REF,
    query: KIND,
    status: 200,
    response: AdminCaseTimeline,
  },
  {
    method: 'post',
    path: '/v1/admin/{tenant}/cases/{caseRef}/reveal',
    permission: 'pii.reveal',
    scope: 'tenant',
    summary: "Reveal one masked field of a case's contacts",
    description: 'Needs `pii.reveal` and `cases.read` for the tenant and a reason; audited as `pii.reveal` (target, reason, kind; never the value).',
    params: CASE_REF,
    body: AdminRevealRequest,
    status: 200,
    response: AdminRevealed,
  },
  {
    method: 'get',
    path: '/v1/admin/{tenant}/messages/{journalId}',
    permission: 'cases.read',
    scope: 'tenant',
    summary: 'A journal entry: attributes, routing, status, de-duplication key, errors, body size, attempts; body masked',
    params: JOURNAL_ID,
    status: 200,
    response: AdminMessageView,
  },
  {
    method: 'post',
    path: '/v1/admin/{tenant}/messages/{journalId}/reveal',
    permission: 'pii.reveal',
    scope: 'tenant',
    summary: 'Reveal one masked field of a journal entry',
    description: 'Needs `pii.reveal` and `cases.read` for the tenant and a reason; audited as `pii.reveal` (target, reason, kind; never the value).',
    params: JOURNAL_ID,
    body: AdminRevealRequest,
    status: 200,
    response: AdminRevealed,
  },
  {
    method: 'get',
    path: '/console/cases',
    permission: 'cases.read',
    scope: 'any',
    summary: 'Find a case (console)',
    query: { ...SEARCH_QUERY, tenant: { schema: Type.String(), description: 'One of your tenants; all of them when absent.' } },
    html: true,
  },
  {
    method: 'post',
    path: '/console/cases/contact',
    permission: 'cases.read',
    scope: 'any',
    summary: 'Find by contact (console form)',
    description: 'Form fields `contact`, `tenant`, `_csrf`; answers 303 to /console/cases?contactHash=… (the contact never reaches a URL).',
    html: true,
  },
  {
    method: 'get',
    path: '/console/cases/{tenant}/{caseRef}',
    permission: 'cases.read',
    scope: 'tenant',
    summary: 'A case with its timeline and the message view beside it (console)',
    params: CASE_REF,
    query: KIND,
    html: true,
  },
  {
    method: 'post',
    path: '/console/cases/{tenant}/{caseRef}/reveal',
    permission: 'pii.reveal',
    scope: 'tenant',
    summary: 'Reveal a field of the case (console form; htmx gets the table row)',
    params: CASE_REF,
    query: KIND,
    html: true,
  },
  {
    method: 'get',
    path: '/console/messages/{tenant}/{journalId}',
    permission: 'cases.read',
    scope: 'tenant',
    summary: 'The message view (console; with `HX-Request` the fragment only)',
    params: JOURNAL_ID,
    html: true,
  },
  {
    method: 'post',
    path: '/console/messages/{tenant}/{journalId}/reveal',
    permission: 'pii.reveal',
    scope: 'tenant',
    summary: 'Reveal a field of a journal entry (console form; htmx gets the table row)',
    params: JOURNAL_ID,
    html: true,
  },
];
