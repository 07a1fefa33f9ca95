import { Type } from '@sinclair/typebox';
import { Reason, type AdminRouteDoc } from './admin-route.schema';

/** Statuses of a dead letter: kept (waiting), redriving (held by a running plan), redriven, discarded, replayed (an edit was published). */
export const DEAD_LETTER_STATUSES = ['kept', 'redriving', 'redriven', 'discarded', 'replayed'] as const;

const Uuid = Type.String({ format: 'uuid' });
const When = Type.String({ format: 'date-time' });
const Maybe = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Status = Type.Union(
  DEAD_LETTER_STATUSES.map((s) => Type.Literal(s)),
  { description: 'kept: waiting; redriving: held by a running plan; redriven; discarded (kept with its body); replayed (an edited copy was published).' },
);

/** One dead letter as lists show it (no body). */
export const DeadLetterSummary = Type.Object(
  {
    id: Uuid,
    queue: Type.String({ description: 'The consumer queue that failed the message, e.g. `hub.work.edms-1c`.' }),
    tenant: Type.String(),
    messageId: Maybe(Type.String()),
    eventId: Maybe(Type.String()),
    type: Maybe(Type.String()),
    caseRef: Maybe(Type.String()),
    caseId: Maybe(Uuid),
    originalExchange: Maybe(Type.String()),
    originalRoutingKey: Maybe(Type.String()),
    reason: Type.String({ description: 'Why it failed (x-hub-error), personal data masked.' }),
    errorClass: Type.String({ description: '`permanent`, `transient` (retries exhausted) or `delivery-limit`.' }),
    attempts: Type.Integer(),
    failedAt: When,
    status: Status,
    planId: Maybe(Uuid),
    redriveCount: Type.Integer(),
    dueAt: Maybe(When),
    timeLeftMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Time left before the case\u2019s legal deadline (negative: overdue); null without a deadline.' }),
  },
  { additionalProperties: false },
);

/** Letters per queue and status. */
export const DeadLetterCounts = Type.Object(
  { queues: Type.Array(Type.Object({ queue: Type.String(), counts: Type.Record(Type.String(), Type.Integer()) }, { additionalProperties: false })) },
  { additionalProperties: false },
);

/** A page of the list; `next` is the cursor of the following page. */
export const DeadLetterList = Type.Object({ letters: Type.Array(DeadLetterSummary), next: Maybe(Type.String()) }, { additionalProperties: false });

/** A diff entry: a JSON pointer with before and after (citizen data masked for readers without pii.reveal). */
export const DeadLetterDiffEntry = Type.Object(
  { op: Type.Union([Type.Literal('add'), Type.Literal('remove'), Type.Literal('replace')]), path: Type.String(), before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) },
  { additionalProperties: false },
);

/** An edited message proposed for replay. */
export const DeadLetterEdit = Type.Object(
  {
    id: Uuid,
    deadLetterId: Uuid,
    status: Type.Union([Type.Literal('pending'), Type.Literal('rejected'), Type.Literal('replayed')]),
    citizenData: Type.Boolean({ description: 'The edit changes citizen data: a second person holding dead-letters.approve must approve it.' }),
    diff: Type.Array(DeadLetterDiffEntry),
    proposedBy: Type.String(),
    reason: Type.String(),
    proposedAt: When,
    decidedBy: Maybe(Type.String()),
    decisionReason: Maybe(Type.String()),
    decidedAt: Maybe(When),
    newMessageId: Maybe(Type.String({ description: 'The AMQP message id of the replayed copy (linked by x-hub-replay-of).' })),
  },
  { additionalProperties: false },
);

/** One letter with its message. */
export const DeadLetterDetail = Type.Object(
  {
    letter: DeadLetterSummary,
    headers: Type.Record(Type.String(), Type.Unknown()),
    message: Type.Object({ json: Type.Optional(Type.Unknown()), text: Type.Optional(Type.String()), base64: Type.Optional(Type.String()) }, { additionalProperties: false }),
    revealed: Type.Boolean({ description: 'Citizen data shown (requires pii.reveal, audited); otherwise masked as \u2022\u2022\u2022.' }),
    edits: Type.Array(DeadLetterEdit),
  },
  { additionalProperties: false },
);

