/**
 * Builds the OpenAPI 3.1 document of the hub's HTTP API from the same TypeBox sources as the
 * JSON Schemas and the AsyncAPI document. OpenAPI 3.1 schemas are JSON Schema (2020-12), so the
 * TypeBox schemas go in as they are. The hub serves this very document at `GET /v1/openapi.json`,
 * and `contracts/openapi.json` is it on disk (a test keeps the two the same).
 */
import type { TSchema } from '@sinclair/typebox';
import { exampleCaseDeadline, exampleCaseHistory, exampleCaseView } from '../examples/case-view.examples';
import { CaseDeadlineView } from '../model/deadline.schema';
import { exampleEvent } from '../examples/event.examples';
import { CASE_KINDS, CaseHistory, CaseView, DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE } from '../model/case-view.schema';
import { TENANT_PATTERN } from '../model/envelope.schema';
import { INBOUND_EVENT_TYPES } from '../model/event-catalog.registry';
import { CLOUDEVENTS_CONTENT_TYPE, CONTRACT_VERSION, type EventType } from '../model/event-type.constants';
import { ErrorResponse, EventAccepted, HealthResponse } from '../model/http.schema';
import { CASE_REF_MAX_LENGTH } from '../model/primitives.schema';
import { eventJsonSchema, ordered } from './json-schema.builder';
import { adminPaths, operationalPaths } from './admin-openapi.builder';

/** Path of the OpenAPI document, relative to `contracts/`. */
export const OPENAPI_FILE = 'openapi.json';

