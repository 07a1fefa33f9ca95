import { LEGAL_PROFILES } from '../deadlines/legal-profile.config';
import { LEGAL_PROFILE_IDS } from './hub-config.schema';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ConfigIssue } from './config.errors';
import { DEMO_CONFIG_PATH, loadHubConfig, parseHubConfig } from './hub-config.loader';

/** Runs the parser and returns the ConfigError it throws; fails the test if it does not throw one. */
function configError(text: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseHubConfig(text, 'test.yaml', env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, but the configuration was accepted');
}

const paths = (e: ConfigError): string[] => e.issues.map((i) => i.path);
const issueAt = (e: ConfigError, path: string): ConfigIssue | undefined => e.issues.find((i) => i.path === path);

const MINIMAL = `
tenants:
  demo:
    name: Demo
`;

describe('hub-config.loader', () => {
  describe('parseHubConfig', () => {
    it('applies defaults to a minimal configuration', () => {
      const cfg = parseHubConfig(MINIMAL, 'minimal.yaml', {});

      expect(cfg.hub).toEqual({
        source: 'urn:cabinet-hub',
        maxBodyBytes: 1024 * 1024,
        maxJsonDepth: 64,
        amqp: { allowAnonymousPublishers: false },
        files: { store: { kind: 'postgres' }, maxBytes: 50 * 1024 * 1024, fetch: { maxBytes: 50 * 1024 * 1024, timeoutMs: 30000 }, linkTtlSeconds: 7 * 86400 },
      });
      expect(cfg.publishers).toEqual([]);
      expect(cfg.ingress).toEqual({ prefetch: 500, maxBatch: 250, maxConcurrentBatches: 2, deliveryLimit: 50 });
      expect(cfg.outbox).toEqual({ relayIntervalMs: 500, graceMs: 5000, batchSize: 500 });
      expect(cfg.retry).toEqual({ delaysMs: [1000, 5000, 30000, 120000, 600000], jitter: 0.2 });
      expect(cfg.tenants).toEqual({
        demo: {
          name: 'Demo',
          locale: 'uk',
          ingressTokens: [],
          httpOpen: false,
          files: { allowedHosts: [] },
          // A Ukrainian-speaking tenant gets Ukraine's statutory terms unless it says otherwise.
          deadlines: {
            country: 'UA',
            timeZone: 'Europe/Kyiv',
            profiles: { appeal: 'ua.appeals.art20', proposal: 'ua.appeals.art20', complaint: 'ua.appeals.art20', 'public-information-request': 'ua.public-info.art20' },
            municipal: true,
            warnAt: [0.5, 0.8],
            repeat: { windowDays: 90, match: ['topic', 'location'], distanceMeters: 150 },
          },
        },
      });
      expect(cfg.deadlines).toEqual({ intervalMs: 30000 });
      expect(cfg.adapters).toEqual({});
      expect(cfg.routes).toEqual([]);
    });

    it('deadlines follow the locale by default, a country, or nothing', () => {
      const cfg = parseHubConfig(
        `
tenants:
  ru: { name: Ru, locale: ru }
  en: { name: En, locale: en }
  off: { name: Off, deadlines: { country: 'off' } }
  pub: { name: Pub, deadlines: { country: UA, timeZone: Europe/Kyiv, profiles: { proposal: ua.public-info.art20 }, municipal: false, warnAt: [0.9, 0.25], repeat: { windowDays: 0 } } }
`,
        'deadlines.yaml',
        {},
      );
      expect(cfg.tenants.ru.deadlines).toMatchObject({ country: 'RU', timeZone: 'Europe/Moscow', profiles: { appeal: 'ru.59-fz', 'public-information-request': 'ru.59-fz' } });
      expect(cfg.tenants.en.deadlines).toBeUndefined();
      expect(cfg.tenants.off.deadlines).toBeUndefined();
      expect(cfg.tenants.pub.deadlines).toMatchObject({ profiles: { proposal: 'ua.public-info.art20', appeal: 'ua.appeals.art20' }, municipal: false, warnAt: [0.25, 0.9], repeat: { windowDays: 0 } });
      expect(() => parseHubConfig('tenants:\n  x: { name: X, deadlines: { country: UA, profiles: { appeal: ua.unknown } } }\n', 'bad.yaml', {})).toThrow(/deadlines\/profiles\/appeal/);
    });

    it('names every legal profile the engine has, and no other', () => {
      expect([...LEGAL_PROFILE_IDS].sort()).toEqual(Object.keys(LEGAL_PROFILES).sort());
    });

    it('applies defaults to adapter instances and unnamed routes', () => {
      const cfg = parseHubConfig(
        `
tenants:
  demo: { name: Demo }
adapters:
  edms: { type: edms.1c-docflow }
routes:
  - tenants: [demo]
    types: [appeal.*]
    to: [edms]
`,
        'defaults.yaml',
        {},
      );

      expect(cfg.adapters.edms).toEqual({
        type: 'edms.1c-docflow',
        enabled: true,
        config: {},
        runner: { concurrency: 8, timeoutMs: 45000, ratePerSecond: undefined, breakerFailures: 5, breakerOpenMs: 30000, pollIntervalMs: 5000 },
      });
      expect(cfg.routes).toEqual([{ name: 'route-0', tenants: ['demo'], types: ['appeal.*'], to: ['edms'] }]);
    });

    it('keeps explicit values instead of defaults', () => {
      const cfg = parseHubConfig(
        `
hub: { source: urn:test, maxBodyBytes: 2048, maxJsonDepth: 8 }
ingress: { prefetch: 10, maxBatch: 5, maxConcurrentBatches: 1, deliveryLimit: 3 }
retry: { delaysMs: [100], jitter: 0 }
tenants:
  demo: { name: Demo, locale: en }
adapters:
  edms: { type: edms.x, enabled: false }
`,
        'explicit.yaml',
        {},
      );

      expect(cfg.hub).toMatchObject({ source: 'urn:test', maxBodyBytes: 2048, maxJsonDepth: 8, amqp: { allowAnonymousPublishers: false } });
      expect(cfg.ingress).toEqual({ prefetch: 10, maxBatch: 5, maxConcurrentBatches: 1, deliveryLimit: 3 });
      expect(cfg.retry).toEqual({ delaysMs: [100], jitter: 0 });
      expect(cfg.tenants.demo.locale).toBe('en');
      expect(cfg.adapters.edms.enabled).toBe(false);
    });

    it('reports an unknown setting with its path', () => {
      const e = configError(`${MINIMAL}\ncolour: blue\n`);

      expect(issueAt(e, '/colour')?.message).toBe('is not a known setting');
    });

    it('reports an unknown nested setting with its full path', () => {
      const e = configError(`${MINIMAL}\nhub:\n  colour: blue\n`);

      expect(issueAt(e, '/hub/colour')?.message).toBe('is not a known setting');
    });

    it('reports missing tenants', () => {
      const e = configError('hub:\n  source: urn:test\n');

      expect(issueAt(e, '/tenants')?.message).toBe('is required');
    });

    it('reports an empty tenants map', () => {
      const e = configError('tenants: {}\n');

      expect(paths(e)).toEqual(['/tenants']);
    });

    it('reports a value out of range', () => {
      const e = configError(`${MINIMAL}\ningress:\n  prefetch: 0\n`);

      expect(paths(e)).toEqual(['/ingress/prefetch']);
    });

    it('reports a route to an undeclared adapter instance at its index in "to"', () => {
      const e = configError(`
tenants:
  demo: { name: Demo }
adapters:
  edms: { type: edms.x }
routes:
  - tenants: [demo]
    types: [appeal.submitted]
    to: [edms, ghost]
`);

      expect(e.issues).toEqual([{ path: '/routes/0/to/1', message: 'adapter instance "ghost" is not declared under /adapters' }]);
    });

    it('reports a route naming an undeclared tenant', () => {
      const e = configError(`
tenants:
  demo: { name: Demo }
adapters:
  edms: { type: edms.x }
routes:
  - tenants: ['*', demo, lviv]
    types: [appeal.submitted]
    to: [edms]
`);

      expect(e.issues).toEqual([{ path: '/routes/0/tenants/2', message: 'tenant "lviv" is not declared under /tenants' }]);
    });

    it('rejects a tenant id that does not match the id pattern', () => {
      // Tenant ids become the first word of cabinet.out routing keys, so upper case and "_" must not get through.
      const e = configError(`
tenants:
  Kyiv_City: { name: Kyiv }
`);

      expect(e.issues).toEqual([{ path: '/tenants/Kyiv_City', message: 'is not a valid id (1-63 lower-case latin letters, digits or hyphens)' }]);
    });

    it('reserves the tenant id "unknown" for rejections whose tenant cannot be read', () => {
      const e = configError(`${MINIMAL}
  unknown: { name: Unknown }
`);

      expect(paths(e)).toEqual(['/tenants/unknown']);
    });

    it('rejects an adapter instance id that does not match the id pattern', () => {
      // Instance ids become queue names (hub.work.<id>).
      const e = configError(`
${MINIMAL}
adapters:
  EDMS_Main: { type: edms.x }
`);

      expect(e.issues).toEqual([{ path: '/adapters/EDMS_Main', message: 'is not a valid id (1-63 lower-case latin letters, digits or hyphens)' }]);
    });

    it('rejects a literal secret under adapter config and tells to use { env: NAME }', () => {
      const e = configError(`
${MINIMAL}
adapters:
  edms:
    type: edms.x
    config:
      baseUrl: http://edms.example
      password: hunter2
`);

      expect(paths(e)).toEqual(['/adapters/edms/config/password']);
      expect(e.issues[0].message).toMatch(/\{ env: VARIABLE_NAME \}/);
      expect(e.message).not.toContain('hunter2');
    });

    it('rejects literal secrets nested deeper in adapter config', () => {
      const e = configError(`
${MINIMAL}
adapters:
  edms:
    type: edms.x
    config:
      auth: { user: hub, api_key: 12345 }
`);

      expect(paths(e)).toEqual(['/adapters/edms/config/auth/api_key']);
    });

    it('rejects a list of literal secrets under a secret-named key', () => {
      // A list of tokens is as much a secret as a single token.
      const e = configError(`
${MINIMAL}
adapters:
  edms:
    type: edms.x
    config:
      apiKeys: [k-live-1, k-live-2]
`);

      expect(e.message).not.toContain('k-live-1');
      expect(e.issues.some((i) => i.path.startsWith('/adapters/edms/config/apiKeys'))).toBe(true);
    });

    it('reports an { env: NAME } reference whose variable is unset, naming the variable', () => {
      const e = configError(`
${MINIMAL}
adapters:
  edms:
    type: edms.x
    config:
      password: { env: EDMS_PASSWORD }
`);

      expect(e.issues).toEqual([{ path: '/adapters/edms/config/password', message: 'environment variable EDMS_PASSWORD is not set' }]);
    });

    it('treats an empty environment variable as unset', () => {
      const e = configError(
        `
tenants:
  demo: { name: Demo, ingressTokens: [{ env: DEMO_TOKEN }] }
`,
        { DEMO_TOKEN: '' },
      );

      expect(e.issues).toEqual([{ path: '/tenants/demo/ingressTokens/0', message: 'environment variable DEMO_TOKEN is not set' }]);
    });

    it('resolves { env: NAME } references to their values when the variables are set', () => {
      const cfg = parseHubConfig(
        `
tenants:
  demo: { name: Demo, ingressTokens: [{ env: DEMO_TOKEN }] }
adapters:
  edms:
    type: edms.x
    config:
      baseUrl: http://edms.example
      password: { env: EDMS_PASSWORD }
      mirrors:
        - { url: http://m1.example, token: { env: MIRROR_TOKEN } }
`,
        'secrets.yaml',
        { DEMO_TOKEN: 'tok-demo', EDMS_PASSWORD: 'pw-edms', MIRROR_TOKEN: 'tok-mirror' },
      );

      expect(cfg.tenants.demo.ingressTokens).toEqual(['tok-demo']);
      expect(cfg.adapters.edms.config).toEqual({
        baseUrl: 'http://edms.example',
        password: 'pw-edms',
        mirrors: [{ url: 'http://m1.example', token: 'tok-mirror' }],
      });
    });

    it('reports all cross-reference and secret problems together in one ConfigError', () => {
      const e = configError(`
tenants:
  demo: { name: Demo, ingressTokens: [{ env: DEMO_TOKEN }] }
adapters:
  edms:
    type: edms.x
    config: { password: hunter2 }
routes:
  - tenants: [demo, lviv]
    types: [appeal.submitted]
    to: [edms, ghost]
`);

      expect(paths(e).sort()).toEqual(['/adapters/edms/config/password', '/routes/0/tenants/1', '/routes/0/to/1', '/tenants/demo/ingressTokens/0'].sort());
      for (const path of paths(e)) expect(e.message).toContain(path);
    });

    it('reports every kind of mistake in one file at once, schema and cross-reference alike', () => {
      // The operator must see every mistake in one run, not one class of mistakes per restart.
      const e = configError(`
colour: blue
tenants:
  demo: { name: Demo, ingressTokens: [{ env: DEMO_TOKEN }] }
  Kyiv_City: { name: Kyiv }
adapters:
  edms:
    type: edms.x
    config: { password: hunter2 }
routes:
  - tenants: [demo, lviv]
    types: [appeal.submitted]
    to: [edms, ghost]
`);

      expect(paths(e)).toEqual(expect.arrayContaining(['/colour', '/routes/0/to/1', '/routes/0/tenants/1', '/adapters/edms/config/password', '/tenants/demo/ingressTokens/0', '/tenants/Kyiv_City']));
    });

    it('reports missing tenants together with routes that name tenants and adapters', () => {
      const e = configError(`
routes:
  - tenants: [demo]
    types: [appeal.submitted]
    to: [edms]
`);

      expect(paths(e).sort()).toEqual(['/routes/0/tenants/0', '/routes/0/to/0', '/tenants']);
    });

    it('does not take inherited object properties for declared tenants or adapters', () => {
      // "constructor" is a valid id, and every plain object answers to it through its prototype.
      const e = configError(`
${MINIMAL}
adapters:
  edms: { type: edms.x }
routes:
  - tenants: [constructor]
    types: [appeal.submitted]
    to: [constructor]
`);

      expect(paths(e).sort()).toEqual(['/routes/0/tenants/0', '/routes/0/to/0']);
    });

    it('never puts a resolved secret into the error message', () => {
      const secret = 'S3cr3t-edms-value-9f1c';
      const e = configError(
        `
tenants:
  demo: { name: Demo }
adapters:
  edms:
    type: edms.x
    config: { password: { env: EDMS_PASSWORD } }
routes:
  - tenants: [demo]
    types: [appeal.submitted]
    to: [ghost]
`,
        { EDMS_PASSWORD: secret },
      );

      expect(paths(e)).toEqual(['/routes/0/to/0']);
      expect(e.message).not.toContain(secret);
      expect(JSON.stringify(e.issues)).not.toContain(secret);
    });

    it('never echoes a literal secret from a line with a YAML syntax error', () => {
      // The CLI prints this message to CI logs; the secret must not get there through the error snippet.
      const e = configError(`
${MINIMAL}
adapters:
  edms:
    type: edms.x
    config:
      password: hunter2-literal: oops
`);

      expect(e.issues[0].message).toMatch(/^not valid YAML/);
      expect(e.message).not.toContain('hunter2-literal');
    });

    it('reports invalid YAML as one issue at the root', () => {
      const e = configError('tenants:\n  demo: { name: Demo\n');

      expect(e.issues).toHaveLength(1);
      expect(e.issues[0].path).toBe('');
      expect(e.issues[0].message).toMatch(/^not valid YAML/);
      expect(e.origin).toBe('test.yaml');
    });

    it('reports a document that is not a mapping', () => {
      expect(paths(configError(''))).toEqual(['']);
      expect(paths(configError('- just\n- a list\n'))).toEqual(['']);
    });

    it('fails fast on a YAML alias bomb instead of expanding it', () => {
      // "Billion laughs": nine levels of nine aliases would expand to 9^9 strings.
      const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
      const bomb = [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        ...levels.slice(1).map((name, k) => `${name}: &${name} [${Array(9).fill(`*${levels[k]}`).join(',')}]`),
        'tenants: { demo: { name: Demo } }',
      ].join('\n');

      const started = Date.now();
      const e = configError(bomb);

      expect(Date.now() - started).toBeLessThan(2000);
      expect(e.issues).toHaveLength(1);
      expect(e.issues[0].message).toMatch(/^not valid YAML: .*alias/i);
    });

    it('names the origin in the error message', () => {
      const e = configError('colour: blue\n');

      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toContain('Invalid configuration (test.yaml)');
    });
  });

  describe('loadHubConfig', () => {
    let dir: string;

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'cabinet-hub-config-'));
    });

    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('validates the bundled demo configuration', () => {
      const cfg = loadHubConfig(DEMO_CONFIG_PATH, {});

      expect(Object.keys(cfg.tenants)).toEqual(['demo']);
      expect(cfg.adapters['edms-demo']).toMatchObject({ type: 'edms.1c-docflow', enabled: false });
      expect(cfg.routes).toEqual([
        {
          name: 'submissions-to-edms',
          tenants: ['*'],
          types: ['appeal.submitted', 'application.submitted', 'application.document-added'],
          to: ['edms-demo'],
        },
      ]);
    });

    it('loads and resolves a file from disk', () => {
      const file = join(dir, 'hub.yaml');
      writeFileSync(file, 'tenants:\n  demo: { name: Demo, ingressTokens: [{ env: DEMO_TOKEN }] }\n');

      expect(loadHubConfig(file, { DEMO_TOKEN: 'tok' }).tenants.demo.ingressTokens).toEqual(['tok']);
    });

    it('names the file as the origin of its problems', () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'colour: blue\n');

      expect(() => loadHubConfig(file, {})).toThrow(`Invalid configuration (${file})`);
    });

    it('reports a file that cannot be read as a ConfigError', () => {
      const file = join(dir, 'missing.yaml');

      let error: unknown;
      try {
        loadHubConfig(file, {});
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues[0].message).toMatch(/^cannot read file/);
    });
  });
});

