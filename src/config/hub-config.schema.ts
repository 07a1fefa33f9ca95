import { Static, Type } from '@sinclair/typebox';

const Identifier = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const AdapterType = Type.String({ pattern: '^[a-z0-9]+\\.[a-z0-9][a-z0-9.-]*$' });
/** Exact event type, a prefix wildcard (`appeal.*`) or `*`. */
const TypePattern = Type.String({ pattern: '^(\\*|[a-z]+(\\.[a-z-]+)*(\\.\\*)?)$' });

/** A secret is never written into the YAML file: it names the environment variable holding it. */
export const SecretRef = Type.Object({ env: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }) }, { additionalProperties: false });
export type SecretRef = Static<typeof SecretRef>;

/**
 * One entry of a tenant's file allow-list: an exact host (`files.portal.example`) or a leading
 * wildcard for its subdomains (`*.cdn.example`, which does not match `cdn.example` itself), an
 * IPv4 or bracketed IPv6 literal, optionally a scheme (`https://` is the default, `http://` must be
 * written) and a port (default: the scheme's own). Lower case, no path. Parsed in src/files/host.allowlist.ts.
 */
export const ALLOWED_HOST_PATTERN = '^(https?://)?((\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?$';
const AllowedHost = Type.String({ pattern: ALLOWED_HOST_PATTERN, maxLength: 300 });

/** Where the hub keeps file content: PostgreSQL (default) or an S3-compatible bucket. */
const FileStoreSetting = Type.Union([
  Type.Object({ kind: Type.Literal('postgres') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('s3'),
      /** Endpoint of an S3-compatible service (MinIO, Ceph, …); absent for AWS itself. */
      endpoint: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' })),
      bucket: Type.String({ minLength: 3, maxLength: 63 }),
      region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      /** The access key id; a literal or an `{ env: NAME }` reference. */
      accessKeyId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), SecretRef])),
      secretAccessKey: Type.Optional(SecretRef),
      /** Path-style addressing (`<endpoint>/<bucket>/<key>`), which most S3-compatible services need. */
      forcePathStyle: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
]);

/** The hub's file machinery: store, fetching by URL, download links. */
const FilesSetting = Type.Object(
  {
    store: Type.Optional(FileStoreSetting),
    /** Largest file an adapter may keep (read from a back office). */
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 * 1024 * 1024 * 1024 })),
    fetch: Type.Optional(
      Type.Object(
        {
          maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 * 1024 * 1024 * 1024 })),
          timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3600000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Key of the download links' HMAC; without it the hub generates one and keeps it in the database. */
    signingKey: Type.Optional(SecretRef),
    linkTtlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 366 * 86400 })),
  },
  { additionalProperties: false },
);

/** Legal profiles the deadline engine knows (src/deadlines/legal-profile.data.ts; a test keeps the two lists equal). */
export const LEGAL_PROFILE_IDS = ['ua.appeals.art20', 'ua.public-info.art20', 'ru.59-fz'] as const;
const ProfileId = Type.Union(LEGAL_PROFILE_IDS.map((id) => Type.Literal(id)));

/** A tenant's business calendar and which legal profile each kind of appeal follows. */
const TenantDeadlines = Type.Object(
  {
    /** `off`: no deadlines for this tenant's cases. */
    country: Type.Union([Type.Literal('UA'), Type.Literal('RU'), Type.Literal('off')]),
    /** IANA zone of the authority's calendar; default Europe/Kyiv (UA) or Europe/Moscow (RU). */
    timeZone: Type.Optional(Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' })),
    /** Profile per appeal kind; defaults per country (README). */
    profiles: Type.Optional(
      Type.Object(
        { appeal: Type.Optional(ProfileId), proposal: Type.Optional(ProfileId), complaint: Type.Optional(ProfileId), 'public-information-request': Type.Optional(ProfileId) },
        { additionalProperties: false },
      ),
    ),
    /** Seed 004's municipal rules on top: taken into work within 1 day, solved by T−3 days. Default true. */
    municipal: Type.Optional(Type.Boolean()),
    /** Repeat appeals (seed 004): the same applicant about the same problem within a window is linked to the earlier case(s). */
    repeat: Type.Optional(
      Type.Object(
        {
          /** Days back an earlier appeal counts (default 90); 0 turns linking off. */
          windowDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3660 })),
          /** What must be the same besides the applicant (default both): the topic code, the location. */
          match: Type.Optional(Type.Array(Type.Union([Type.Literal('topic'), Type.Literal('location')]), { uniqueItems: true, maxItems: 2 })),
          /** Two points this close are one location (default 150 m). */
          distanceMeters: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Shares of the term at which `deadline.warning` is sent (T−3 days is always warned). Default [0.5, 0.8]. */
    warnAt: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }), { maxItems: 5, uniqueItems: true })),
  },
  { additionalProperties: false },
);

