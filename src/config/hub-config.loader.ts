import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ConfigIssue } from './config.errors';
import { DEFAULT_TEMPLATES } from '../templates/default.templates';
import { BOT_VARIABLES, DEFAULT_RULES, RULE_EVENT_TYPES, RULE_VARIABLES, type RuleEventType } from '../templates/event.variables';
import { TemplateCatalog, type TemplateSet } from '../templates/template.catalog';
import { FilesSettings, HubConfig, HubConfigFile, HubConfigSchema, NotificationSettings, PublisherSettings, TenantDeadlineSettings } from './hub-config.schema';

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile<HubConfigFile>(HubConfigSchema);

/** Tenant id reserved for rejections whose tenant is unreadable (see ingress). */
export const UNKNOWN_TENANT_ID = 'unknown';

/** Keys whose values are secrets: they must be `{ env: NAME }` references, never literals. */
const SECRET_KEY = /(passwords?|passwd|secrets?|tokens?|api[-_]?keys?|credentials?|private[-_]?keys?)$/i;

/** The bundled example configuration: tenant `demo`, used when no file is given. */
export const DEMO_CONFIG_PATH = [
  join(__dirname, 'examples/demo.yaml'),
  // Compiled code runs from dist/src/config; the YAML stays in the source tree.
  join(__dirname, '../../../src/config/examples/demo.yaml'),
].find((p) => existsSync(p)) as string;

/** How a configuration is checked beyond its own schema. */
export interface LoadOptions {
  /**
   * More checks on the resolved adapter instances (the installed adapters' config schemas), run
   * in the same pass so one run lists every problem: missing secrets and schema errors together.
   * Issues at a path the loader already reported (a missing or literal secret) are not repeated.
   */
  checkAdapters?: (adapters: HubConfig['adapters']) => ConfigIssue[];
  /**
   * false: a secret whose variable is not set resolves to '' without an issue (for commands that
   * never talk to the external systems, such as previewing a template). Default true.
   */
  requireSecrets?: boolean;
}

