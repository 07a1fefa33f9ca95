/**
 * The CloudEvents 1.0 envelope (structured JSON mode) and its TypeScript shape.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { CLOUDEVENTS_SPEC_VERSION, DATA_CONTENT_TYPE, EVENT_TYPES, type EventType } from './event-type.constants';
import { Line, PATTERN_HINT_KEYWORD, StringEnum, Timestamp } from './primitives.schema';

/**
 * Naming rule for CloudEvents attributes (spec 1.0, "Attribute Naming Convention").
 * Every standard attribute and our extensions satisfy it, so one rule covers all names.
 */
export const EXTENSION_NAME_PATTERN = '^[a-z0-9]{1,20}$';

/** Tenant ids double as the first word of the `cabinet.out` routing key, hence no dots. */
export const TENANT_PATTERN = '^[a-z0-9][a-z0-9-]{0,62}$';

/**
 * JSON types an extension attribute may have: the JSON event format maps every CloudEvents
 * attribute type (String, Integer, Boolean, URI, Timestamp, Binary) onto one of these.
 */
export const EXTENSION_VALUE_TYPES = ['string', 'integer', 'boolean'] as const;

/** What varies between the generic envelope and the envelope of one event type. */
export interface EnvelopeParts {
  /** Schema of `type`. */
  type: TSchema;
  /** Schema of `dataschema`. */
  dataschema: TSchema;
  /** Schema of `data`. */
  data: TSchema;
  /** Extra schema options such as `$id`, `title`, `description`. */
  options?: Record<string, unknown>;
}

/**
 * Builds a CloudEvents envelope schema around the given `type`, `dataschema` and `data`.
 * Unknown attributes are accepted only when named like CloudEvents extensions.
 * @param parts the varying parts
 */
export function envelopeSchema(parts: EnvelopeParts) {
  return Type.Object(
    {
      specversion: Type.Literal(CLOUDEVENTS_SPEC_VERSION, { description: 'CloudEvents version.' }),
      id: Line(256, {
        description: 'Unique per `source`; producers reuse it when they resend, so the hub can de-duplicate.',
      }),
      source: Type.String({
        format: 'uri-reference',
        minLength: 1,
        maxLength: 512,
        description: 'Producer of the event, e.g. `https://cabinet.kyiv.example` or `/portals/kyiv`.',
      }),
      type: parts.type,
      time: Timestamp({ description: 'When the occurrence happened at the producer (RFC 3339, with offset).' }),
      subject: Type.Optional(Line(256, { description: "For case events, the portal's case reference (equals `data.caseRef`)." })),
      datacontenttype: Type.Optional(Type.Literal(DATA_CONTENT_TYPE, { description: 'Always JSON when present.' })),
      dataschema: Type.Optional(parts.dataschema),
      tenant: Type.String({
        pattern: TENANT_PATTERN,
        [PATTERN_HINT_KEYWORD]: '1 to 63 lowercase latin letters, digits or hyphens, starting with a letter or digit',
        description: 'Extension: the municipality or utility the event belongs to.',
      }),
      correlationid: Type.Optional(Line(256, { description: 'Extension: id shared by all events of one conversation.' })),
      causationid: Type.Optional(Line(256, { description: 'Extension: `id` of the event that caused this one.' })),
      data: parts.data,
    },
    {
      ...parts.options,
      propertyNames: { pattern: EXTENSION_NAME_PATTERN },
      additionalProperties: Type.Unsafe<string | number | boolean>({
        type: [...EXTENSION_VALUE_TYPES],
        description: 'Further CloudEvents extension attributes.',
      }),
    },
  );
}

/**
 * Envelope schema used at run time before the type is known: `type` is any known type and
 * `data` any object; the data schema of the type is applied in a second step.
 */
export const GenericEnvelope = envelopeSchema({
  type: StringEnum(EVENT_TYPES, { description: 'Event type.' }),
  dataschema: Type.String({ format: 'uri', maxLength: 512, description: 'Schema URI of `data`.' }),
  data: Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'Event payload.' }),
});

/**
 * A CloudEvent in structured JSON mode as the hub exchanges it.
 * @typeParam T type of `data`
 */
export type CloudEvent<T = unknown> = {
  /** Unique per source. */
  id: string;
  /** URI-reference of the producer. */
  source: string;
  /** Always "1.0". */
  specversion: '1.0';
  /** Event type. */
  type: EventType;
  /** RFC 3339 time of the occurrence. */
  time: string;
  /** For case events, the portal's case reference. */
  subject?: string;
  /** Always application/json when present. */
  datacontenttype?: 'application/json';
  /** Schema URI of `data`; the hub always sets it on what it emits. */
  dataschema?: string;
  /** Tenant extension. */
  tenant: string;
  /** Correlation extension. */
  correlationid?: string;
  /** Causation extension. */
  causationid?: string;
  /** Event payload. */
  data: T;
  /** Further extension attributes. */
  [ext: string]: unknown;
};