const Tenant = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    locale: Type.Optional(Type.Union([Type.Literal('uk'), Type.Literal('ru'), Type.Literal('en')])),
    /** Bearer tokens accepted on the HTTP ingress for this tenant (any inbound type); see also /publishers. */
    ingressTokens: Type.Optional(Type.Array(SecretRef)),
    /** `open: true` accepts this tenant's events on HTTP without a token (logged as a warning at startup). */
    http: Type.Optional(Type.Object({ open: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    /** Where the hub may fetch this tenant's files given by URL (see {@link AllowedHost}). */
    files: Type.Optional(Type.Object({ allowedHosts: Type.Optional(Type.Array(AllowedHost, { maxItems: 256 })) }, { additionalProperties: false })),
    /** Statutory deadlines of this tenant's appeals (README, "Deadlines"); absent: from the locale (uk → UA, ru → RU, en → none). */
    deadlines: Type.Optional(TenantDeadlines),
  },
  { additionalProperties: false },
);

/** How the hub runs an adapter instance: parallelism, call timeout, rate limit, circuit breaker. */
const Runner = Type.Object(
  {
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600000 })),
    ratePerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100000 })),
    breakerFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    breakerOpenMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3600000 })),
    pollIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3600000 })),
  },
  { additionalProperties: false },
);

const AdapterInstance = Type.Object(
  {
    type: AdapterType,
    enabled: Type.Optional(Type.Boolean()),
    runner: Type.Optional(Runner),
    /** Adapter-specific settings; validated by the adapter's own schema when the adapter is loaded. */
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

const Route = Type.Object(
  {
    name: Type.Optional(Type.String()),
    tenants: Type.Array(Type.Union([Identifier, Type.Literal('*')]), { minItems: 1 }),
    types: Type.Array(TypePattern, { minItems: 1 }),
    to: Type.Array(Identifier, { minItems: 1 }),
  },
  { additionalProperties: false },
);

const PositiveInt = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });

/**
 * One portal (publisher) and what it may publish, the same rights on both transports: on AMQP it
 * is recognised by the `user_id` property (RabbitMQ refuses a user_id other than the connection's
 * user), on HTTP by one of its bearer tokens.
 */
const Publisher = Type.Object(
  {
    /** Tenants it may publish for; the first one also receives rejections whose tenant cannot be read. */
    tenants: Type.Array(Type.Union([Identifier, Type.Literal('*')]), { minItems: 1 }),
    /** Event types it may publish (exact, `appeal.*` or `*`); default every inbound type. */
    types: Type.Optional(Type.Array(TypePattern, { minItems: 1 })),
    /** The RabbitMQ user it connects as. */
    amqpUser: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** Bearer tokens it sends on the HTTP ingress. */
    httpTokens: Type.Optional(Type.Array(SecretRef)),
  },
  { additionalProperties: false },
);

