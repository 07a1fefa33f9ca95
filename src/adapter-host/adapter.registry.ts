import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { AdapterDefinition } from '../../contracts';
import type { ConfigIssue } from '../config/config.errors';

/** The part of the configuration the registry looks at. */
type Instances = { adapters: Record<string, { type: string; enabled: boolean; config: Record<string, unknown> }> };

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

/**
 * Checks the configured adapter instances against the installed adapter definitions: an
 * enabled instance needs an installed type and settings its schema accepts. A disabled
 * instance may name a type that is not installed yet: its work queue exists and keeps what is
 * routed to it until it is enabled.
 */
export function checkAdapterInstances(config: Instances, definitions: readonly AdapterDefinition[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byType = new Map(definitions.map((d) => [d.type, d]));
  for (const [id, instance] of Object.entries(config.adapters)) {
    if (!instance.enabled) continue;
    const definition = byType.get(instance.type);
    if (!definition) {
      const known = definitions.map((d) => d.type).join(', ') || 'none yet';
      issues.push({ path: `/adapters/${id}/type`, message: `no adapter of type "${instance.type}" is installed (installed: ${known}); set enabled: false to keep its messages queued` });
      continue;
    }
    const validate = ajv.compile(definition.configSchema);
    if (!validate(instance.config)) {
      for (const e of validate.errors ?? []) {
        const path =
          e.keyword === 'required'
            ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
            : e.keyword === 'additionalProperties'
              ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
              : e.instancePath;
        const message = e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not a setting of this adapter' : (e.message ?? 'is invalid');
        issues.push({ path: `/adapters/${id}/config${path}`, message });
      }
    }
  }
  return issues;
}

/** Definitions of the enabled instances, by instance id (after {@link checkAdapterInstances} passed). */
export function enabledAdapters(config: Instances, definitions: readonly AdapterDefinition[]): Map<string, AdapterDefinition> {
  const out = new Map<string, AdapterDefinition>();
  for (const [id, instance] of Object.entries(config.adapters)) {
    const definition = definitions.find((d) => d.type === instance.type);
    if (instance.enabled && definition) out.set(id, definition);
  }
  return out;
}
