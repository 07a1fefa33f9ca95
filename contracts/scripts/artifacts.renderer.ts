/**
 * Renders every generated contract file from the TypeBox sources. Pure: no file system access,
 * so that the generator and the staleness test compare exactly the same text.
 */
import { stringify } from 'yaml';
import { CaseHistory, CaseView } from '../model/case-view.schema';
import { CONTRACT_VERSION, EVENT_TYPES } from '../model/event-type.constants';
import { buildAsyncApi } from './asyncapi.builder';
import { JSON_SCHEMA_DIALECT, eventJsonSchema, ordered, schemaFileName } from './json-schema.builder';
import { OPENAPI_FILE, buildOpenApi } from './openapi.builder';

/** Folder of the generated JSON Schemas, relative to `contracts/`. */
export const SCHEMAS_DIR = 'schemas';

/** Path of the AsyncAPI document, relative to `contracts/`. */
export const ASYNCAPI_FILE = 'asyncapi.yaml';

const YAML_HEADER = '# Generated from contracts/model by `npm run contracts:generate`; do not edit.\n';

/**
 * Every generated file, keyed by its path relative to the `contracts/` folder
 * (e.g. `schemas/appeal.submitted.v1.json`, `asyncapi.yaml`), in a stable order.
 * Output is deterministic and ends with a newline.
 */
export function renderArtifacts(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const type of EVENT_TYPES) {
    files[`${SCHEMAS_DIR}/${schemaFileName(type)}`] = `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`;
  }
  // The response bodies of the case read API, as standalone schemas for portals that validate what they read.
  for (const [name, schema] of [
    ['case-view', CaseView],
    ['case-history', CaseHistory],
  ] as const) {
    files[`${SCHEMAS_DIR}/${name}.${CONTRACT_VERSION}.json`] = `${JSON.stringify(ordered({ $schema: JSON_SCHEMA_DIALECT, ...(JSON.parse(JSON.stringify(schema)) as object) }), null, 2)}\n`;
  }
  // JSON, byte for byte what GET /v1/openapi.json serves.
  files[OPENAPI_FILE] = `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
  files[ASYNCAPI_FILE] =
    YAML_HEADER +
    stringify(buildAsyncApi(), {
      // No anchors/aliases: repeated sub-objects must stay readable.
      aliasDuplicateObjects: false,
      lineWidth: 0,
      // Serialise for YAML 1.1 readers too (js-yaml, PyYAML): timestamps and yes/no get quoted,
      // so example times stay strings whichever parser reads the document.
      version: '1.1',
    });
  return files;
}
