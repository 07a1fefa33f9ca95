/**
 * Runtime validation of incoming and outgoing events.
 *
 * Every schema is compiled once, when this module is loaded. A call validates the envelope,
 * then the `data` of the event's type with that type's precompiled validator: one generic
 * envelope validator plus a dispatch on `type` is faster than nine full-envelope validators
 * tried in turn, and gives errors for one type only.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_CATALOG, type KnownCloudEvent } from '../model/event-catalog.registry';
import { GenericEnvelope } from '../model/envelope.schema';
import { CONTRACT_VERSION, EVENT_TYPES, dataschemaFor, isEventType, type EventType } from '../model/event-type.constants';
import { PATTERN_HINT_KEYWORD } from '../model/primitives.schema';
import { MAX_CONTRACT_ERRORS } from '../model/rejection.schema';
import { appendContractErrors, type ContractError } from './ajv-error.mapper';

/** Outcome of {@link validateEvent}: the same object back (not a copy) or every violation found. */
export type ValidationResult = { ok: true; event: KnownCloudEvent } | { ok: false; errors: ContractError[] };

/**
 * Creates an Ajv instance configured like the hub's: all errors, formats, strict schemas,
 * no message texts (the error mapper writes its own).
 */
export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // The oneOf/anyOf branches name properties declared by the parent object, which this check cannot see.
    strictRequired: false,
    allowUnionTypes: true,
    messages: false,
  });
  addFormats(ajv);
  // Annotation only: read by the error mapper, no validation of its own.
  ajv.addKeyword({ keyword: PATTERN_HINT_KEYWORD, schemaType: 'string' });
  return ajv;
}

/**
 * Data schemas by contract version. When `v2` arrives, add its table here; producers select a
 * version with `dataschema`, and both versions are accepted during the deprecation window.
 */
const DATA_SCHEMAS_BY_VERSION: Readonly<Record<string, Readonly<Record<EventType, { data: TSchema }>>>> = {
  [CONTRACT_VERSION]: EVENT_CATALOG,
};

/**
 * Version assumed when an event has no `dataschema`. It stays `v1` even after `v2` exists:
 * producers that never set `dataschema` were written against `v1`.
 */
const DEFAULT_DATA_VERSION = 'v1';

interface DataValidator {
  type: EventType;
  schema: TSchema;
  validate: ValidateFunction;
}

const ajv = createAjv();
const validateEnvelope = ajv.compile(GenericEnvelope);

const dataValidators = new Map<string, DataValidator>();
const acceptedDataschemas = new Map<EventType, string[]>();
for (const [version, table] of Object.entries(DATA_SCHEMAS_BY_VERSION)) {
  for (const type of EVENT_TYPES) {
    const uri = dataschemaFor(type, version);
    const schema = table[type].data;
    dataValidators.set(uri, { type, schema, validate: ajv.compile(schema) });
    acceptedDataschemas.set(type, [...(acceptedDataschemas.get(type) ?? []), uri]);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Cuts an error list to {@link MAX_CONTRACT_ERRORS}; the last entry then says how many more there were.
 * @param errors every error found
 */
export function capContractErrors(errors: ContractError[]): ContractError[] {
  if (errors.length <= MAX_CONTRACT_ERRORS) return errors;
  const shown = errors.slice(0, MAX_CONTRACT_ERRORS - 1);
  shown.push({ pointer: '', reason: `${errors.length - shown.length} more errors not shown` });
  return shown;
}

/**
 * Validates a parsed CloudEvent (structured JSON mode) against the contract.
 *
 * The envelope is checked first; when `type` is known and `dataschema` selects a known
 * schema, `data` is checked too, so one answer lists every problem. `subject`, when present
 * on a case event, must equal `data.caseRef`. The input is neither copied nor modified.
 * @param value the result of `JSON.parse` of the message body
 * @param options `uncapped: true` returns every error, for callers that add their own and cap once
 * @returns `{ ok: true, event }` with the same object, or `{ ok: false, errors }` (at most
 *   {@link MAX_CONTRACT_ERRORS}), each with a JSON pointer and a reason free of data values
 */
export function validateEvent(value: unknown, options: { uncapped?: boolean } = {}): ValidationResult {
  let errors: ContractError[] | undefined;
  if (!validateEnvelope(value)) {
    errors = [];
    appendContractErrors(validateEnvelope.errors as ErrorObject[], GenericEnvelope, '', errors);
  }
  if (isObject(value) && isEventType(value.type)) {
    const type = value.type;
    const declared = value.dataschema;
    const uri = declared === undefined ? dataschemaFor(type, DEFAULT_DATA_VERSION) : declared;
    const validator = typeof uri === 'string' ? dataValidators.get(uri) : undefined;
    if (validator === undefined || validator.type !== type) {
      // A malformed URI was already reported by the envelope schema; one reason per problem.
      if (typeof declared === 'string' && !errors?.some((e) => e.pointer === '/dataschema')) {
        (errors ??= []).push({
          pointer: '/dataschema',
          reason: `must be one of: ${(acceptedDataschemas.get(type) ?? []).join(', ')} for type ${type}`,
        });
      }
    } else if (isObject(value.data)) {
      const data = value.data;
      if (!validator.validate(data)) {
        appendContractErrors(validator.validate.errors as ErrorObject[], validator.schema, '/data', (errors ??= []));
      }
      if (EVENT_CATALOG[type].caseEvent && typeof value.subject === 'string' && typeof data.caseRef === 'string' && value.subject !== data.caseRef) {
        (errors ??= []).push({ pointer: '/subject', reason: 'must equal /data/caseRef when both are present' });
      }
    }
  }
  if (errors !== undefined) return { ok: false, errors: options.uncapped ? errors : capContractErrors(errors) };
  return { ok: true, event: value as KnownCloudEvent };
}

/** The dataschema URIs the validator accepts for a type, oldest version first. */
export function acceptedDataschemasFor(type: EventType): readonly string[] {
  return acceptedDataschemas.get(type) ?? [];
}