/** Loads, validates and resolves a YAML configuration file; throws one {@link ConfigError} listing every problem. */
export function loadHubConfig(file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): HubConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read file: ${(e as Error).message}` }], file);
  }
  return parseHubConfig(text, file, env, options);
}

/** Validates configuration text (YAML or JSON); `origin` names it in error messages. */
export function parseHubConfig(text: string, origin: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): HubConfig {
  let raw: unknown;
  try {
    // maxAliasCount guards against "billion laughs" alias expansion in YAML.
    raw = parseYaml(text, { maxAliasCount: 50, prettyErrors: false });
  } catch (e) {
    // The library's message can quote the offending line, which may hold a secret: report the position only.
    const pos = (e as { pos?: [number, number] }).pos?.[0];
    const where = pos === undefined ? '' : ` at line ${text.slice(0, pos).split('\n').length}, column ${pos - text.lastIndexOf('\n', pos - 1)}`;
    const code = (e as { code?: string }).code;
    // Errors without a position (e.g. the alias-count guard) don't quote the file and can be shown.
    const detail = pos === undefined && e instanceof Error ? `: ${e.message}` : code ? ` (${code})` : '';
    throw new ConfigError([{ path: '', message: `not valid YAML${where}${detail}` }], origin);
  }
  const issues: ConfigIssue[] = [];
  if (!validateShape(raw)) {
    issues.push(
      ...(validateShape.errors ?? []).map((e) => ({
        path:
          e.keyword === 'required'
            ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
            : e.keyword === 'additionalProperties'
              ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
              : e.instancePath,
        message:
          e.keyword === 'required'
            ? 'is required'
            : e.keyword === 'additionalProperties'
              ? e.instancePath === '/tenants' || e.instancePath === '/adapters'
                ? 'is not a valid id (1-63 lower-case latin letters, digits or hyphens)'
                : 'is not a known setting'
              : (e.message ?? 'is invalid'),
      })),
    );
  }
  // The cross-reference checks below also run on a file with shape errors (guarded), so one run lists everything.
  const file = (raw && typeof raw === 'object' ? raw : {}) as Partial<HubConfigFile>;
  const tenantsIn = isObject(file.tenants) ? file.tenants : {};
  const adapters = isObject(file.adapters) ? file.adapters : {};
  if (Object.hasOwn(tenantsIn, UNKNOWN_TENANT_ID)) issues.push({ path: `/tenants/${UNKNOWN_TENANT_ID}`, message: `"${UNKNOWN_TENANT_ID}" is reserved for rejections whose tenant could not be read` });

  (Array.isArray(file.routes) ? file.routes : []).forEach((route, i) => {
    (Array.isArray(route?.to) ? route.to : []).forEach((target, j) => {
      if (typeof target === 'string' && !Object.hasOwn(adapters, target)) issues.push({ path: `/routes/${i}/to/${j}`, message: `adapter instance "${target}" is not declared under /adapters` });
    });
    (Array.isArray(route?.tenants) ? route.tenants : []).forEach((t, j) => {
      if (typeof t === 'string' && t !== '*' && !Object.hasOwn(tenantsIn, t)) issues.push({ path: `/routes/${i}/tenants/${j}`, message: `tenant "${t}" is not declared under /tenants` });
    });
  });

  (Array.isArray(file.console?.users) ? file.console.users : []).forEach((u, i) => {
    (Array.isArray(u?.grants) ? u.grants : []).forEach((g, j) => {
      const t = typeof g === 'string' ? g.split(':')[0] : '*';
      if (t !== '*' && !Object.hasOwn(tenantsIn, t)) issues.push({ path: `/console/users/${i}/grants/${j}`, message: `tenant "${t}" is not declared under /tenants` });
    });
    if (u && u.subject === undefined && u.email === undefined) issues.push({ path: `/console/users/${i}`, message: 'give the subject or the e-mail this entry grants roles to' });
  });

  // Every value read from a secret variable, remembered with the configuration (secretsOf): the
  // admin console masks by what came from a secret, not by guessing from key names.
  const secrets: ResolvedSecret[] = [];
  const resolveSecret = (ref: { env: string }, path: string): string => {
    const value = env[ref.env];
    secrets.push({ env: ref.env, path, value: value ?? '' });
    if (value === undefined || value === '') {
      if (options.requireSecrets !== false) issues.push({ path, message: `environment variable ${ref.env} is not set` });
      return '';
    }
    return value;
  };
  // A disabled instance never calls its system, so its secrets are not needed until it is enabled.
  const optionalSecret = (ref: { env: string }, path: string): string => {
    secrets.push({ env: ref.env, path, value: env[ref.env] ?? '' });
    return env[ref.env] ?? '';
  };

  const tenants: HubConfig['tenants'] = {};
  for (const [id, t] of Object.entries(tenantsIn)) {
    const refs = Array.isArray(t?.ingressTokens) ? t.ingressTokens : [];
    tenants[id] = {
      name: t?.name,
      locale: t?.locale ?? 'uk',
      ingressTokens: refs.map((ref, i) => (isObject(ref) && typeof ref.env === 'string' ? resolveSecret(ref, `/tenants/${id}/ingressTokens/${i}`) : '')),
      httpOpen: t?.http?.open === true,
      files: { allowedHosts: allowedHostsOf(t?.files?.allowedHosts, `/tenants/${id}/files/allowedHosts`, issues) },
      ...deadlinesOf(t),
    };
  }
  const files = resolveFiles(file, issues, resolveSecret);
  const publishers = resolvePublishers(file, tenantsIn, issues, resolveSecret);
  const resolvedAdapters: HubConfig['adapters'] = {};
  for (const [id, a] of Object.entries(adapters)) {
    resolvedAdapters[id] = {
      type: a?.type,
      enabled: a?.enabled ?? true,
      config: resolveSecrets(isObject(a?.config) ? a.config : {}, `/adapters/${id}/config`, issues, a?.enabled === false ? optionalSecret : resolveSecret) as Record<string, unknown>,
      runner: {
        concurrency: a?.runner?.concurrency ?? 8,
        timeoutMs: a?.runner?.timeoutMs ?? 45_000,
        ratePerSecond: a?.runner?.ratePerSecond,
        breakerFailures: a?.runner?.breakerFailures ?? 5,
        breakerOpenMs: a?.runner?.breakerOpenMs ?? 30_000,
        pollIntervalMs: a?.runner?.pollIntervalMs ?? 5_000,
      },
    };
  }
  const notifications = resolveNotifications(file, adapters, tenantsIn, issues);
  if (options.checkAdapters) {
    const reported = new Set(issues.map((i) => i.path));
    // Instances whose type the shape check already refused have nothing more to say.
    const typed = Object.fromEntries(Object.entries(resolvedAdapters).filter(([, a]) => typeof a.type === 'string'));
    issues.push(...options.checkAdapters(typed).filter((i) => !reported.has(i.path)));
  }
  const oidcSecret = file.console?.oidc?.clientSecret ? resolveSecret(file.console.oidc.clientSecret, '/console/oidc/clientSecret') : undefined;
  if (issues.length) throw new ConfigError(dedupe(issues), origin);

  const config: HubConfig = {
    hub: {
      source: file.hub?.source ?? 'urn:cabinet-hub',
      maxBodyBytes: file.hub?.maxBodyBytes ?? 1024 * 1024,
      maxJsonDepth: file.hub?.maxJsonDepth ?? 64,
      ...(file.hub?.publicUrl ? { publicUrl: file.hub.publicUrl.replace(/\/+$/, '') } : {}),
      amqp: { allowAnonymousPublishers: file.hub?.amqp?.allowAnonymousPublishers === true },
      files,
    },
    ingress: {
      prefetch: file.ingress?.prefetch ?? 500,
      maxBatch: file.ingress?.maxBatch ?? 250,
      maxConcurrentBatches: file.ingress?.maxConcurrentBatches ?? 2,
      deliveryLimit: file.ingress?.deliveryLimit ?? 50,
    },
    outbox: {
      relayIntervalMs: file.outbox?.relayIntervalMs ?? 500,
      graceMs: file.outbox?.graceMs ?? 5000,
      batchSize: file.outbox?.batchSize ?? 500,
    },
    retry: {
      delaysMs: file.retry?.delaysMs ?? [1000, 5000, 30000, 120000, 600000],
      jitter: file.retry?.jitter ?? 0.2,
    },
    tenants,
    adapters: resolvedAdapters,
    routes: (file.routes ?? []).map((r, i) => ({ name: r.name ?? `route-${i}`, tenants: r.tenants, types: r.types, to: r.to })),
    publishers,
    notifications,
    deadlines: { intervalMs: file.deadlines?.intervalMs ?? 30_000 },
    evidence: {
      chain: file.evidence?.chain ?? true,
      chainIntervalMs: file.evidence?.chainIntervalMs ?? 1000,
      ...(file.evidence?.timestamping
        ? {
            timestamping: {
              url: file.evidence.timestamping.url,
              intervalSeconds: file.evidence.timestamping.intervalSeconds ?? 60,
              maxEntries: file.evidence.timestamping.maxEntries ?? 1000,
              timeoutMs: file.evidence.timestamping.timeoutMs ?? 10000,
            },
          }
        : {}),
      ...(file.evidence?.witnessDir ? { witnessDir: file.evidence.witnessDir } : {}),
    },
    console: {
      enabled: file.console?.enabled ?? true,
      ...(file.console?.oidc
        ? {
            oidc: {
              issuer: file.console.oidc.issuer,
              clientId: file.console.oidc.clientId,
              ...(oidcSecret !== undefined ? { clientSecret: oidcSecret } : {}),
              scopes: file.console.oidc.scopes ?? ['openid', 'profile', 'email'],
              rolesClaim: file.console.oidc.rolesClaim ?? 'cabinet_hub_roles',
              allowInsecure: file.console.oidc.allowInsecure ?? false,
            },
          }
        : {}),
      users: (file.console?.users ?? []).map((u) => ({ ...(u.subject ? { subject: u.subject } : {}), ...(u.email ? { email: u.email.toLowerCase() } : {}), grants: u.grants })),
      sessionMinutes: file.console?.sessionMinutes ?? 480,
      idleMinutes: file.console?.idleMinutes ?? 60,
    },
    deadLetters: {
      keep: file.deadLetters?.keep ?? true,
      maxRatePerSecond: file.deadLetters?.maxRatePerSecond ?? 50,
      jobIntervalMs: file.deadLetters?.jobIntervalMs ?? 1000,
    },
  };
  SECRETS.set(config, Object.freeze(secrets));
  return config;
}

/** A value the loader read from a secret variable: the variable, where the file referred to it, the value. */
export interface ResolvedSecret {
  env: string;
  /** JSON pointer into the file (`/tenants/demo/ingressTokens/0`, `/adapters/x/config/password`). */
  path: string;
  value: string;
}

const SECRETS = new WeakMap<HubConfig, readonly ResolvedSecret[]>();

/**
 * The secrets a loaded configuration was resolved with (empty for one built by hand). For masking
 * only: never log or return the values.
 */
export function secretsOf(config: HubConfig): readonly ResolvedSecret[] {
  return SECRETS.get(config) ?? [];
}

/**
 * A tenant's deadline settings with the defaults of its country: UA appeals, proposals and
 * complaints follow the law on citizens' appeals (Art. 20), public-information requests their own
 * law (Art. 20); RU everything 59-ФЗ. Without a `deadlines` section the country follows the
 * tenant's locale (uk → UA, ru → RU); an English-speaking tenant has none until configured.
 */
function deadlinesOf(t: { locale?: string; deadlines?: NonNullable<HubConfigFile['tenants'][string]['deadlines']> } | undefined): { deadlines?: TenantDeadlineSettings } {
  const country = t?.deadlines?.country ?? (t?.locale === 'ru' ? 'RU' : t?.locale === 'en' ? 'off' : 'UA');
  if (country === 'off') return {};
  const d = t?.deadlines;
  const base: TenantDeadlineSettings['profiles'] =
    country === 'UA'
      ? { appeal: 'ua.appeals.art20', proposal: 'ua.appeals.art20', complaint: 'ua.appeals.art20', 'public-information-request': 'ua.public-info.art20' }
      : { appeal: 'ru.59-fz', proposal: 'ru.59-fz', complaint: 'ru.59-fz', 'public-information-request': 'ru.59-fz' };
  return {
    deadlines: {
      country,
      timeZone: d?.timeZone ?? (country === 'UA' ? 'Europe/Kyiv' : 'Europe/Moscow'),
      profiles: { ...base, ...(d?.profiles ?? {}) },
      municipal: d?.municipal !== false,
      warnAt: [...(d?.warnAt ?? [0.5, 0.8])].sort((a, b) => a - b),
      repeat: { windowDays: d?.repeat?.windowDays ?? 90, match: d?.repeat?.match ?? ['topic', 'location'], distanceMeters: d?.repeat?.distanceMeters ?? 150 },
    },
  };
}

/** Shortest signing key accepted for download links: an HMAC-SHA256 key should carry 256 bits. */
export const MIN_SIGNING_KEY_LENGTH = 32;

/** `hub.files` with defaults; secrets resolved. */
function resolveFiles(file: Partial<HubConfigFile>, issues: ConfigIssue[], resolveSecret: (ref: { env: string }, path: string) => string): FilesSettings {
  const f = isObject(file.hub?.files) ? (file.hub.files as NonNullable<NonNullable<HubConfigFile['hub']>['files']>) : {};
  const ref = (v: unknown, path: string): string | undefined => (isSecretRef(v) ? resolveSecret(v as { env: string }, path) : undefined);
  let store: FilesSettings['store'] = { kind: 'postgres' };
  if (isObject(f.store) && f.store.kind === 's3') {
    const s = f.store;
    const accessKeyId = typeof s.accessKeyId === 'string' ? s.accessKeyId : ref(s.accessKeyId, '/hub/files/store/accessKeyId');
    const secretAccessKey = ref(s.secretAccessKey, '/hub/files/store/secretAccessKey');
    if ((s.accessKeyId === undefined) !== (s.secretAccessKey === undefined))
      issues.push({ path: '/hub/files/store', message: 'give accessKeyId and secretAccessKey together, or neither (the SDK then uses its default credentials)' });
    store = {
      kind: 's3',
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      bucket: s.bucket,
      region: s.region ?? 'us-east-1',
      ...(accessKeyId !== undefined ? { accessKeyId } : {}),
      ...(secretAccessKey !== undefined ? { secretAccessKey } : {}),
      forcePathStyle: s.forcePathStyle ?? Boolean(s.endpoint),
    };
  }
  const signingKey = ref(f.signingKey, '/hub/files/signingKey');
  if (signingKey && signingKey.length < MIN_SIGNING_KEY_LENGTH)
    issues.push({ path: '/hub/files/signingKey', message: `the key must be at least ${MIN_SIGNING_KEY_LENGTH} characters long (e.g. \`openssl rand -base64 32\`)` });
  return {
    store,
    maxBytes: f.maxBytes ?? 50 * 1024 * 1024,
    fetch: { maxBytes: f.fetch?.maxBytes ?? 50 * 1024 * 1024, timeoutMs: f.fetch?.timeoutMs ?? 30_000 },
    ...(signingKey ? { signingKey } : {}),
    linkTtlSeconds: f.linkTtlSeconds ?? 7 * 86400,
  };
}

