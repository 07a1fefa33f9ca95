import { Static, Type } from '@sinclair/typebox';

const Identifier = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const AdapterType = Type.String({ pattern: '^[a-z0-9]+\\.[a-z0-9][a-z0-9.-]*$' });
/** Exact event type, a prefix wildcard (`appeal.*`) or `*`. */
const TypePattern = Type.String({ pattern: '^(\\*|[a-z]+(\\.[a-z-]+)*(\\.\\*)?)$' });

/** A secret is never written into the YAML file: it names the environment variable holding it. */
export const SecretRef = Type.Object({ env: Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }) }, { additionalProperties: false });
export type SecretRef = Static<typeof SecretRef>;

const Tenant = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    locale: Type.Optional(Type.Union([Type.Literal('uk'), Type.Literal('ru'), Type.Literal('en')])),
    /** Bearer tokens accepted on the HTTP ingress for this tenant; none means the ingress is open for it. */
    ingressTokens: Type.Optional(Type.Array(SecretRef)),
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

/** The YAML configuration file: tenants, adapter instances, routes and tuning. */
export const HubConfigSchema = Type.Object(
  {
    hub: Type.Optional(
      Type.Object(
        {
          /** CloudEvents `source` of everything the hub emits. */
          source: Type.Optional(Type.String({ minLength: 1 })),
          maxBodyBytes: Type.Optional(PositiveInt(1024, 64 * 1024 * 1024)),
          maxJsonDepth: Type.Optional(PositiveInt(4, 512)),
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
  },
  { additionalProperties: false },
);
export type HubConfigFile = Static<typeof HubConfigSchema>;

/** Configuration after validation, defaults applied and secrets resolved. */
export interface HubConfig {
  hub: { source: string; maxBodyBytes: number; maxJsonDepth: number };
  ingress: { prefetch: number; maxBatch: number; maxConcurrentBatches: number; deliveryLimit: number };
  outbox: { relayIntervalMs: number; graceMs: number; batchSize: number };
  retry: { delaysMs: number[]; jitter: number };
  tenants: Record<string, { name: string; locale: 'uk' | 'ru' | 'en'; ingressTokens: string[] }>;
  adapters: Record<string, { type: string; enabled: boolean; config: Record<string, unknown>; runner: RunnerSettings }>;
  routes: { name: string; tenants: string[]; types: string[]; to: string[] }[];
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
