import { Writable } from 'node:stream';
import type { AdapterDefinition } from '../../contracts';
import { startHub, RunningHub } from '../../src/app/hub.bootstrap';
import { EnvConfig } from '../../src/config/env.config';
import { parseHubConfig } from '../../src/config/hub-config.loader';
import type { HubConfig } from '../../src/config/hub-config.schema';
import type { Clock } from '../../src/config/injection.tokens';
import { createLogger } from '../../src/logging/logger.factory';
import { AmqpProbe } from './amqp-probe.client';
import { createVhost, databaseUrl, deleteVhost, dropSchema, rabbitUrl, uniqueName, withVhost } from './infra.helper';

/** The bearer token of tenant `demo` on the HTTP ingress in TEST_CONFIG_YAML (tokens are required by default). */
export const TEST_HTTP_TOKEN = 'test-demo-http-token';
// Set for child hub processes too (they inherit the environment); never a real secret.
process.env.TEST_DEMO_HTTP_TOKEN ??= TEST_HTTP_TOKEN;

/**
 * The configuration most tests use: tenant `demo`, one adapter instance fed by submissions. AMQP
 * publishers are bound by default; here anonymous publishers are allowed explicitly (the probe
 * publishes as the test's broker user, without user_id): test/e2e/publisher-rights.e2e.ts covers
 * bound publishers.
 */
export const TEST_CONFIG_YAML = `
hub:
  source: urn:cabinet-hub:test
  maxBodyBytes: 1048576
  amqp: { allowAnonymousPublishers: true }
tenants:
  demo: { name: Demo, ingressTokens: [{ env: TEST_DEMO_HTTP_TOKEN }] }
  other: { name: Other }
adapters:
  edms-test: { type: edms.1c-docflow, enabled: false }
routes:
  - tenants: ['*']
    types: [appeal.submitted, application.submitted]
    to: [edms-test]
outbox: { relayIntervalMs: 200, graceMs: 1000 }
`;

/** An isolated place for one test: its own vhost and its own database schema. */
export interface TestSpace {
  vhost: string;
  schema: string;
  amqpUrl: string;
  env: EnvConfig;
  cleanup(): Promise<void>;
}

/** Creates a vhost and names a schema; `cleanup` removes both. */
export async function createTestSpace(): Promise<TestSpace> {
  const vhost = uniqueName('hubtest');
  const schema = uniqueName('hubtest');
  await createVhost(vhost);
  const amqpUrl = withVhost(rabbitUrl(), vhost);
  return {
    vhost,
    schema,
    amqpUrl,
    env: { rabbitmqUrl: amqpUrl, databaseUrl: databaseUrl(), databaseSchema: schema, httpHost: '127.0.0.1', httpPort: 0, logLevel: 'info', instanceId: `test-${vhost}` },
    cleanup: async () => {
      await deleteVhost(vhost);
      await dropSchema(schema);
    },
  };
}

/** A hub started in this process, with its log lines captured for assertions. */
export interface TestHub extends RunningHub {
  space: TestSpace;
  logs: string[];
}

/** Starts a hub in a fresh test space. */
export async function startTestHub(opts: { yaml?: string; config?: HubConfig; space?: TestSpace; adapters?: readonly AdapterDefinition[]; clock?: Clock } = {}): Promise<TestHub> {
  const space = opts.space ?? (await createTestSpace());
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = opts.config ?? parseHubConfig(opts.yaml ?? TEST_CONFIG_YAML, 'test');
  const hub = await startHub({ env: space.env, config, logger: createLogger('debug', space.env.instanceId, sink), adapters: opts.adapters, ...(opts.clock ? { clock: opts.clock } : {}) });
  return { ...hub, space, logs };
}

/**
 * Registers beforeAll/afterAll that start one hub (own vhost and schema) and a portal-like AMQP
 * client for a describe block, and tear both down. Returns accessors valid inside the tests.
 */
export function useTestHub(opts: { yaml?: string } = {}): { hub: () => TestHub; probe: () => AmqpProbe } {
  let hub: TestHub | undefined;
  let probe: AmqpProbe | undefined;
  beforeAll(async () => {
    hub = await startTestHub(opts);
    probe = await AmqpProbe.connect(hub.space.amqpUrl);
  });
  afterAll(async () => {
    await probe?.close();
    await hub?.close();
    await hub?.space.cleanup();
  });
  return { hub: () => hub as TestHub, probe: () => probe as AmqpProbe };
}