/** A tenant's allow-list, lower-cased as written (the shape is the schema's); ports beyond 65535 are refused here. */
function allowedHostsOf(list: unknown, path: string, issues: ConfigIssue[]): string[] {
  if (!Array.isArray(list)) return [];
  return list.filter((entry, i): entry is string => {
    if (typeof entry !== 'string') return false;
    const port = /:(\d+)$/.exec(entry)?.[1];
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
      issues.push({ path: `${path}/${i}`, message: 'port must be from 1 to 65535' });
      return false;
    }
    return true;
  });
}

/** Publishers with their secrets resolved; tenants must be declared and a broker user names one publisher only. */
function resolvePublishers(file: Partial<HubConfigFile>, tenants: Record<string, unknown>, issues: ConfigIssue[], resolveSecret: (ref: { env: string }, path: string) => string): PublisherSettings[] {
  const users = new Map<string, string>();
  return Object.entries(isObject(file.publishers) ? file.publishers : {}).map(([name, p]) => {
    (Array.isArray(p?.tenants) ? p.tenants : []).forEach((t, j) => {
      if (typeof t === 'string' && t !== '*' && !Object.hasOwn(tenants, t)) issues.push({ path: `/publishers/${name}/tenants/${j}`, message: `tenant "${t}" is not declared under /tenants` });
    });
    if (typeof p?.amqpUser === 'string') {
      const other = users.get(p.amqpUser);
      if (other) issues.push({ path: `/publishers/${name}/amqpUser`, message: `broker user is already the publisher "${other}"'s; one broker user is one publisher` });
      users.set(p.amqpUser, name);
    }
    const refs = Array.isArray(p?.httpTokens) ? p.httpTokens : [];
    return {
      name,
      tenants: Array.isArray(p?.tenants) ? p.tenants : [],
      types: Array.isArray(p?.types) ? p.types : ['*'],
      ...(typeof p?.amqpUser === 'string' ? { amqpUser: p.amqpUser } : {}),
      httpTokens: refs.map((ref, i) => (isObject(ref) && typeof ref.env === 'string' ? resolveSecret(ref, `/publishers/${name}/httpTokens/${i}`) : '')),
    };
  });
}