describe('notifications configuration', () => {
  const base = `
tenants:
  demo: { name: Demo }
adapters:
  sms-a: { type: sms.twilio }
  tg: { type: messenger.telegram }
`;

  it('applies defaults and overlays configured templates on the built-in ones', () => {
    const cfg = parseHubConfig(`${base}\nnotifications:\n  channels: { sms: sms-a, telegram: tg }\n  templates:\n    water: { sms: { en: 'No water in {{district}}' } }\n`, 'test', {});
    expect(cfg.notifications).toMatchObject({
      channels: { sms: 'sms-a', telegram: 'tg' },
      order: ['viber', 'telegram', 'sms', 'email'],
      confirmWithinMs: { viber: 600000, telegram: 0, sms: 600000, email: 0 },
      sendWithinMs: 900000,
      smsMaxSegments: 4,
      rules: [],
    });
    expect(Object.keys(cfg.notifications.templates)).toEqual(expect.arrayContaining(['water', 'appeal.registered', 'bot.status']));
  });

  it('reports channels served by undeclared or unfit instances, bad rules and template problems, all at once', () => {
    const e = configError(`${base}
notifications:
  channels: { sms: tg, email: mailer }
  rules:
    - { on: appeal.submitted, template: appeal.registered }
    - { on: appeal.registered, template: nope }
    - { on: appeal.answered, template: short, tenants: [elsewhere] }
  templates:
    short: { sms: { uk: 'Відповідь: {{registrationNumber}}' } }
`);
    expect(issueAt(e, '/notifications/channels/sms')?.message).toBe('adapter instance "tg" is a messenger.telegram, which does not send sms');
    expect(issueAt(e, '/notifications/channels/email')?.message).toBe('adapter instance "mailer" is not declared under /adapters');
    expect(issueAt(e, '/notifications/rules/0/on')?.message).toMatch(/^must be one of appeal.registered/);
    expect(issueAt(e, '/notifications/rules/1/template')?.message).toMatch(/template "nope" is not defined/);
    expect(issueAt(e, '/notifications/rules/2/tenants/0')?.message).toBe('tenant "elsewhere" is not declared under /tenants');
    expect(issueAt(e, '/notifications/rules/2/template')?.message).toMatch(/uses \{\{registrationNumber\}\}, which appeal.answered does not provide/);
    expect(issueAt(e, '/notifications/templates/short/sms/en')?.message).toMatch(/English is the fallback/);
  });
});