/** A redrive plan and its job's progress. */
export const RedrivePlan = Type.Object(
  {
    id: Uuid,
    tenant: Type.String(),
    queue: Maybe(Type.String()),
    filters: Type.Record(Type.String(), Type.Unknown()),
    total: Type.Integer(),
    breach24h: Type.Integer({ description: 'Cases whose legal deadline falls within 24 h (or has passed).' }),
    status: Type.Union([Type.Literal('planned'), Type.Literal('running'), Type.Literal('cancelled'), Type.Literal('done')]),
    ratePerSecond: Type.Union([Type.Integer(), Type.Null()]),
    position: Type.Integer(),
    redriven: Type.Integer(),
    skipped: Type.Integer(),
    createdBy: Type.String(),
    createdAt: When,
    startedBy: Maybe(Type.String()),
    startReason: Maybe(Type.String()),
    startedAt: Maybe(When),
    cancelledBy: Maybe(Type.String()),
    cancelReason: Maybe(Type.String()),
    cancelledAt: Maybe(When),
    finishedAt: Maybe(When),
    lastError: Maybe(Type.String()),
  },
  { additionalProperties: false },
);

/** A plan with its first letters, in redrive order. */
export const RedrivePlanView = Type.Object({ plan: RedrivePlan, letters: Type.Array(DeadLetterSummary) }, { additionalProperties: false });

/** Filters of a plan (the same as the list's). */
export const RedrivePlanRequest = Type.Object(
  {
    queue: Type.Optional(Type.String()),
    errorClass: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    caseRef: Type.Optional(Type.String()),
    from: Type.Optional(When),
    to: Type.Optional(When),
  },
  { additionalProperties: false },
);

/** Starting a plan. */
export const RedriveStartRequest = Type.Object({
  reason: Reason,
  ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, description: 'Messages per second (default 5, at most deadLetters.maxRatePerSecond, default 50).' })),
});

/** Any action with only a reason (cancel, discard, approve, reject). */
export const ReasonRequest = Type.Object({ reason: Reason });

/** An edited message for replay. */
export const ReplayRequest = Type.Object({
  reason: Reason,
  message: Type.String({ description: 'The edited message as JSON text. Values left as \u2022\u2022\u2022 (masked) keep the original value.' }),
});

/** The outcome of an edit: replayed at once or waiting for approval; contract errors answer 400 `{errors}`. */
export const ReplayResponse = Type.Object({ outcome: Type.Union([Type.Literal('replayed'), Type.Literal('pending')]), edit: DeadLetterEdit }, { additionalProperties: false });

const tenantList = {
  queue: 'Consumer queue, e.g. hub.work.edms-1c',
  status: 'Comma-separated statuses (default kept,redriving)',
  errorClass: 'permanent | transient | delivery-limit',
  caseRef: 'Case reference',
  type: 'Event type',
  from: 'Failed at or after (ISO 8601)',
  to: 'Failed before (ISO 8601)',
  before: 'Cursor of the next page',
};
const q = (d: Record<string, string>) => Object.fromEntries(Object.entries(d).map(([k, description]) => [k, { schema: Type.String(), description }]));
const id = { id: { schema: Uuid, description: 'Dead letter id' } };
const planId = { planId: { schema: Uuid, description: 'Plan id' } };
const editId = { editId: { schema: Uuid, description: 'Edit id' } };
const B = '/v1/admin/{tenant}/dead-letters';
const C = '/console/dead-letters';

