import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseHubConfig } from '../../src/config/hub-config.loader';
import type { HubConfig } from '../../src/config/hub-config.schema';

/**
 * The demo's configuration: `src/config/examples/demo-notify.yaml` (1C plus every notification
 * channel) with its secrets from `demo-notify.env` (the mocks' published demo credentials), pointed
 * at the ports the mocks and the hub really listen on. One source of truth: the example a user
 * reads is the one the demo runs.
 */

/** Where the examples live: next to the TypeScript (jest), or in the source tree when run from dist/. */
export const EXAMPLES_DIR = [join(__dirname, '../../src/config/examples'), join(__dirname, '../../../src/config/examples')].find((p) => existsSync(join(p, 'demo-notify.yaml'))) as string;

/** Ports of everything the demo starts; the defaults are the ones the examples and the README use. */
export interface DemoPorts {
  hub: number;
  docflow: number;
  twilio: number;
  turbosms: number;
  telegram: number;
  viber: number;
  smtp: number;
  smtpAdmin: number;
  s3: number;
  /** The demo's OpenID Connect provider for the console (test/helpers/oidc-provider.helper.ts). */
  oidc: number;
}

/** The environment variables of `startAllMocks` (mocks/main.ts), by port. */
export const MOCK_PORT_VARIABLES: Record<Exclude<keyof DemoPorts, 'hub'>, string> = {
  docflow: 'MOCK_1C_PORT',
  twilio: 'MOCK_TWILIO_PORT',
  turbosms: 'MOCK_TURBOSMS_PORT',
  telegram: 'MOCK_TELEGRAM_PORT',
  viber: 'MOCK_VIBER_PORT',
  smtp: 'MOCK_SMTP_PORT',
  smtpAdmin: 'MOCK_SMTP_ADMIN_PORT',
  s3: 'MOCK_S3_PORT',
  oidc: 'MOCK_OIDC_PORT',
};

export const DEFAULT_DEMO_PORTS: DemoPorts = { hub: 8080, docflow: 8081, twilio: 8082, turbosms: 8083, telegram: 8084, viber: 8085, smtp: 2525, smtpAdmin: 8025, s3: 8086, oidc: 8087 };

/** Parses a `KEY=value` file (comments and blank lines skipped; no quoting, no expansion). */
export function readEnvFile(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

/** The demo secrets (`demo-notify.env`): the mocks' credentials, never real ones. */
export function demoSecrets(): Record<string, string> {
  return readEnvFile(join(EXAMPLES_DIR, 'demo-notify.env'));
}

/** The demo configuration pointed at `ports`, validated and resolved like any configuration. */
export function demoHubConfig(ports: DemoPorts, host = '127.0.0.1'): HubConfig {
  const file = join(EXAMPLES_DIR, 'demo-notify.yaml');
  const doc = parseYaml(readFileSync(file, 'utf8')) as { hub: { publicUrl?: string }; adapters: Record<string, { type: string; config: Record<string, unknown> }>; console?: unknown };
  doc.hub.publicUrl = `http://${host}:${ports.hub}`;
  // The console signs in through the demo's own OIDC provider (its users: DEMO_CONSOLE_USERS).
  doc.console = {
    oidc: { issuer: `http://${host}:${ports.oidc}`, clientId: 'cabinet-hub-demo', clientSecret: { env: 'DEMO_OIDC_SECRET' }, scopes: ['openid', 'profile', 'email', 'cabinet'], allowInsecure: true },
  };
  for (const a of Object.values(doc.adapters)) {
    // By adapter type, so the YAML stays the one place that says which instances exist.
    if (a.type === 'edms.1c-docflow') a.config.endpoint = `http://${host}:${ports.docflow}/DocMng/ws/DMService`;
    if (a.type === 'messenger.viber') a.config.baseUrl = `http://${host}:${ports.viber}/pa`;
    if (a.type === 'messenger.telegram') a.config.apiRoot = `http://${host}:${ports.telegram}`;
    if (a.type === 'sms.twilio') a.config.baseUrl = `http://${host}:${ports.twilio}`;
    if (a.type === 'sms.turbosms') a.config.baseUrl = `http://${host}:${ports.turbosms}`;
    if (a.type === 'email.smtp') Object.assign(a.config, { host, port: ports.smtp });
  }
  return parseHubConfig(stringifyYaml(doc), file, { ...process.env, ...demoSecrets() });
}

/** The demo provider's users (any password) and their grants. */
export const DEMO_CONSOLE_USERS: Record<string, string[]> = { ada: ['*:admin'], oleh: ['demo:operator'], vira: ['demo:viewer'], alla: ['demo:auditor'] };
