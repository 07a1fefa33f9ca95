/**
 * Turns Ajv's error objects into {@link ContractError}s a person can act on.
 *
 * Reasons are built only from the schema (allowed values, limits, property names the schema
 * or the producer chose), never from the offending value: appeals carry personal data and
 * rejections end up in logs, journals and portals' inboxes.
 */
import type { ErrorObject } from 'ajv';
import { PATTERN_HINT_KEYWORD } from '../model/primitives.schema';
import { MAX_POINTER_LENGTH } from '../model/rejection.schema';

/** One contract violation. */
export interface ContractError {
  /** RFC 6901 JSON pointer into the envelope, e.g. `/data/applicant/contacts/email`; `""` is the whole message. */
  pointer: string;
  /** What is wrong, without any data value. */
  reason: string;
}

/** Longest property name quoted in a reason; a producer-chosen key is not a place for an essay. */
const MAX_QUOTED_NAME = 64;

/** Longest reason; matches the `message.rejected` schema. */
const MAX_REASON_LENGTH = 1024;

const FORMAT_REASONS: Readonly<Record<string, string>> = {
  'date-time': 'must be an RFC 3339 date-time with a time zone offset, e.g. 2024-05-14T09:12:33Z',
  email: 'must be an e-mail address',
  uri: 'must be an absolute URI',
  'uri-reference': 'must be a URI reference',
  uuid: 'must be a UUID',
  'json-pointer': 'must be a JSON pointer (RFC 6901)',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/**
 * Escapes one reference token per RFC 6901 (`~` then `/`, in that order).
 * @param token a property name
 */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function quoteName(name: string): string {
  return JSON.stringify(name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME)}...` : name);
}

function listOf(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

function alternatives(words: readonly string[], conjunction: string): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

/** Names a branch requires when every branch of a oneOf/anyOf is a bare `required` (our only use). */
function requiredAlternatives(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches) || branches.length === 0) return undefined;
  const names: string[] = [];
  for (const branch of branches) {
    const required = (branch as { required?: unknown }).required;
    if (!Array.isArray(required) || Object.keys(branch as object).length !== 1) return undefined;
    names.push(...required.map((n) => JSON.stringify(String(n))));
  }
  return names;
}

/**
 * Resolves an Ajv `schemaPath` (`#/properties/files/items/oneOf`) inside the validated root
 * schema. Ajv's `verbose` option would hand us the schema directly, but it bloats the
 * generated validator past the size V8 optimises and doubles the time of every valid call.
 */
function schemaAt(root: unknown, schemaPath: string, dropLast: boolean): Record<string, unknown> {
  const tokens = schemaPath.split('/').slice(1);
  if (dropLast) tokens.pop();
  let node: unknown = root;
  for (const raw of tokens) {
    if (typeof node !== 'object' || node === null) return {};
    const token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown>)[token];
  }
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : {};
}

function reasonFor(error: ErrorObject, root: unknown): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `required property ${quoteName(String(params.missingProperty))} is missing`;
    case 'additionalProperties':
      return `unknown property ${quoteName(String(params.additionalProperty))} is not allowed`;
    case 'propertyNames':
      return `unknown attribute ${quoteName(String(params.propertyName))} is not allowed: extension attribute names must be 1 to 20 lowercase latin letters or digits`;
    case 'type': {
      const types = Array.isArray(params.type) ? params.type : String(params.type).split(',');
      return `must be ${alternatives(
        types.map((t) => TYPE_NAMES[String(t)] ?? String(t)),
        'or',
      )}`;
    }
    case 'enum':
      return `must be one of: ${listOf(params.allowedValues as unknown[])}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
      return FORMAT_REASONS[String(params.format)] ?? `must be a valid ${String(params.format)}`;
    case 'pattern': {
      const hint = schemaAt(root, error.schemaPath, true)[PATTERN_HINT_KEYWORD];
      return typeof hint === 'string' ? `must be ${hint}` : `must match the pattern ${String(params.pattern)}`;
    }
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return schemaAt(root, error.schemaPath, true).contentEncoding === 'base64'
        ? `must be at most ${String(params.limit)} characters long: inline content is limited by size, send larger files by "url"`
        : `must be at most ${String(params.limit)} characters long`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'minItems':
      return `must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must have at most ${String(params.limit)} items`;
    case 'oneOf': {
      const names = requiredAlternatives(schemaAt(root, error.schemaPath, false));
      if (!names) return 'must match exactly one of the allowed shapes';
      const choice = names.length === 2 ? `either ${names[0]} or ${names[1]}` : `exactly one of ${alternatives(names, 'or')}`;
      return Array.isArray(params.passingSchemas) ? `must have ${choice}, not ${names.length === 2 ? 'both' : 'several'}` : `must have ${choice}`;
    }
    case 'anyOf': {
      const names = requiredAlternatives(schemaAt(root, error.schemaPath, false));
      return names ? `must have at least one of ${alternatives(names, 'or')}` : 'must match at least one of the allowed shapes';
    }
    case 'false schema':
      return 'is not allowed';
    default:
      return `does not satisfy the "${error.keyword}" rule of the contract`;
  }
}

function pointerFor(error: ErrorObject, prefix: string): string {
  const params = error.params as Record<string, unknown>;
  // Ajv only descends into properties the schema declares, so the base is always short.
  const base = prefix + error.instancePath;
  let name: unknown;
  switch (error.keyword) {
    case 'required':
      name = params.missingProperty;
      break;
    case 'additionalProperties':
      name = params.additionalProperty;
      break;
    case 'propertyNames':
      name = params.propertyName;
      break;
    default:
      return base;
  }
  const pointer = `${base}/${escapePointerToken(String(name))}`;
  // A producer-chosen key can be arbitrarily long; the reason still quotes its beginning.
  return pointer.length <= MAX_POINTER_LENGTH ? pointer : base;
}

/**
 * Appends readable errors for Ajv's `errors` to `out`.
 *
 * Branch failures under `oneOf`/`anyOf` and the inner failures of `propertyNames` are
 * dropped: the summary error of the combinator already says what to do, and the branch
 * errors ("must have required property url", "must have required property contentBase64")
 * only confuse.
 * @param errors Ajv errors of one validation call
 * @param root the schema the failing validator was compiled from, to read limits and hints
 * @param prefix pointer of the validated value inside the envelope, `""` or `"/data"`
 * @param out where to append
 */
export function appendContractErrors(errors: readonly ErrorObject[], root: unknown, prefix: string, out: ContractError[]): void {
  let combinators: Array<{ instancePath: string; schemaPath: string }> | undefined;
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') {
      (combinators ??= []).push({ instancePath: e.instancePath, schemaPath: `${e.schemaPath}/` });
    }
  }
  const seen = new Set<string>(out.map((e) => `${e.pointer}\u0000${e.reason}`));
  for (const e of errors) {
    if (e.propertyName !== undefined) continue;
    if (combinators && combinators.some((c) => e.schemaPath.startsWith(c.schemaPath) && e.instancePath.startsWith(c.instancePath))) {
      continue;
    }
    const pointer = pointerFor(e, prefix);
    const reason = reasonFor(e, root).slice(0, MAX_REASON_LENGTH);
    const key = `${pointer}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, reason });
  }
}