/** Every route of the dead-letter API and console pages. */
export const DEAD_LETTER_ROUTES: AdminRouteDoc[] = [
  { method: 'get', path: `${B}/queues`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Dead letters per queue and status', status: 200, response: DeadLetterCounts },
  { method: 'get', path: B, permission: 'dead-letters.read', scope: 'tenant', summary: 'List dead letters (filters in the query)', query: q(tenantList), status: 200, response: DeadLetterList },
  {
    method: 'get',
    path: `${B}/{id}`,
    permission: 'dead-letters.read',
    scope: 'tenant',
    summary: 'One dead letter with headers and message (citizen data masked; ?reveal=1 needs pii.reveal and is audited)',
    params: id,
    query: q({ reveal: '1 to show citizen data' }),
    status: 200,
    response: DeadLetterDetail,
  },
  {
    method: 'post',
    path: `${B}/{id}/discard`,
    permission: 'dead-letters.discard',
    scope: 'tenant',
    summary: 'Discard a kept letter (the row and body stay)',
    params: id,
    body: ReasonRequest,
    status: 200,
    response: DeadLetterSummary,
  },
  {
    method: 'post',
    path: `${B}/{id}/replay`,
    permission: 'dead-letters.replay',
    scope: 'tenant',
    summary: 'Edit and replay: validated against the contract; a change of citizen data waits for a second person',
    params: id,
    body: ReplayRequest,
    status: 200,
    response: ReplayResponse,
  },
  {
    method: 'post',
    path: `${B}/plans`,
    permission: 'dead-letters.redrive',
    scope: 'tenant',
    summary: 'Create a redrive plan (nothing is sent)',
    body: RedrivePlanRequest,
    status: 201,
    response: RedrivePlanView,
  },
  { method: 'get', path: `${B}/plans`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Recent redrive plans', status: 200, response: Type.Object({ plans: Type.Array(RedrivePlan) }) },
  {
    method: 'get',
    path: `${B}/plans/{planId}`,
    permission: 'dead-letters.read',
    scope: 'tenant',
    summary: 'A plan, its progress and its first letters',
    params: planId,
    status: 200,
    response: RedrivePlanView,
  },
  {
    method: 'post',
    path: `${B}/plans/{planId}/start`,
    permission: 'dead-letters.redrive',
    scope: 'tenant',
    summary: 'Start a plan as a rate-limited background job',
    params: planId,
    body: RedriveStartRequest,
    status: 200,
    response: RedrivePlan,
  },
  {
    method: 'post',
    path: `${B}/plans/{planId}/cancel`,
    permission: 'dead-letters.redrive',
    scope: 'tenant',
    summary: 'Cancel a planned or running plan',
    params: planId,
    body: ReasonRequest,
    status: 200,
    response: RedrivePlan,
  },
  {
    method: 'get',
    path: `${B}/edits`,
    permission: 'dead-letters.read',
    scope: 'tenant',
    summary: 'Edits waiting for approval',
    status: 200,
    response: Type.Object({ edits: Type.Array(DeadLetterEdit) }),
  },
  {
    method: 'post',
    path: `${B}/edits/{editId}/approve`,
    permission: 'dead-letters.approve',
    scope: 'tenant',
    summary: 'Approve an edit (not by its proposer); it is published',
    params: editId,
    body: ReasonRequest,
    status: 200,
    response: DeadLetterEdit,
  },
  {
    method: 'post',
    path: `${B}/edits/{editId}/reject`,
    permission: 'dead-letters.approve',
    scope: 'tenant',
    summary: 'Reject an edit; the letter stays kept',
    params: editId,
    body: ReasonRequest,
    status: 200,
    response: DeadLetterEdit,
  },
  {
    method: 'get',
    path: C,
    permission: 'dead-letters.read',
    scope: 'any',
    summary: 'Console: queues with counts and the list with filters',
    query: q({ tenant: 'Tenant', ...tenantList }),
    html: true,
  },
  { method: 'get', path: `${C}/{tenant}/letters/{id}`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Console: one letter, discard and edit-and-replay forms', params: id, html: true },
  { method: 'post', path: `${C}/{tenant}/letters/{id}/discard`, permission: 'dead-letters.discard', scope: 'tenant', summary: 'Console: discard (form)', params: id, html: true },
  {
    method: 'post',
    path: `${C}/{tenant}/letters/{id}/replay`,
    permission: 'dead-letters.replay',
    scope: 'tenant',
    summary: 'Console: edit and replay (form; contract errors shown)',
    params: id,
    html: true,
  },
  { method: 'post', path: `${C}/{tenant}/plans`, permission: 'dead-letters.redrive', scope: 'tenant', summary: 'Console: create a plan (form)', html: true },
  { method: 'get', path: `${C}/{tenant}/plans/{planId}`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Console: a plan, start and cancel forms, progress', params: planId, html: true },
  { method: 'get', path: `${C}/{tenant}/plans/{planId}/progress`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Console: progress fragment (htmx polling)', params: planId, html: true },
  { method: 'post', path: `${C}/{tenant}/plans/{planId}/start`, permission: 'dead-letters.redrive', scope: 'tenant', summary: 'Console: start a plan (form)', params: planId, html: true },
  { method: 'post', path: `${C}/{tenant}/plans/{planId}/cancel`, permission: 'dead-letters.redrive', scope: 'tenant', summary: 'Console: cancel a plan (form)', params: planId, html: true },
  { method: 'get', path: `${C}/{tenant}/approvals`, permission: 'dead-letters.read', scope: 'tenant', summary: 'Console: edits waiting for approval', html: true },
  { method: 'post', path: `${C}/{tenant}/edits/{editId}/approve`, permission: 'dead-letters.approve', scope: 'tenant', summary: 'Console: approve an edit (form)', params: editId, html: true },
  { method: 'post', path: `${C}/{tenant}/edits/{editId}/reject`, permission: 'dead-letters.approve', scope: 'tenant', summary: 'Console: reject an edit (form)', params: editId, html: true },
];
