import { readdirSync, readFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ADAPTERS } from '../../adapters';
import { checkAdapterInstances } from '../adapter-host/adapter.registry';
import { parseHubConfig } from '../config/hub-config.loader';
import { runCli } from './main';

/*
 * Every configuration a user is handed (the bundled examples and the README's example) passes
 * `cabinet-hub config validate`, the same check as at startup plus the schemas of disabled
 * instances, with its env file or dummy values for its secrets. And `config validate` lists
 * every problem in one run: missing secrets and adapter schema errors together.
 */

const EXAMPLES = join(__dirname, '../config/examples');
const README = join(__dirname, '../../README.md');

/** Every `{ env: NAME }` a configuration text references. */
const referencedVariables = (text: string): string[] => [...new Set([...text.matchAll(/\{\s*env:\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g)].map((m) => m[1]))];

function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2].trim()]),
  );
}

/** Runs the CLI with these variables set, and restores the environment afterwards. */
async function validate(file: string, vars: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  let out = '';
  let err = '';
  try {
    const code = await runCli(
      ['config', 'validate', file],
      (s) => (out += s),
      (s) => (err += s),
    );
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

/**
 * The example's env file when it has one, else the mocks' demo credentials (demo-notify.env, which
 * docker-compose.yml loads too) and a dummy for any other secret.
 */
function exampleVars(name: string, text: string): Record<string, string> {
  const envFile = join(EXAMPLES, name.replace(/\.yaml$/, '.env'));
  if (existsSync(envFile)) return readEnvFile(envFile);
  const demo = readEnvFile(join(EXAMPLES, 'demo-notify.env'));
  return Object.fromEntries(referencedVariables(text).map((v) => [v, demo[v] ?? `dummy-${v.toLowerCase()}`]));
}

/** The README's YAML blocks that are hub configurations. */
function readmeConfigBlocks(): string[] {
  return [...readFileSync(README, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((y) => /^tenants:/m.test(y));
}

describe('bundled example configurations', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));

  it('are there (the demo, 1C and notification examples)', () => {
    expect(files).toEqual(expect.arrayContaining(['demo.yaml', 'demo-1c.yaml', 'demo-notify.yaml', 'demo-compose.yaml']));
  });

  it.each(files)('%s is valid with its env file (or dummy secrets)', async (name) => {
    const text = readFileSync(join(EXAMPLES, name), 'utf8');
    const vars = exampleVars(name, text);
    // An env file shipped with an example names every secret the example uses.
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(referencedVariables(text)));
    const r = await validate(join(EXAMPLES, name), vars);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/: OK \(/);
    expect(r.code).toBe(0);
  });

  it.each(files)('%s: every adapter instance, enabled or not, is valid against its installed adapter', (name) => {
    const text = readFileSync(join(EXAMPLES, name), 'utf8');
    const cfg = parseHubConfig(text, name, exampleVars(name, text));
    const all = Object.fromEntries(Object.entries(cfg.adapters).map(([id, a]) => [id, { ...a, enabled: true }]));
    expect(checkAdapterInstances({ adapters: all }, ADAPTERS)).toEqual([]);
  });

  it('demo-compose.yaml is demo-notify.yaml with the compose service names instead of 127.0.0.1', () => {
    const read = (f: string) => parseYaml(readFileSync(join(EXAMPLES, f), 'utf8')) as Record<string, unknown>;
    const local = JSON.stringify(read('demo-notify.yaml'))
      .replace(/http:\/\/127\.0\.0\.1:8080/g, 'http://hub:8080')
      .replace(/127\.0\.0\.1/g, 'mocks');
    expect(JSON.parse(local)).toEqual(read('demo-compose.yaml'));
  });

  it('demo.yaml starts with no secret at all (its only instance is disabled)', async () => {
    const r = await validate(join(EXAMPLES, 'demo.yaml'), {});
    expect(r.code).toBe(0);
  });
});

describe("the README's configuration example", () => {
  const blocks = readmeConfigBlocks();

  it('is found', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1);
  });

  it.each(blocks.map((b, i) => [i, b]))('block %i is valid with dummy secrets', async (i, yaml) => {
    const dir = mkdtempSync(join(tmpdir(), 'readme-config-'));
    try {
      const file = join(dir, `readme-${i}.yaml`);
      writeFileSync(file, yaml as string);
      const r = await validate(file, Object.fromEntries(referencedVariables(yaml as string).map((v) => [v, 'dummy-secret-value'])));
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      // The example names real adapter types, so the adapter schemas did run on it.
      const types = Object.values((parseYaml(yaml as string) as { adapters: Record<string, { type: string }> }).adapters).map((a) => a.type);
      expect(types.every((t) => ADAPTERS.some((d) => d.type === t))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('config validate reports every problem at once', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'validate-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists missing secrets and adapter schema errors together, and needs no secret of a disabled instance', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `
tenants:
  demo: { name: Demo }
adapters:
  edms:
    type: edms.1c-docflow
    config: { baseUrl: "http://edms.example", password: { env: CFGTEST_UNSET_1C } }
  sms-off:
    type: sms.twilio
    enabled: false
    config: { accountSid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, authToken: { env: CFGTEST_UNSET_TWILIO }, from: "+15005550006", colour: red }
`,
    );
    const r = await validate(file, {});
    expect(r.code).toBe(1);
    expect(r.err).toContain('/adapters/edms/config/password: environment variable CFGTEST_UNSET_1C is not set');
    expect(r.err).toContain('/adapters/edms/config/endpoint: is required');
    expect(r.err).toContain('/adapters/edms/config/login: is required');
    expect(r.err).toContain('/adapters/edms/config/baseUrl: is not a setting of this adapter');
    // A disabled instance: its settings are checked, its unset secret is not required.
    expect(r.err).toContain('/adapters/sms-off/config/colour: is not a setting of this adapter (the instance is disabled)');
    expect(r.err).not.toContain('CFGTEST_UNSET_TWILIO');
    expect(r.err).not.toContain('sms-off/config/authToken');
  });

  it('previews a template without any secret of the configuration', async () => {
    const saved = process.env.CABINET_HUB_CONFIG;
    process.env.CABINET_HUB_CONFIG = join(EXAMPLES, 'demo-notify.yaml');
    for (const v of referencedVariables(readFileSync(join(EXAMPLES, 'demo-notify.yaml'), 'utf8'))) expect(process.env[v]).toBeUndefined();
    let out = '';
    let err = '';
    try {
      const code = await runCli(
        ['templates', 'preview', 'water-outage', '--locale', 'en', '--channel', 'sms', '--vars', '{"district":"Podil","from":"10:00","until":"14:00","tenantName":"Demo"}'],
        (s) => (out += s),
        (s) => (err += s),
      );
      expect(err).toBe('');
      expect(code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.CABINET_HUB_CONFIG;
      else process.env.CABINET_HUB_CONFIG = saved;
    }
    expect(out).toContain('Podil: no cold water 10:00-14:00. Demo');
  });
});
