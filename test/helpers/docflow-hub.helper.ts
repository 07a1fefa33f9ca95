import { DocflowMockOptions, RunningDocflowMock, start1cDocflowMock } from '../../mocks/1c-docflow';
import { AmqpProbe } from './amqp-probe.client';
import { createTestSpace, startTestHub, TestHub } from './test-hub.helper';

/** A 1C mock, a hub whose `edms-1c` instance talks to it, and a portal-like client. */
export interface DocflowSetup {
  mock: RunningDocflowMock;
  hub: TestHub;
  probe: AmqpProbe;
  close(): Promise<void>;
}

/**
 * Starts the 1C mock with one user and a hub routing `appeal.submitted` to an `edms-1c` instance
 * pointed at it (the password goes through an env reference, as in production).
 * @param runner the instance's `runner:` settings as YAML flow text
 * @param extraYaml more top-level settings (e.g. `retry:`)
 */
export async function startDocflowHub(opts: { login: string; password: string; mock?: DocflowMockOptions; runner: string; extraYaml?: string }): Promise<DocflowSetup> {
  const mock = await start1cDocflowMock({ ...opts.mock, users: [{ login: opts.login, password: opts.password }] });
  const envName = `TEST_1C_PASSWORD_${process.pid}`;
  process.env[envName] = opts.password;
  const space = await createTestSpace();
  const hub = await startTestHub({
    space,
    yaml: `
hub: { source: urn:cabinet-hub:test, amqp: { allowAnonymousPublishers: true } }
tenants:
  demo: { name: Demo }
adapters:
  edms-1c:
    type: edms.1c-docflow
    config: { endpoint: "${mock.url}", login: "${opts.login}", password: { env: ${envName} }, timeZone: Etc/GMT-3 }
    runner: ${opts.runner}
routes:
  - { tenants: ['*'], types: [appeal.submitted], to: [edms-1c] }
${opts.extraYaml ?? ''}
`,
  });
  const probe = await AmqpProbe.connect(space.amqpUrl);
  return {
    mock,
    hub,
    probe,
    close: async () => {
      await probe.close();
      await hub.close();
      await hub.space.cleanup();
      await mock.close();
    },
  };
}