/** `appeal.status-changed` -> `AppealStatusChanged`: a component name that code generators turn into a class name. */
function componentName(type: EventType): string {
  return type.replace(/(^|[.-])([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());
}

/** A TypeBox schema as plain JSON Schema for components: no TypeBox symbols, no `$id` (components are named by their key). */
function plain(schema: TSchema | Record<string, unknown>): Record<string, unknown> {
  const { $id: _id, $schema: _dialect, $comment: _comment, ...rest } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return ordered(rest);
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorAnswer = (description: string, reason: string, extra: Record<string, unknown> = {}) => ({
  description,
  content: { 'application/json': { schema: ref('ErrorResponse'), example: { errors: [{ pointer: '', reason, ...extra }] } } },
});

const DESCRIPTION = `The HTTP interface of cabinet-hub, contract ${CONTRACT_VERSION}: portals publish events and read the state
and history of their cases; operators check health. The AMQP interface (\`cabinet.in\`, \`cabinet.out\`)
is described by \`contracts/asyncapi.yaml\`; the events here are the same CloudEvents.

**Authorization.** \`Authorization: Bearer <token>\`, a token of a publisher (\`publishers.<name>.httpTokens\`)
or of a tenant (\`tenants.<t>.ingressTokens\`). Reading a case needs exactly what publishing for its
tenant needs: no or an unknown token is \`401\`, a token for another tenant \`403\` (whether or not the case
exists there). A publisher's \`types\` also bound the kinds of case it reads: with some \`appeal.*\` type it
reads appeals, with some \`application.*\` type applications. A tenant configured open
(\`tenants.<t>.http.open\`, for demonstrations) needs no token, for publishing and reading alike.

**Cases.** A case is one appeal or one application, named by the portal's \`caseRef\` within a tenant.
Appeals and applications are separate: a tenant may have one of each with the same \`caseRef\`, and then
\`?kind=\` must say which (\`409\` otherwise). The state and the history are read models of what the hub
journaled: the applicant's contacts, identity and texts are never returned, files only by their
metadata (name, media type, size, SHA-256, link), never their inline content.

**History.** Every step, oldest first, in the order the hub journaled it: the submission, the
registration, each status change, the answer, each document added (from the portal or from the back
office), and each message about the case the hub refused (\`message.rejected\`). Each step has its
author, the time the event gives (\`occurredAt\`) and the hub's journal time (\`journaledAt\`), its event
type and id. Results the hub journaled as \`ignored\` (a back office reporting a state the case has
passed) are left out: the portal never received them on \`cabinet.out\`, and the history is what the
portal was told. Pages are keyset pages: \`nextCursor\` is a position after the page's last step, valid
for as long as the journal keeps the case; pass it as \`cursor\` for the next page, or later to get only
steps added since. A page ends early (with \`hasMore\`) when its steps carry more than 8 MiB of journaled
events.`;

/** The OpenAPI 3.1.0 document as plain data, ready for JSON serialisation. */
export function buildOpenApi(): Record<string, unknown> {
  const inbound = INBOUND_EVENT_TYPES.map((t) => [componentName(t), t] as const);
  const caseParams = [
    { name: 'tenant', in: 'path', required: true, description: 'The tenant of the case.', schema: { type: 'string', pattern: TENANT_PATTERN } },
    { name: 'caseRef', in: 'path', required: true, description: "The portal's case reference, URL-encoded.", schema: { type: 'string', minLength: 1, maxLength: CASE_REF_MAX_LENGTH } },
    { name: 'kind', in: 'query', required: false, description: 'appeal or application; needed only when the tenant has both with this caseRef.', schema: { type: 'string', enum: [...CASE_KINDS] } },
  ];
  const readErrors = {
    '400': errorAnswer('A query parameter is wrong or unknown.', 'must be one of: appeal, application', { parameter: 'kind' }),
    '401': errorAnswer('No token, or a token the hub does not know.', 'a bearer token is required (Authorization: Bearer <token>)'),
    '403': errorAnswer('The token does not cover this tenant, or this kind of case.', 'this token may not read cases of this tenant'),
    '404': errorAnswer('The tenant has no such case (of the kinds the token reads).', 'this tenant has no case with this caseRef'),
    '409': errorAnswer(
      'The tenant has an appeal and an application with this caseRef; say which with ?kind=.',
      'this tenant has an appeal and an application with this caseRef: ask for one with ?kind=appeal or ?kind=application',
      { parameter: 'kind' },
    ),
    '503': errorAnswer('The database is not reachable; retry later.', 'the database is not reachable; retry later'),
  };
  return {
    openapi: '3.1.0',
    info: { title: 'cabinet-hub HTTP API', version: CONTRACT_VERSION, description: DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/', description: 'The hub serving this document.' }],
    tags: [
      { name: 'events', description: 'Publishing events over HTTP (CloudEvents HTTP binding, structured mode).' },
      { name: 'cases', description: 'The state and history of a case, for portals.' },
      { name: 'evidence', description: 'Evidence packs of cases from the tamper-evident journal, for the console.' },
      { name: 'operations', description: 'Health, metrics and this document.' },
      { name: 'webhooks', description: "Providers' delivery callbacks." },
      { name: 'notifications', description: 'Notification templates.' },
      { name: 'kpi', description: "Managers' KPIs of a tenant." },
      { name: 'files', description: 'Signed download links.' },
      {
        name: 'admin',
        description:
          'The admin API: API tokens (`cabinet-hub token create`) or a console session; roles viewer, operator, admin, auditor, pii-reader per tenant; every state change needs a reason and is audited.',
      },
      { name: 'console', description: 'The web console (HTML pages under /console), signed in through OpenID Connect.' },
    ],
    paths: {
      '/v1/events': {
        post: {
          tags: ['events'],
          operationId: 'publishEvent',
          summary: 'Publish one event',
          description:
            'The event follows the AMQP path: it is published to `cabinet.in` with a confirm, then journaled, de-duplicated on `source` + `id` and routed. An invalid event is journaled and answered with every error at once (and with `message.rejected` on `cabinet.out`). Resend with the same `id` when unsure.',
          security: [{ bearer: [] }, {}],
          requestBody: {
            required: true,
            content: {
              [CLOUDEVENTS_CONTENT_TYPE]: {
                schema: {
                  oneOf: inbound.map(([name]) => ref(name)),
                  discriminator: { propertyName: 'type', mapping: Object.fromEntries(inbound.map(([name, type]) => [type, `#/components/schemas/${name}`])) },
                },
                example: exampleEvent('application.submitted'),
              },
            },
          },
          responses: {
            '202': {
              description: 'On the broker; it is journaled and routed from there.',
              content: { 'application/json': { schema: ref('EventAccepted'), example: { id: exampleEvent('application.submitted').id } } },
            },
            '400': errorAnswer('The event breaks the contract: every error, each with a JSON pointer; `journalId` names the journal entry.', 'must not be empty', { pointer: '/data/text' }),
            '401': errorAnswer('No token, or a token the hub does not know (nothing is journaled).', 'the bearer token is not valid'),
            '403': errorAnswer("The event is well formed but outside the token's rights (tenant or type).", 'this publisher may not publish for this tenant', { pointer: '/tenant' }),
            '413': errorAnswer('The body is larger than `hub.maxBodyBytes`.', 'message is 2000000 bytes; the limit is 1048576 bytes (send large files by URL)'),
            '503': errorAnswer('The broker is not reachable; retry later with the same id.', 'the message broker is not reachable; retry later with the same id'),
          },
        },
      },
      '/v1/cases/{tenant}/{caseRef}': {
        get: {
          tags: ['cases'],
          operationId: 'getCase',
          summary: 'The current state of a case',
          description: 'Kind, status and since when, registrations per back-office system, milestones with their dates, the last change and the version.',
          security: [{ bearer: [] }, {}],
          parameters: caseParams,
          responses: {
            '200': { description: 'The case.', content: { 'application/json': { schema: ref('CaseView'), example: exampleCaseView() } } },
            ...readErrors,
          },
        },
      },
      '/v1/cases/{tenant}/{caseRef}/history': {
        get: {
          tags: ['cases'],
          operationId: 'getCaseHistory',
          summary: 'The history of a case, oldest step first',
          security: [{ bearer: [] }, {}],
          parameters: [
            ...caseParams,
            {
              name: 'limit',
              in: 'query',
              required: false,
              description: `Most steps on the page (default ${DEFAULT_HISTORY_PAGE}, at most ${MAX_HISTORY_PAGE}).`,
              schema: { type: 'integer', minimum: 1, maximum: MAX_HISTORY_PAGE, default: DEFAULT_HISTORY_PAGE },
            },
            { name: 'cursor', in: 'query', required: false, description: '`nextCursor` of an earlier page: the steps after it.', schema: { type: 'string', maxLength: 200 } },
          ],
          responses: {
            '200': { description: 'One page of steps.', content: { 'application/json': { schema: ref('CaseHistory'), example: exampleCaseHistory() } } },
            ...readErrors,
          },
        },
      },
      '/v1/cases/{tenant}/{caseRef}/deadline': {
        get: {
          tags: ['cases'],
          operationId: 'getCaseDeadline',
          summary: 'The statutory term of an appeal, and why it ends when it does',
          description:
            "Computed on every read from the case's own events (receipt, registration, pauses, extensions, the answer) and the tenant's business calendar: the due date, the milestones, and every day from the start to the due date with the reason it counted or was skipped (weekend, public holiday, transferred day off, martial law). `404` also for a case of a tenant without deadlines.",
          security: [{ bearer: [] }, {}],
          parameters: caseParams.filter((p) => p.name !== 'kind'),
          responses: {
            '200': { description: 'The term.', content: { 'application/json': { schema: ref('CaseDeadlineView'), example: exampleCaseDeadline() } } },
            ...readErrors,
          },
        },
      },
      '/v1/evidence/{tenant}/{caseRef}.zip': {
        get: {
          tags: ['evidence'],
          operationId: 'getEvidencePack',
          summary: 'The evidence pack of a case (ZIP)',
          description:
            "Every chained journal entry (bodies included) and audit line of the case, its files, the tenant's hash-chain segment up to the covering checkpoint (other cases' entries as hashes only), the RFC 3161 time-stamp token and a manifest. Check it offline with `cabinet-hub evidence verify <file>`. Guarded like the case API; the admin console with its own roles comes later.",
          security: [{ bearer: [] }, {}],
          parameters: caseParams.slice(0, 2),
          responses: {
            '200': { description: 'The pack.', content: { 'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } } } },
            '401': readErrors['401'],
            '403': errorAnswer('The token does not cover this tenant, or the caseRef is also a case of a kind the token may not read.', 'this token may not read cases of this tenant'),
            '404': readErrors['404'],
          },
        },
      },
      '/health': {
        get: {
          tags: ['operations'],
          operationId: 'getHealth',
          summary: 'Liveness and readiness',
          description: 'Needs no token. 503 while the broker or the database is away, and during startup until the database answers.',
          responses: {
            '200': {
              description: 'Broker and database are up.',
              content: {
                'application/json': {
                  schema: ref('HealthResponse'),
                  example: { status: 'ok', broker: 'up', database: 'up', outboxRelayLeader: true, adapters: { 'edms-kyiv': { ok: true, breaker: 'closed' } } },
                },
              },
            },
            '503': {
              description: 'Degraded, or starting.',
              content: { 'application/json': { schema: ref('HealthResponse'), example: { status: 'starting', waitingFor: ['postgresql'] } } },
            },
          },
        },
      },
      '/v1/openapi.json': {
        get: {
          tags: ['operations'],
          operationId: 'getOpenApi',
          summary: 'This document',
          responses: { '200': { description: 'The OpenAPI document of this hub.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      ...operationalPaths(),
      ...adminPaths(),
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A publisher token (`publishers.<name>.httpTokens`) or a tenant token (`tenants.<t>.ingressTokens`).' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'An admin API token (`chb_…`): `cabinet-hub token create` or the console’s API tokens page.' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'hub_console', description: 'The console session after an OpenID Connect sign-in.' },
      },
      schemas: {
        CaseView: plain(CaseView),
        CaseHistory: plain(CaseHistory),
        CaseDeadlineView: plain(CaseDeadlineView),
        ErrorResponse: plain(ErrorResponse),
        EventAccepted: plain(EventAccepted),
        HealthResponse: plain(HealthResponse),
        ...Object.fromEntries(inbound.map(([name, type]) => [name, plain(eventJsonSchema(type))])),
      },
    },
  };
}