describe('hub-config.loader publishers', () => {
  const yaml = (publishers: string) => `tenants:\n  demo: { name: Demo }\n  other: { name: Other, http: { open: true } }\npublishers:\n${publishers}\n`;

  it('resolves publishers with their rights, broker user and tokens; types default to every type', () => {
    const cfg = parseHubConfig(yaml('  demo-portal: { tenants: [demo, other], amqpUser: portal-demo, httpTokens: [{ env: PORTAL_TOKEN }] }'), 'test', { PORTAL_TOKEN: 'tok' });

    expect(cfg.publishers).toEqual([{ name: 'demo-portal', tenants: ['demo', 'other'], types: ['*'], amqpUser: 'portal-demo', httpTokens: ['tok'] }]);
    expect(cfg.tenants.other.httpOpen).toBe(true);
    expect(cfg.tenants.demo.httpOpen).toBe(false);
  });

  it('reports undeclared tenants, a broker user used twice, missing token variables and unknown settings at once', () => {
    let issues: { path: string }[] = [];
    try {
      parseHubConfig(yaml('  a: { tenants: [nowhere], amqpUser: u, httpTokens: [{ env: NOT_SET_TOKEN }] }\n  b: { tenants: [demo], amqpUser: u, colour: red }'), 'test', {});
    } catch (e) {
      issues = (e as { issues: { path: string }[] }).issues;
    }

    expect(issues.map((i) => i.path).sort()).toEqual(['/publishers/a/httpTokens/0', '/publishers/a/tenants/0', '/publishers/b/amqpUser', '/publishers/b/colour'].sort());
  });
});