/** Channel adapter types by channel: a channel must be served by an instance of a matching type. */
const CHANNEL_TYPE_PREFIX = { sms: 'sms.', email: 'email.', telegram: 'messenger.telegram', viber: 'messenger.viber' } as const;

/** Notification settings with defaults, and every problem with channels, rules and templates. */
function resolveNotifications(file: Partial<HubConfigFile>, adapters: Record<string, any>, tenants: Record<string, unknown>, issues: ConfigIssue[]): NotificationSettings {
  const n = isObject(file.notifications) ? (file.notifications as NonNullable<HubConfigFile['notifications']>) : {};
  const channels = isObject(n.channels) ? n.channels : {};
  for (const [channel, instance] of Object.entries(channels)) {
    if (typeof instance !== 'string') continue;
    const a = adapters[instance];
    if (!a) issues.push({ path: `/notifications/channels/${channel}`, message: `adapter instance "${instance}" is not declared under /adapters` });
    else if (typeof a.type === 'string' && !a.type.startsWith(CHANNEL_TYPE_PREFIX[channel as keyof typeof CHANNEL_TYPE_PREFIX]))
      issues.push({ path: `/notifications/channels/${channel}`, message: `adapter instance "${instance}" is a ${a.type}, which does not send ${channel}` });
  }
  const templates: TemplateSet = { ...DEFAULT_TEMPLATES, ...(isObject(n.templates) ? (n.templates as TemplateSet) : {}) };
  const rules = (Array.isArray(n.rules) ? n.rules : []).map((r, i) => ({
    on: r?.on,
    template: r?.template,
    tenants: r?.tenants ?? ['*'],
    mandatory: r?.mandatory ?? false,
    priority: r?.priority ?? 'normal',
    ...(r?.statuses ? { statuses: r.statuses } : {}),
    ...(r?.exceptStatuses ? { exceptStatuses: r.exceptStatuses } : {}),
    i,
  }));
  if (n.defaultRules === true) {
    for (const d of DEFAULT_RULES)
      rules.push({
        on: d.on,
        template: d.template,
        tenants: ['*'],
        mandatory: d.mandatory ?? false,
        priority: 'normal',
        ...(d.statuses ? { statuses: [...d.statuses] } : {}),
        ...(d.exceptStatuses ? { exceptStatuses: [...d.exceptStatuses] } : {}),
        i: -1,
      });
  }
  const provided = new Map<string, { path: string; event: string; variables: readonly string[] }[]>();
  const use = (id: string, entry: { path: string; event: string; variables: readonly string[] }) => provided.set(id, [...(provided.get(id) ?? []), entry]);
  for (const r of rules) {
    if (typeof r.on !== 'string' || typeof r.template !== 'string') continue;
    if (!(RULE_EVENT_TYPES as readonly string[]).includes(r.on)) {
      issues.push({ path: `/notifications/rules/${r.i}/on`, message: `must be one of ${RULE_EVENT_TYPES.join(', ')}` });
      continue;
    }
    if (!Object.hasOwn(templates, r.template))
      issues.push({ path: `/notifications/rules/${r.i}/template`, message: `template "${r.template}" is not defined under /notifications/templates (nor built in)` });
    else use(r.template, { path: r.i < 0 ? '/notifications/defaultRules' : `/notifications/rules/${r.i}/template`, event: r.on, variables: RULE_VARIABLES[r.on as RuleEventType] });
    (Array.isArray(r.tenants) ? r.tenants : []).forEach((t: unknown, j: number) => {
      if (typeof t === 'string' && t !== '*' && !Object.hasOwn(tenants, t)) issues.push({ path: `/notifications/rules/${r.i}/tenants/${j}`, message: `tenant "${t}" is not declared under /tenants` });
    });
  }
  for (const [id, variables] of Object.entries(BOT_VARIABLES)) use(id, { path: `/notifications/templates/${id}`, event: 'the bot', variables });
  const smsMaxSegments = n.smsMaxSegments ?? 4;
  issues.push(...TemplateCatalog.validate(templates, provided, smsMaxSegments));
  return {
    channels: Object.fromEntries(Object.entries(channels).filter(([, v]) => typeof v === 'string')) as NotificationSettings['channels'],
    order: n.order ?? ['viber', 'telegram', 'sms', 'email'],
    confirmWithinMs: { viber: 600_000, telegram: 0, sms: 600_000, email: 0, ...(isObject(n.confirmWithinMs) ? n.confirmWithinMs : {}) },
    sendWithinMs: n.sendWithinMs ?? 900_000,
    smsMaxSegments,
    prefetch: n.prefetch ?? 32,
    rules: rules.map(({ i: _i, ...r }) => r) as NotificationSettings['rules'],
    templates,
  };
}

/** Walks adapter settings: `{env: NAME}` objects become their values; literal secrets are errors. */
function resolveSecrets(value: unknown, path: string, issues: ConfigIssue[], resolveSecret: (ref: { env: string }, path: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, `${path}/${i}`, issues, resolveSecret));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'env' && typeof obj.env === 'string') return resolveSecret({ env: obj.env }, path);
    const out: Record<string, unknown> = Object.create(null);
    for (const key of keys) {
      const child = obj[key];
      if (SECRET_KEY.test(key) && !isSecretRef(child) && !(Array.isArray(child) && child.every(isSecretRef))) {
        issues.push({ path: `${path}/${key}`, message: 'secrets must not be written in the file; use { env: VARIABLE_NAME } (or a list of them)' });
        continue;
      }
      out[key] = resolveSecrets(child, `${path}/${key}`, issues, resolveSecret);
    }
    return out;
  }
  return value;
}

function isSecretRef(v: unknown): boolean {
  return isObject(v) && Object.keys(v).length === 1 && typeof v.env === 'string';
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\n${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
