/**
 * `data` schema of `message.rejected`, the hub's answer to a message it could not accept.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Line, StringEnum, Timestamp } from './primitives.schema';

/** Transports a message can reach the hub by. */
export const INGRESS_TRANSPORTS = ['amqp', 'http'] as const;

/**
 * Most errors reported for one message. A message with thousands of problems is better served
 * by the first few; it also bounds the size of the rejection and of the HTTP 400 body.
 */
export const MAX_CONTRACT_ERRORS = 50;

/** Longest `pointer` in a rejection; longer ones (only producer-chosen keys make them) point at the parent. */
export const MAX_POINTER_LENGTH = 1024;

/** One contract violation: where it is and what to do about it. Never contains data values. */
export const ContractErrorSchema = Type.Object(
  {
    pointer: Type.String({
      format: 'json-pointer',
      maxLength: MAX_POINTER_LENGTH,
      description: 'RFC 6901 JSON pointer into the rejected message; "" is the whole message.',
    }),
    reason: Type.String({ minLength: 1, maxLength: 1024, description: 'What is wrong, phrased so that a person can fix it.' }),
  },
  { additionalProperties: false, description: 'One contract violation.' },
);

/** `data` of `message.rejected`. */
export const MessageRejected = Type.Object(
  {
    // Copied from a message that failed validation, so only when readable: a single-line string
    // within the envelope's limits. Anything else is left out rather than echoed.
    originalId: Type.Optional(Line(256, { description: '`id` of the rejected message, if it was readable.' })),
    originalSource: Type.Optional(Line(512, { description: '`source` of the rejected message, if it was readable.' })),
    originalType: Type.Optional(
      Line(256, {
        description: '`type` of the rejected message, if it was readable; may be a type the hub does not know.',
      }),
    ),
    receivedVia: StringEnum(INGRESS_TRANSPORTS, { description: 'How the rejected message reached the hub.' }),
    journalId: Type.String({ format: 'uuid', description: "Id of the hub's journal entry holding the rejected message." }),
    errors: Type.Array(ContractErrorSchema, { minItems: 1, maxItems: MAX_CONTRACT_ERRORS }),
    rejectedAt: Timestamp({ description: 'When the hub rejected the message.' }),
  },
  { additionalProperties: false, description: 'The hub rejected a message; nothing downstream saw it.' },
);

/** Transport a message reached the hub by. */
export type IngressTransport = (typeof INGRESS_TRANSPORTS)[number];
/** `data` of `message.rejected`. */
export type MessageRejected = Static<typeof MessageRejected>;
