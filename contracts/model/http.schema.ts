/**
 * Bodies of the hub's HTTP answers that are not events: the error list every endpoint answers
 * with, the ingress acknowledgement and the health report.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Line, StringEnum } from './primitives.schema';
import { MAX_CONTRACT_ERRORS, MAX_POINTER_LENGTH } from './rejection.schema';

/** One problem with a request. */
export const HttpError = Type.Object(
  {
    pointer: Type.String({
      format: 'json-pointer',
      maxLength: MAX_POINTER_LENGTH,
      description: 'RFC 6901 JSON pointer into the submitted event; "" is the whole request.',
    }),
    parameter: Type.Optional(Line(64, { description: 'The path or query parameter at fault, for a bad parameter.' })),
    reason: Type.String({ minLength: 1, maxLength: 1024, description: 'What is wrong, phrased so that a person can fix it; never quotes the input.' }),
  },
  { additionalProperties: false, description: 'One problem with the request.' },
);

/** Every error answer of the HTTP API (400, 401, 403, 404, 409, 413, 503). */
export const ErrorResponse = Type.Object(
  {
    errors: Type.Array(HttpError, { minItems: 1, maxItems: MAX_CONTRACT_ERRORS }),
    journalId: Type.Optional(Type.String({ format: 'uuid', description: "For a refused event: the hub's journal entry holding it." })),
  },
  { additionalProperties: false, description: 'Why the request was not served.' },
);

/** `202` of `POST /v1/events`. */
export const EventAccepted = Type.Object(
  { id: Line(256, { description: 'The `id` of the accepted event.' }) },
  { additionalProperties: false, description: 'The event is on the broker; it is journaled and routed from there.' },
);

/** Health of one adapter instance. */
export const AdapterHealth = Type.Object(
  {
    ok: Type.Boolean({ description: 'The external system answers.' }),
    detail: Type.Optional(Type.String({ description: 'Why not, without secrets.' })),
    breaker: Type.String({ description: 'State of the circuit breaker: closed, open or half-open.' }),
  },
  { additionalProperties: false, description: 'Health of one adapter instance.' },
);

/** Body of `GET /health`: 200 with `ok`, 503 with `degraded` or, during startup, `starting`. */
export const HealthResponse = Type.Object(
  {
    status: StringEnum(['ok', 'degraded', 'starting'] as const, { description: '`ok`: broker and database are up.' }),
    waitingFor: Type.Optional(Type.Array(StringEnum(['postgresql', 'rabbitmq'] as const), { description: 'What the hub waits for to come back.' })),
    broker: Type.Optional(StringEnum(['up', 'down'] as const)),
    database: Type.Optional(StringEnum(['up', 'down'] as const)),
    outboxRelayLeader: Type.Optional(Type.Boolean({ description: 'This instance runs the outbox relay.' })),
    adapters: Type.Optional(Type.Record(Type.String(), AdapterHealth, { description: 'Adapter instances by id; an external system being down does not make the hub degraded.' })),
  },
  { additionalProperties: false, description: 'Liveness and readiness of this hub instance.' },
);

/** One problem with a request. */
export type HttpError = Static<typeof HttpError>;
/** An error answer of the HTTP API. */
export type ErrorResponse = Static<typeof ErrorResponse>;
