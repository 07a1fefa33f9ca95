import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/** The schema errors of an admin API response (empty when it conforms to its contract schema). */
export function schemaErrors(schema: TSchema, value: unknown): string[] {
  const validate = ajv.compile(schema);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