describe('hub-config.loader: files', () => {
  const KEY = 'k'.repeat(32);

  it("reads the store, limits, link settings and each tenant's allow-list", () => {
    const cfg = parseHubConfig(
      `
hub:
  files:
    store: { kind: s3, endpoint: 'http://127.0.0.1:9000', bucket: hub-files, accessKeyId: { env: S3_ID }, secretAccessKey: { env: S3_SECRET } }
    maxBytes: 1000
    fetch: { maxBytes: 2000, timeoutMs: 5000 }
    signingKey: { env: LINK_KEY }
    linkTtlSeconds: 3600
tenants:
  demo:
    name: Demo
    files: { allowedHosts: [files.portal.example, '*.cdn.example', 'http://intranet.local:8080', '10.0.0.5', '[::1]:8443'] }
`,
      'files.yaml',
      { S3_ID: 'AKID', S3_SECRET: 'shh', LINK_KEY: KEY },
    );
    expect(cfg.hub.files).toEqual({
      store: { kind: 's3', endpoint: 'http://127.0.0.1:9000', bucket: 'hub-files', region: 'us-east-1', accessKeyId: 'AKID', secretAccessKey: 'shh', forcePathStyle: true },
      maxBytes: 1000,
      fetch: { maxBytes: 2000, timeoutMs: 5000 },
      signingKey: KEY,
      linkTtlSeconds: 3600,
    });
    expect(cfg.tenants.demo.files.allowedHosts).toEqual(['files.portal.example', '*.cdn.example', 'http://intranet.local:8080', '10.0.0.5', '[::1]:8443']);
  });

  it('refuses malformed allow-list entries, literal or short secrets and half a credential pair', () => {
    const e = configError(
      `
hub:
  files:
    store: { kind: s3, bucket: b-1, secretAccessKey: { env: S3_SECRET } }
    signingKey: { env: LINK_KEY }
tenants:
  demo:
    name: Demo
    files: { allowedHosts: ['https://files.example/path', 'user@files.example', '*.', 'Files.Example', 'files.example:70000', 'ftp://files.example'] }
`,
      { S3_SECRET: 'x', LINK_KEY: 'short' },
    );
    expect(paths(e)).toEqual(
      expect.arrayContaining([
        '/tenants/demo/files/allowedHosts/0',
        '/tenants/demo/files/allowedHosts/1',
        '/tenants/demo/files/allowedHosts/2',
        '/tenants/demo/files/allowedHosts/3',
        '/tenants/demo/files/allowedHosts/4',
        '/tenants/demo/files/allowedHosts/5',
        '/hub/files/store',
        '/hub/files/signingKey',
      ]),
    );
    expect(issueAt(e, '/hub/files/signingKey')?.message).toMatch(/at least 32 characters/);
    const literal = configError(`${MINIMAL}\nhub:\n  files:\n    signingKey: plain-text-key-that-is-long-enough-000\n`);
    expect(paths(literal)).toContain('/hub/files/signingKey');
    const unset = configError(`${MINIMAL}\nhub:\n  files:\n    signingKey: { env: LINK_KEY }\n`);
    expect(issueAt(unset, '/hub/files/signingKey')?.message).toBe('environment variable LINK_KEY is not set');
  });
});

