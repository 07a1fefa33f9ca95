import { Socket } from 'node:net';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Static, TSchema } from '@sinclair/typebox';
import {
  Adapter,
  AdapterDefinition,
  AdapterFiles,
  AdapterLogger,
  CloudEvent,
  EVENT_TYPES,
  failureClassOf,
  HandleOutcome,
  PollOutcome,
  WebhookOutcome,
  WebhookRequest,
  SECRET_KEYWORD,
} from '../../contracts';
import { MemoryFiles } from './memory-files.kit';
import type { FaultSpec, MockAdminApi, RecordedRequest } from '../../mocks/_kit';

/** The families of the adapter contract kit; every adapter runs all of them unless it bypasses one with a reason. */
export const KIT_FAMILIES = ['spec', 'config', 'probe', 'capabilities', 'errors', 'idempotency', 'polling', 'webhooks', 'hygiene'] as const;
/** One family of the kit. */
export type KitFamily = (typeof KIT_FAMILIES)[number];

/** The mock of the adapter's external system, as the kit drives it. */
export interface KitMock {
  url: string;
  admin: Pick<MockAdminApi, 'fault' | 'clearFaults' | 'requests' | 'clearRequests' | 'reset'>;
  close(): Promise<void>;
}

/** A golden fixture for one capability: input, the request the mock must see, the output expected. */
export interface CapabilityFixture {
  name: string;
  input: CloudEvent;
  /** What the external system must hold before the input makes sense (e.g. the application a later document joins); runs on each fresh mock. */
  arrange?(adapter: Adapter, mock: KitMock): Promise<void>;
  /** Throws (jest expect) when the recorded requests differ from the expected ones. */
  expectRequests(recorded: RecordedRequest[]): void;
  /** Throws when the outcome differs from the expected output. */
  expectOutcome(outcome: HandleOutcome): void;
  /** How many times the external system now holds this input's side effect (e.g. documents created). */
  sideEffects(): Promise<number> | number;
}

/** Everything the kit needs to know about one adapter. */
export interface AdapterContractSpec<S extends TSchema> {
  definition: AdapterDefinition<S>;
  /** Starts a fresh mock (the kit starts one per family and closes it). */
  startMock(): Promise<KitMock>;
  /** A working configuration pointed at the mock. */
  validConfig(mock: KitMock): Static<S>;
  /** Configurations that must be refused, each with the path of the field at fault. */
  invalidConfigs: { config: unknown; path: string }[];
  /** Credentials the mock refuses (probe must report not ok; handle must fail permanently). */
  unauthorizedConfig(mock: KitMock): Static<S>;
  /** At least one fixture per capability that handles messages. */
  fixtures: CapabilityFixture[];
  /** Faults of the external system that must be classified transient (429, 5xx, resets, timeouts, garbage). */
  transientFaults: FaultSpec[];
  /** For polling adapters: make the mock hold something new, then check what poll returned. */
  polling?: { arrange(mock: KitMock): Promise<void>; expectOutcome(outcome: PollOutcome): void };
  /**
   * For adapters that take provider callbacks: drive the mock until it calls back (a delivery
   * report, a citizen writing to the bot) and return that callback exactly as it arrived.
   */
  webhooks?: {
    capture(mock: KitMock, config: Static<S>): Promise<WebhookRequest>;
    expectOutcome(outcome: WebhookOutcome): void;
    /** The signature covers the body (Twilio, Viber), so a changed body must fail verification; Telegram's secret header does not. */
    bodySigned: boolean;
  };
  /**
   * Why the wire itself carries a secret the kit would otherwise flag in the mock's recordings
   * (Telegram puts the bot token in the URL path; Viber sends its token in a header).
   */
  wireCarriesSecret?: string;
  /** Families not run, each with the written reason why. */
  bypass?: Partial<Record<KitFamily, string>>;
  /**
   * Live mode: a configuration for the real system, or undefined when its credentials are not
   * set. Against a real system only what needs no fault injection runs (spec, probe, the
   * fixtures' outcomes, idempotency of the outcome); it creates real records, so point it at a
   * test infobase.
   */
  live?: () => Static<S> | undefined;
}

/** Logger that keeps every line, so the kit can look for secrets in it. */
export class CapturingLogger implements AdapterLogger {
  readonly lines: string[] = [];
  debug(obj: Record<string, unknown>, msg: string) {
    this.lines.push(JSON.stringify({ level: 'debug', ...obj, msg }));
  }
  info(obj: Record<string, unknown>, msg: string) {
    this.lines.push(JSON.stringify({ level: 'info', ...obj, msg }));
  }
  warn(obj: Record<string, unknown>, msg: string) {
    this.lines.push(JSON.stringify({ level: 'warn', ...obj, msg }));
  }
  error(obj: Record<string, unknown>, msg: string) {
    this.lines.push(JSON.stringify({ level: 'error', ...obj, msg }));
  }
}

