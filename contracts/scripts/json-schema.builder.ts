/**
 * Builds the standalone JSON Schema (draft-07) of the full envelope of one event type.
 */
import { Type } from '@sinclair/typebox';
import { EVENT_CATALOG } from '../model/event-catalog.registry';
import { envelopeSchema } from '../model/envelope.schema';
import { CONTRACT_VERSION, dataschemaFor, type EventType } from '../model/event-type.constants';

/**
 * Draft-07 rather than 2020-12: AsyncAPI 3.0 embeds draft-07 natively, and every mainstream
 * validator in the portals' languages supports it.
 */
export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/**
 * Keyword order in generated schemas: what a reader looks for first (what it is, its type and
 * constraints), then the nested structure. TypeBox's own order puts options before `type`.
 */
const KEYWORD_ORDER = [
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'format',
  'contentEncoding',
  'pattern',
  'x-pattern-hint',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'required',
  'propertyNames',
  'additionalProperties',
  'oneOf',
  'anyOf',
];

/** Keywords whose value is a schema, or a list or map of schemas, to be ordered in turn. */
const SCHEMA_VALUED = new Set(['items', 'propertyNames', 'additionalProperties']);
const SCHEMA_LISTS = new Set(['oneOf', 'anyOf', 'allOf']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reorders keywords recursively; property names inside `properties` keep their source order. */
export function ordered(schema: Record<string, unknown>): Record<string, unknown> {
  const keys = [...KEYWORD_ORDER.filter((k) => k in schema), ...Object.keys(schema).filter((k) => !KEYWORD_ORDER.includes(k))];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = schema[key];
    if (key === 'properties' && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, isRecord(sub) ? ordered(sub) : sub]));
    } else if (SCHEMA_VALUED.has(key) && isRecord(value)) {
      out[key] = ordered(value);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => (isRecord(sub) ? ordered(sub) : sub));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** File name of the generated schema of a type, relative to the `schemas/` folder. */
export function schemaFileName(type: EventType, version: string = CONTRACT_VERSION): string {
  return `${type}.${version}.json`;
}

/**
 * The JSON Schema of a complete event of `type`: envelope with `type` and `dataschema` pinned,
 * `data` strict. `$id` is the dataschema URI.
 * @param type event type
 */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const uri = dataschemaFor(type);
  const schema = envelopeSchema({
    type: Type.Literal(type, { description: 'Event type.' }),
    dataschema: Type.Literal(uri, { description: 'Schema URI of `data`; optional on input, always set by the hub.' }),
    data: EVENT_CATALOG[type].data,
    options: {
      $id: uri,
      $comment: 'Generated from contracts/model by `npm run contracts:generate`; do not edit.',
      title: `${type} (${CONTRACT_VERSION})`,
      description: EVENT_CATALOG[type].summary,
    },
  });
  // The JSON round trip drops TypeBox's symbol keys and yields plain data.
  const plain = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return ordered({ $schema: JSON_SCHEMA_DIALECT, ...plain });
}