describe('console configuration', () => {
  it('defaults to an enabled console without OIDC, 8-hour sessions and an hour idle', () => {
    const cfg = parseHubConfig(MINIMAL, 'minimal.yaml', {});
    expect(cfg.console).toEqual({ enabled: true, users: [], sessionMinutes: 480, idleMinutes: 60 });
  });

  it('resolves the OIDC client secret from the environment, with the defaults of scopes and the roles claim', () => {
    const cfg = parseHubConfig(
      `${MINIMAL}console:\n  oidc: { issuer: "https://sso.city.example/realms/city", clientId: cabinet-hub, clientSecret: { env: OIDC_SECRET } }\n  users: [{ email: Ops@City.example, grants: ["demo:operator"] }]\n`,
      'c.yaml',
      { OIDC_SECRET: 's3cret' },
    );
    expect(cfg.console.oidc).toEqual({
      issuer: 'https://sso.city.example/realms/city',
      clientId: 'cabinet-hub',
      clientSecret: 's3cret',
      scopes: ['openid', 'profile', 'email'],
      rolesClaim: 'cabinet_hub_roles',
      allowInsecure: false,
    });
    expect(cfg.console.users).toEqual([{ email: 'ops@city.example', grants: ['demo:operator'] }]);
  });

  it('reports grants for undeclared tenants, unknown roles and entries naming nobody at once, and a missing client secret', () => {
    const e = configError(
      `${MINIMAL}console:\n  oidc: { issuer: "https://sso.example", clientId: hub, clientSecret: { env: MISSING_SECRET } }\n  users:\n    - { email: a@b.example, grants: ["nosuch:viewer"] }\n    - { subject: x, grants: ["demo:root"] }\n    - { grants: ["demo:viewer"] }\n`,
    );
    expect(paths(e)).toEqual(expect.arrayContaining(['/console/users/0/grants/0', '/console/users/1/grants/0', '/console/users/2']));
    const secret = configError(`${MINIMAL}console:\n  oidc: { issuer: "https://sso.example", clientId: hub, clientSecret: { env: MISSING_SECRET } }\n`);
    expect(issueAt(secret, '/console/oidc/clientSecret')?.message).toBe('environment variable MISSING_SECRET is not set');
  });
});