/** Creates the adapter the way the hub does (config validated first). */
export function createAdapter<S extends TSchema>(spec: AdapterContractSpec<S>, config: Static<S>, logger = new CapturingLogger(), files: AdapterFiles = new MemoryFiles()): Adapter {
  return spec.definition.create(config, { instanceId: 'contract-kit', logger, now: () => new Date(), files });
}

/** Values of the fields the config schema marks secret. */
export function secretValues(schema: TSchema, config: unknown): string[] {
  const out: string[] = [];
  const walk = (s: TSchema | undefined, v: unknown) => {
    if (!s || v === undefined || v === null) return;
    if ((s as Record<string, unknown>)[SECRET_KEYWORD] && typeof v === 'string' && v.length >= 4) out.push(v);
    const props = (s as { properties?: Record<string, TSchema> }).properties;
    if (props && typeof v === 'object') for (const [k, child] of Object.entries(props)) walk(child, (v as Record<string, unknown>)[k]);
  };
  walk(schema, config);
  return out;
}

/** Every secret-marked path of a schema (the kit requires at least one for adapters that authenticate). */
export function secretPaths(schema: TSchema, prefix = ''): string[] {
  const here = (schema as Record<string, unknown>)[SECRET_KEYWORD] ? [prefix || '/'] : [];
  const props = (schema as { properties?: Record<string, TSchema> }).properties ?? {};
  return [...here, ...Object.entries(props).flatMap(([k, s]) => secretPaths(s, `${prefix}/${k}`))];
}

/** Problems with the definition itself: naming, capabilities, consumed types, schema. */
export function specProblems(definition: AdapterDefinition): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]+\.[a-z0-9][a-z0-9.-]*$/.test(definition.type)) problems.push(`type "${definition.type}" is not <channel>.<vendor>`);
  if (!definition.capabilities.length) problems.push('declares no capability');
  for (const t of definition.consumes) if (!EVENT_TYPES.includes(t)) problems.push(`consumes unknown event type ${t}`);
  if ((definition.configSchema as { type?: string }).type !== 'object') problems.push('configSchema is not an object schema');
  if ((definition.configSchema as { additionalProperties?: unknown }).additionalProperties !== false) problems.push('configSchema accepts unknown settings (additionalProperties must be false)');
  return problems;
}