const Channel = Type.Union([Type.Literal('viber'), Type.Literal('telegram'), Type.Literal('sms'), Type.Literal('email')]);
const LocaleTexts = Type.Object(
  { uk: Type.Optional(Type.String({ minLength: 1 })), ru: Type.Optional(Type.String({ minLength: 1 })), en: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);
const EmailText = Type.Object(
  { subject: Type.String({ minLength: 1, maxLength: 998 }), text: Type.String({ minLength: 1 }), html: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false },
);
const Template = Type.Object(
  {
    description: Type.Optional(Type.String()),
    sms: Type.Optional(LocaleTexts),
    messenger: Type.Optional(LocaleTexts),
    email: Type.Optional(Type.Object({ uk: Type.Optional(EmailText), ru: Type.Optional(EmailText), en: Type.Optional(EmailText) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
const TemplateIdKey = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
const Rule = Type.Object(
  {
    on: Type.String({ minLength: 1 }),
    template: TemplateIdKey,
    tenants: Type.Optional(Type.Array(Type.Union([Identifier, Type.Literal('*')]), { minItems: 1 })),
    mandatory: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Type.Union([Type.Literal('high'), Type.Literal('normal'), Type.Literal('bulk')])),
    /** For status changes: only these statuses (e.g. `[rejected]`), or all but `exceptStatuses`. */
    statuses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    exceptStatuses: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
  },
  { additionalProperties: false },
);

/** Notifications: which adapter instance serves each channel, fallback order and timing, rules, templates. */
const Notifications = Type.Object(
  {
    channels: Type.Optional(
      Type.Object({ viber: Type.Optional(Identifier), telegram: Type.Optional(Identifier), sms: Type.Optional(Identifier), email: Type.Optional(Identifier) }, { additionalProperties: false }),
    ),
    order: Type.Optional(Type.Array(Channel, { minItems: 1, uniqueItems: true })),
    /** How long a channel may take to confirm delivery before the next one is tried; 0 = acceptance is enough. */
    confirmWithinMs: Type.Optional(
      Type.Object(
        {
          viber: Type.Optional(PositiveInt(0, 7 * 86400000)),
          telegram: Type.Optional(PositiveInt(0, 7 * 86400000)),
          sms: Type.Optional(PositiveInt(0, 7 * 86400000)),
          email: Type.Optional(PositiveInt(0, 7 * 86400000)),
        },
        { additionalProperties: false },
      ),
    ),
    /** How long a dispatch may wait (outage, retries) for the provider to take it before the next channel is tried. */
    sendWithinMs: Type.Optional(PositiveInt(1000, 7 * 86400000)),
    smsMaxSegments: Type.Optional(PositiveInt(1, 10)),
    /** Concurrency of the notification planner (messages in flight). */
    prefetch: Type.Optional(PositiveInt(1, 5000)),
    rules: Type.Optional(Type.Array(Rule)),
    /** Adds the built-in rules (every case event and milestone, rejections mandatory) after the configured ones; README, "Notifications". */
    defaultRules: Type.Optional(Type.Boolean()),
    templates: Type.Optional(Type.Record(TemplateIdKey, Template)),
  },
  { additionalProperties: false },
);

/** The tamper-evident journal: the chainer, RFC 3161 checkpoints and their witness copies (README, "Tamper-evident journal and evidence packs"). */
const Evidence = Type.Object(
  {
    /** Chain journal and audit rows (default true). */
    chain: Type.Optional(Type.Boolean()),
    /** Pause between chainer rounds. */
    chainIntervalMs: Type.Optional(PositiveInt(100, 600000)),
    timestamping: Type.Optional(
      Type.Object(
        {
          /** The RFC 3161 time-stamping authority (HTTP POST of application/timestamp-query). */
          url: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
          /** A checkpoint at least this often while heads move… */
          intervalSeconds: Type.Optional(PositiveInt(1, 86400)),
          /** …or as soon as this many entries were chained since the last one. */
          maxEntries: Type.Optional(PositiveInt(1, 10000000)),
          timeoutMs: Type.Optional(PositiveInt(100, 120000)),
        },
        { additionalProperties: false },
      ),
    ),
    /** Directory outside the database where every checkpoint is also written (the witness copy). */
    witnessDir: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);

/** The YAML configuration file: tenants, adapter instances, routes and tuning. */
/** A grant `<tenant>:<role>`, `*:<role>` for every tenant (roles: admin/auth/admin.roles.ts). */
const GrantPattern = Type.String({ pattern: '^([a-z0-9][a-z0-9_-]{0,62}|\\*):(viewer|operator|admin|auditor|pii-reader)$' });

/** The admin API and web console: sign-in through OpenID Connect, sessions, static grants. */
const ConsoleSetting = Type.Object(
  {
    /** Default true: the pages under /console and the API under /v1/admin (API tokens work without OIDC). */
    enabled: Type.Optional(Type.Boolean()),
    oidc: Type.Optional(
      Type.Object(
        {
          /** The provider's issuer URL (its /.well-known/openid-configuration is read at the first login). */
          issuer: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
          clientId: Type.String({ minLength: 1, maxLength: 255 }),
          clientSecret: Type.Optional(SecretRef),
          scopes: Type.Optional(Type.Array(Type.String({ pattern: '^[\\x21-\\x7e]{1,64}$' }), { maxItems: 20 })),
          /** A claim (dot path, e.g. `realm_access.roles`) whose values are grants `<tenant>:<role>`; default `cabinet_hub_roles`. */
          rolesClaim: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_:-]+(\\.[A-Za-z0-9_:-]+)*$', maxLength: 200 })),
          /** Plain HTTP issuers are refused unless this is true (a provider on localhost in tests). */
          allowInsecure: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    /** Grants by the provider's subject or verified e-mail, added to those of the roles claim. */
    users: Type.Optional(
      Type.Array(
        Type.Object(
          {
            subject: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
            grants: Type.Array(GrantPattern, { minItems: 1, maxItems: 100 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 1000 },
      ),
    ),
    /** A session ends this long after sign-in (default 8 h) or after an hour without a request. */
    sessionMinutes: Type.Optional(PositiveInt(5, 7 * 24 * 60)),
    idleMinutes: Type.Optional(PositiveInt(1, 24 * 60)),
  },
  { additionalProperties: false },
);

/**
 * The dead-letter keeper and redrive (admin console): `keep` (default true) moves every message of
 * the `*.dlq` queues into PostgreSQL, where it can be listed, redriven, edited or discarded;
 * with false the messages stay in the broker's DLQs (tests that read those queues directly).
 */
const DeadLettersSetting = Type.Object(
  {
    keep: Type.Optional(Type.Boolean()),
    /** Highest redrive rate an operator may ask for, messages per second (default 50). */
    maxRatePerSecond: Type.Optional(PositiveInt(1, 1000)),
    /** How often a hub instance looks for redrive jobs to run or resume (default 1000 ms). */
    jobIntervalMs: Type.Optional(PositiveInt(50, 60000)),
  },
  { additionalProperties: false },
);

export const HubConfigSchema = Type.Object(
  {
    hub: Type.Optional(
      Type.Object(
        {
          /** CloudEvents `source` of everything the hub emits. */
          source: Type.Optional(Type.String({ minLength: 1 })),
          maxBodyBytes: Type.Optional(PositiveInt(1024, 64 * 1024 * 1024)),
          maxJsonDepth: Type.Optional(PositiveInt(4, 512)),
          /** Public base URL of the hub (behind the proxy), for provider callbacks: `<publicUrl>/v1/webhooks/<instance>`. */
          publicUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' })),
          /** With publishers configured, `allowAnonymousPublishers: true` still accepts AMQP messages without a known user_id (logged as a warning). */
          amqp: Type.Optional(Type.Object({ allowAnonymousPublishers: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
          files: Type.Optional(FilesSetting),
        },
        { additionalProperties: false },
      ),
    ),
    ingress: Type.Optional(
      Type.Object(
        {
          prefetch: Type.Optional(PositiveInt(1, 5000)),
          maxBatch: Type.Optional(PositiveInt(1, 5000)),
          maxConcurrentBatches: Type.Optional(PositiveInt(1, 16)),
          deliveryLimit: Type.Optional(PositiveInt(2, 1000)),
        },
        { additionalProperties: false },
      ),
    ),
    outbox: Type.Optional(
      Type.Object(
        {
          relayIntervalMs: Type.Optional(PositiveInt(50, 60000)),
          graceMs: Type.Optional(PositiveInt(0, 600000)),
          batchSize: Type.Optional(PositiveInt(1, 5000)),
        },
        { additionalProperties: false },
      ),
    ),
    retry: Type.Optional(
      Type.Object(
        {
          delaysMs: Type.Optional(Type.Array(PositiveInt(100, 24 * 3600 * 1000), { minItems: 1, maxItems: 10 })),
          jitter: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
        },
        { additionalProperties: false },
      ),
    ),
    tenants: Type.Record(Identifier, Tenant, { minProperties: 1, additionalProperties: false }),
    adapters: Type.Optional(Type.Record(Identifier, AdapterInstance, { additionalProperties: false })),
    routes: Type.Optional(Type.Array(Route)),
    publishers: Type.Optional(Type.Record(Identifier, Publisher, { additionalProperties: false })),
    notifications: Type.Optional(Notifications),
    /** The deadline scheduler: how often it looks for terms running out (default every 30 s). */
    deadlines: Type.Optional(Type.Object({ intervalMs: Type.Optional(PositiveInt(100, 3600000)) }, { additionalProperties: false })),
    evidence: Type.Optional(Evidence),
    console: Type.Optional(ConsoleSetting),
    deadLetters: Type.Optional(DeadLettersSetting),
  },
  { additionalProperties: false },
);
export type HubConfigFile = Static<typeof HubConfigSchema>;

/** Configuration after validation, defaults applied and secrets resolved. */
export interface HubConfig {
  hub: { source: string; maxBodyBytes: number; maxJsonDepth: number; publicUrl?: string; amqp: { allowAnonymousPublishers: boolean }; files: FilesSettings };
  ingress: { prefetch: number; maxBatch: number; maxConcurrentBatches: number; deliveryLimit: number };
  outbox: { relayIntervalMs: number; graceMs: number; batchSize: number };
  retry: { delaysMs: number[]; jitter: number };
  tenants: Record<string, { name: string; locale: 'uk' | 'ru' | 'en'; ingressTokens: string[]; httpOpen: boolean; files: { allowedHosts: string[] }; deadlines?: TenantDeadlineSettings }>;
  /** Portals and their rights; the order is the file's. */
  publishers: PublisherSettings[];
  adapters: Record<string, { type: string; enabled: boolean; config: Record<string, unknown>; runner: RunnerSettings }>;
  routes: { name: string; tenants: string[]; types: string[]; to: string[] }[];
  notifications: NotificationSettings;
  deadlines: { intervalMs: number };
  evidence: EvidenceSettings;
  console: ConsoleSettings;
  deadLetters: { keep: boolean; maxRatePerSecond: number; jobIntervalMs: number };
}

/** Resolved `console` settings. */
export interface ConsoleSettings {
  enabled: boolean;
  oidc?: { issuer: string; clientId: string; clientSecret?: string; scopes: string[]; rolesClaim: string; allowInsecure: boolean };
  users: { subject?: string; email?: string; grants: string[] }[];
  sessionMinutes: number;
  idleMinutes: number;
}

/** A tenant's resolved deadline settings (absent: the tenant's cases have no deadlines). */
export interface TenantDeadlineSettings {
  country: 'UA' | 'RU';
  timeZone: string;
  /** Legal profile per appeal kind. */
  profiles: Record<'appeal' | 'proposal' | 'complaint' | 'public-information-request', (typeof LEGAL_PROFILE_IDS)[number]>;
  municipal: boolean;
  warnAt: number[];
  repeat: { windowDays: number; match: ('topic' | 'location')[]; distanceMeters: number };
}

/** Resolved `evidence` settings. */
export interface EvidenceSettings {
  chain: boolean;
  chainIntervalMs: number;
  timestamping?: { url: string; intervalSeconds: number; maxEntries: number; timeoutMs: number };
  witnessDir?: string;
}

/** Resolved file settings (`hub.files`), defaults applied and secrets resolved. */
export interface FilesSettings {
  store: { kind: 'postgres' } | S3StoreSettings;
  /** Largest file an adapter may keep; default 50 MiB. */
  maxBytes: number;
  /** Fetching files given by URL: largest body (default 50 MiB) and the whole fetch's time limit, redirects included (default 30 s). */
  fetch: { maxBytes: number; timeoutMs: number };
  /** The download links' HMAC key; absent: generated once and kept in the database. */
  signingKey?: string;
  /** How long a download link is valid; default 7 days. */
  linkTtlSeconds: number;
}

/** An S3-compatible bucket as the file store. */
export interface S3StoreSettings {
  kind: 's3';
  endpoint?: string;
  bucket: string;
  region: string;
  /** Absent (with the secret): the SDK's default credential chain (instance role, AWS_* variables). */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
}

/** A resolved publisher: its rights and how it is recognised. */
export interface PublisherSettings {
  name: string;
  tenants: string[];
  types: string[];
  amqpUser?: string;
  httpTokens: string[];
}

/** A channel of notifications. */
export type ChannelName = 'viber' | 'telegram' | 'sms' | 'email';

/** Resolved notification settings. */
export interface NotificationSettings {
  channels: Partial<Record<ChannelName, string>>;
  order: ChannelName[];
  confirmWithinMs: Record<ChannelName, number>;
  sendWithinMs: number;
  smsMaxSegments: number;
  prefetch: number;
  rules: { on: string; template: string; tenants: string[]; mandatory: boolean; priority: 'high' | 'normal' | 'bulk'; statuses?: string[]; exceptStatuses?: string[] }[];
  /** Built-in templates overlaid with the configured ones. */
  templates: import('../templates/template.catalog').TemplateSet;
}

/** Resolved runner settings of an adapter instance. */
export interface RunnerSettings {
  concurrency: number;
  timeoutMs: number;
  ratePerSecond?: number;
  breakerFailures: number;
  breakerOpenMs: number;
  /** For adapters that poll (systems without callbacks). */
  pollIntervalMs: number;
}
