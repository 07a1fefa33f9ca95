/**
 * Building blocks shared by every event schema.
 *
 * Each helper returns a fresh schema object so that callers can attach their own
 * `description` without mutating a shared instance (TypeBox schemas are plain objects).
 */
import { Type, type SchemaOptions, type TString, type TUnsafe } from '@sinclair/typebox';

/**
 * Annotation keyword carrying a human-readable phrase for a `pattern`.
 * A raw regular expression is a poor error message for a portal developer; the validator
 * prints `must be <hint>` instead when a pattern with this annotation fails.
 */
export const PATTERN_HINT_KEYWORD = 'x-pattern-hint';

/**
 * Control characters are never legitimate in identifiers or single-line names, and letting
 * them through would allow log injection downstream. `*`, not `+`: an empty string is
 * minLength's to report, with a clearer reason.
 */
const SINGLE_LINE = '^[^\\x00-\\x1F\\x7F]*$';

/**
 * A non-empty single-line string (identifiers, names, titles).
 * @param maxLength upper bound in characters
 * @param options extra schema options, e.g. a description
 */
export function Line(maxLength: number, options: SchemaOptions = {}): TString {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: SINGLE_LINE,
    [PATTERN_HINT_KEYWORD]: 'a single line of text without control characters',
    ...options,
  });
}

/**
 * A non-empty free text that may span lines (appeal text, answers, comments).
 * NUL is refused: PostgreSQL cannot store it in text or JSONB, so one such character would
 * fail the journal write of a whole batch.
 * @param maxLength upper bound in characters
 * @param options extra schema options
 */
export function Text(maxLength: number, options: SchemaOptions = {}): TString {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: '^[^\\x00]*$',
    [PATTERN_HINT_KEYWORD]: 'text without NUL characters',
    ...options,
  });
}

/**
 * An RFC 3339 timestamp with a time zone. ajv-formats' `date-time` rejects values without
 * an offset, which is what we want: the seeds warn that 1C sends local times without one.
 * Years are limited to 1000-9999: RFC 3339 allows year 0000, which PostgreSQL (and most
 * back offices) cannot store, and nothing the hub carries happened before then.
 * @param options extra schema options
 */
export function Timestamp(options: SchemaOptions = {}): TString {
  return Type.String({
    format: 'date-time',
    pattern: '^[1-9][0-9]{3}-',
    [PATTERN_HINT_KEYWORD]: 'a date-time with a year from 1000 to 9999',
    ...options,
  });
}

/**
 * A closed set of string values emitted as `{ type: 'string', enum: [...] }`.
 * TypeBox's `Type.Union` of literals would produce `anyOf` of `const`s, which yields one
 * error per branch instead of a single "must be one of" message.
 * @param values the allowed values, in documentation order
 * @param options extra schema options
 */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Maximum length of a portal's case reference. */
export const CASE_REF_MAX_LENGTH = 128;

/**
 * The portal's own identifier of the case (appeal or application). It is the key that ties
 * every later event back to what the citizen sees in the cabinet.
 */
export function CaseRef(): TString {
  return Line(CASE_REF_MAX_LENGTH, {
    description: "The portal's identifier of the case, as shown in the citizen cabinet.",
  });
}

/**
 * Identifier of a back-office system as configured in the hub, e.g. `edms.1c-docflow`.
 * Lowercase dotted form so it can double as an adapter id and part of a queue name.
 */
export function SystemId(): TString {
  return Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '^[a-z0-9]+(?:[.-][a-z0-9]+)*$',
    [PATTERN_HINT_KEYWORD]: 'a system id of lowercase letters and digits separated by dots or hyphens, e.g. edms.1c-docflow',
    description: 'Back-office system id as configured in the hub, e.g. `edms.1c-docflow`.',
  });
}

/** Identifier of the case inside the back-office system (GUID, document key, ...). */
export function ExternalId(): TString {
  return Line(256, { description: 'Identifier of the case in the back-office system.' });
}

/** WGS 84 point, e.g. a pin on the city geoportal. */
export const GeoPoint = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, WGS 84 degrees.' }),
    lon: Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, WGS 84 degrees.' }),
  },
  { additionalProperties: false, description: 'A point in WGS 84 coordinates.' },
);

/**
 * A calendar date without a time, `YYYY-MM-DD` (ajv-formats' `date` also checks the day exists):
 * statutory terms end on a date of the authority's calendar, not at an instant.
 * @param options extra schema options
 */
export function LocalDate(options: SchemaOptions = {}): TString {
  return Type.String({
    format: 'date',
    pattern: '^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$',
    [PATTERN_HINT_KEYWORD]: 'a date as YYYY-MM-DD',
    ...options,
  });
}