/** Problems with config validation: valid accepted, each invalid one refused naming its field. */
export function configProblems<S extends TSchema>(spec: AdapterContractSpec<S>, valid: unknown): string[] {
  const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(spec.definition.configSchema);
  const problems: string[] = [];
  if (!validate(valid)) problems.push(`valid config refused: ${JSON.stringify(validate.errors)}`);
  for (const { config, path } of spec.invalidConfigs) {
    if (validate(config)) {
      problems.push(`invalid config accepted (expected an error at ${path})`);
      continue;
    }
    const paths = (validate.errors ?? []).map((e) => (e.keyword === 'required' ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}` : e.instancePath));
    if (!paths.includes(path)) problems.push(`invalid config refused, but not at ${path} (got ${paths.join(', ')})`);
  }
  return problems;
}

/**
 * Records the hosts every TCP connection goes to while `fn` runs: adapters under test may only
 * talk to loopback (their mock).
 */
export async function connectionsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; hosts: string[] }> {
  const hosts: string[] = [];
  const original = Socket.prototype.connect;
  Socket.prototype.connect = function patched(this: Socket, ...args: unknown[]) {
    // net.connect() passes its normalized arguments as one array; socket.connect(port, host) as two.
    const raw = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const first = raw as { host?: string; path?: string } | number | string;
    // Node's own default host is localhost; anything unreadable is reported as such, never assumed safe.
    const host =
      typeof first === 'object' && first
        ? (first.host ?? first.path ?? 'localhost')
        : typeof first === 'number'
          ? typeof args[1] === 'string'
            ? args[1]
            : 'localhost'
          : `unreadable:${String(first)}`;
    hosts.push(String(host));
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof Socket.prototype.connect;
  try {
    return { result: await fn(), hosts };
  } finally {
    Socket.prototype.connect = original;
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost|\/.*)$/;

/** True for loopback hosts (and Unix socket paths): the only places an adapter under test may connect to. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * The mandatory suite: registers one jest `describe` per family. Bypassed families register one
 * test that shows the written reason instead (a bypass without a reason fails).
 */
export function runAdapterContractKit<S extends TSchema>(spec: AdapterContractSpec<S>): void {
  const family = (name: KitFamily, body: () => void) => {
    const reason = spec.bypass?.[name];
    if (reason !== undefined) {
      describe(`${name} (bypassed)`, () => {
        it(`has a written reason: ${reason}`, () => expect(reason.trim().length).toBeGreaterThan(15));
      });
      return;
    }
    describe(name, body);
  };

  const liveConfig = spec.live?.();
  // skip reason: live mode needs the real system's credentials in the environment (see spec.live).
  if (spec.live)
    (liveConfig ? describe : describe.skip)(`adapter contract kit, live: ${spec.definition.type}`, () => {
      it('probe: the real system is reachable and accepts the credentials', async () => {
        expect(await createAdapter(spec, liveConfig as Static<S>).probe()).toMatchObject({ ok: true });
      });
      for (const f of spec.fixtures) {
        it(`${f.name}: handled by the real system, and again without a second effect on the outcome`, async () => {
          const adapter = createAdapter(spec, liveConfig as Static<S>);
          const first = await adapter.handle(f.input, AbortSignal.timeout(60_000));
          const second = await adapter.handle(f.input, AbortSignal.timeout(60_000));
          expect(second.results.map((r) => r.type)).toEqual(expect.arrayContaining(first.results.map((r) => r.type)));
        });
      }
    });

  describe(`adapter contract kit: ${spec.definition.type}`, () => {
    let mock: KitMock;
    beforeEach(async () => {
      mock = await spec.startMock();
    });
    afterEach(async () => {
      await mock?.close();
    });

    family('spec', () => {
      it('is a well-formed definition', () => expect(specProblems(spec.definition)).toEqual([]));
      it('has a fixture for every message it consumes', () => {
        for (const t of spec.definition.consumes) expect(spec.fixtures.map((f) => f.input.type)).toContain(t);
      });
    });

    family('config', () => {
      it('accepts a good config and names the field of each bad one', () => expect(configProblems(spec, spec.validConfig(mock))).toEqual([]));
      it('marks its secrets', () => expect(secretPaths(spec.definition.configSchema).length).toBeGreaterThan(0));
    });

    family('probe', () => {
      it('is healthy against the working mock', async () => {
        expect(await createAdapter(spec, spec.validConfig(mock)).probe()).toMatchObject({ ok: true });
      });
      it('is unhealthy, without throwing, when credentials are refused or the system errors', async () => {
        expect(await createAdapter(spec, spec.unauthorizedConfig(mock)).probe()).toMatchObject({ ok: false });
        mock.admin.fault({ fault: 'http-error', status: 500 });
        expect(await createAdapter(spec, spec.validConfig(mock)).probe()).toMatchObject({ ok: false });
      });
    });

    family('capabilities', () => {
      for (const f of spec.fixtures) {
        it(`${f.name}: sends the expected request and returns the expected output`, async () => {
          const adapter = createAdapter(spec, spec.validConfig(mock));
          await f.arrange?.(adapter, mock);
          mock.admin.clearRequests();
          const outcome = await adapter.handle(f.input, AbortSignal.timeout(10_000));
          f.expectRequests(mock.admin.requests());
          f.expectOutcome(outcome);
        });
      }
    });

    family('errors', () => {
      for (const fault of spec.transientFaults) {
        it(`${JSON.stringify(fault)} is transient`, async () => {
          const adapter = createAdapter(spec, spec.validConfig(mock));
          mock.admin.fault(fault);
          const err = await adapter.handle(spec.fixtures[0].input, AbortSignal.timeout(fault.fault === 'timeout' ? 500 : 10_000)).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(err).toBeDefined();
          expect(failureClassOf(err)).toBe('transient');
        });
      }
      it('refused credentials are permanent', async () => {
        const err = await createAdapter(spec, spec.unauthorizedConfig(mock))
          .handle(spec.fixtures[0].input, AbortSignal.timeout(10_000))
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).toBeDefined();
        expect(failureClassOf(err)).toBe('permanent');
      });
    });

    family('idempotency', () => {
      for (const f of spec.fixtures) {
        it(`${f.name}: the same message twice (a retry after an unknown outcome) has one side effect`, async () => {
          const adapter = createAdapter(spec, spec.validConfig(mock));
          await f.arrange?.(adapter, mock);
          await adapter.handle(f.input, AbortSignal.timeout(10_000));
          await adapter.handle(f.input, AbortSignal.timeout(10_000));
          expect(await f.sideEffects()).toBe(1);
        });
      }
    });

    family('polling', () => {
      it('returns what changed and a cursor to continue from', async () => {
        const adapter = createAdapter(spec, spec.validConfig(mock));
        expect(typeof adapter.poll).toBe('function');
        if (!spec.polling || !adapter.poll) throw new Error('polling family needs spec.polling and adapter.poll, or a bypass reason');
        const first = await adapter.poll(undefined, AbortSignal.timeout(10_000));
        await spec.polling.arrange(mock);
        const next = await adapter.poll(first.cursor, AbortSignal.timeout(10_000));
        spec.polling.expectOutcome(next);
        expect(typeof next.cursor).toBe('string');
      });
    });

    family('webhooks', () => {
      const hooks = () => {
        if (!spec.webhooks) throw new Error('webhooks family needs spec.webhooks and adapter.webhook, or a bypass reason');
        return spec.webhooks;
      };
      const adapterWithHook = () => {
        const adapter = createAdapter(spec, spec.validConfig(mock));
        if (!adapter.webhook) throw new Error('adapter has no webhook handler');
        return adapter as Adapter & { webhook: NonNullable<Adapter['webhook']> };
      };
      it('verifies and reads a genuine callback, with a de-duplication key that repeats', async () => {
        const request = await hooks().capture(mock, spec.validConfig(mock));
        const adapter = adapterWithHook();
        const first = await adapter.webhook(request);
        expect(first.verified).toBe(true);
        hooks().expectOutcome(first);
        expect(first.dedupKey).toEqual(expect.any(String));
        expect((await adapter.webhook(request)).dedupKey).toBe(first.dedupKey);
      });
      it('rejects a callback without its signature, and one signed with another secret', async () => {
        const request = await hooks().capture(mock, spec.validConfig(mock));
        const adapter = adapterWithHook();
        const isSecretHeader = (k: string) => /signature|secret/i.test(k);
        const stripped = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !isSecretHeader(k)));
        expect((await adapter.webhook({ ...request, headers: stripped })).verified).toBe(false);
        const forged = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, isSecretHeader(k) ? `${v.slice(0, -2)}xx` : v]));
        expect((await adapter.webhook({ ...request, headers: forged })).verified).toBe(false);
      });
      it('rejects a changed body when the signature covers it, and never throws on garbage', async () => {
        const request = await hooks().capture(mock, spec.validConfig(mock));
        const adapter = adapterWithHook();
        if (hooks().bodySigned) {
          const changed = Buffer.concat([request.rawBody, Buffer.from(' ')]);
          expect((await adapter.webhook({ ...request, rawBody: changed })).verified).toBe(false);
        }
        const garbage = [Buffer.from('{'), Buffer.from([0, 0xff, 0xfe]), Buffer.from('{"__proto__":{"x":1}}'), Buffer.alloc(100_000, 'a')];
        for (const rawBody of garbage) {
          const outcome = await adapter.webhook({ ...request, rawBody });
          expect(outcome.deliveries.length + outcome.inbound.length === 0 || !outcome.verified).toBe(true);
        }
      });
    });

    family('hygiene', () => {
      it('talks only to loopback and never writes a secret into logs or errors', async () => {
        const logger = new CapturingLogger();
        const good = spec.validConfig(mock);
        const bad = spec.unauthorizedConfig(mock);
        const secrets = [...secretValues(spec.definition.configSchema, good), ...secretValues(spec.definition.configSchema, bad)];
        expect(secrets.length).toBeGreaterThan(0);
        const { hosts, result: errors } = await connectionsDuring(async () => {
          const seen: string[] = [];
          await createAdapter(spec, good, logger)
            .handle(spec.fixtures[0].input, AbortSignal.timeout(10_000))
            .catch((e: unknown) => seen.push(String(e), JSON.stringify(e)));
          await createAdapter(spec, bad, logger)
            .handle(spec.fixtures[0].input, AbortSignal.timeout(10_000))
            .catch((e: unknown) => seen.push(String(e), (e as Error).stack ?? '', JSON.stringify(e)));
          const probe = await createAdapter(spec, bad, logger).probe();
          seen.push(JSON.stringify(probe));
          return seen;
        });
        expect(hosts.length).toBeGreaterThan(0);
        expect(hosts.filter((h) => !isLoopbackHost(h))).toEqual([]);
        const text = [...logger.lines, ...errors].join('\n');
        for (const s of secrets) expect(text).not.toContain(s);
        if (!spec.wireCarriesSecret) for (const r of mock.admin.requests()) for (const s of secrets) expect(`${r.url} ${r.body} ${JSON.stringify(r.headers)}`).not.toContain(s);
      });
    });
  });
}
