/**
 * Renders every generated contract file from the TypeBox sources. Pure: no file system access,
 * so that the generator and the staleness test compare exactly the same text.
 */
import { stringify } from 'yaml';
import { EVENT_TYPES } from '../model/event-type.constants';
import { buildAsyncApi } from './asyncapi.builder';
import { eventJsonSchema, schemaFileName } from './json-schema.builder';

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
