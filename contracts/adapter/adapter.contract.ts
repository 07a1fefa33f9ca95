/**
 * The adapter contract: the one small interface every connector to an external system
 * (EDMS, CNAP, SMS, e-mail, messengers) implements, and the hub's only view of it.
 * Adapters depend on `contracts/` alone; the hub's adapter host runs them (work queue,
 * retries, circuit breaker, journal of attempts) so an adapter only maps and calls.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { CloudEvent } from '../model/envelope.schema';
import type { EventDataMap } from '../model/event-catalog.registry';
import type { EventType } from '../model/event-type.constants';

/** What an adapter can do; routes and the contract kit are organised by capability. */
export type Capability =
  | 'edms.appeal.register'
  | 'edms.appeal.track'
  | 'edms.application.register'
  | 'edms.application.track'
  | 'notify.sms'
  | 'notify.email'
  | 'notify.telegram'
  | 'notify.viber';

/**
 * Schema keyword marking a configuration field as a secret. Secret values come from `{ env: NAME }`
 * references, and the contract kit checks they never appear in logs, errors or journal summaries.
 */
export const SECRET_KEYWORD = 'x-secret';

/** Structured, redacting logger handed to adapters; never pass message payloads to it. */
export interface AdapterLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

/** What the hub gives an adapter instance when it creates it. */
export interface AdapterContext {
  /** The instance id from the configuration, e.g. `edms-kyiv`. */
  instanceId: string;
  logger: AdapterLogger;
  /** The clock; tests substitute it. */
  now(): Date;
}

/** An event about a case that the adapter learned from the external system. */
export interface ResultEvent<T extends EventType = EventType> {
  type: T;
  tenant: string;
  /** The portal's case reference the result belongs to. */
  caseRef: string;
  /** When it happened in the external system (RFC 3339 with offset); orders updates of one case. */
  occurredAt: string;
  data: EventDataMap[T];
}

/** What handling one message produced, plus redacted summaries for the journal of attempts. */
export interface HandleOutcome {
  results: ResultEvent[];
  /** Short, personal-data-free descriptions of what was sent and received (ids, statuses, sizes). */
  summary?: { request?: Record<string, unknown>; response?: Record<string, unknown> };
}

/** Health of the external system as the adapter sees it. */
export interface ProbeResult {
  ok: boolean;
  /** Why not ok (no secrets). */
  detail?: string;
}

/** Results found by one poll and the cursor to continue from. */
export interface PollOutcome {
  results: ResultEvent[];
  cursor: string;
}

/**
 * A running adapter instance. `handle` throws `TransientError` (retried with backoff) or
 * `PermanentError` (dead-lettered with the reason); anything else counts as transient.
 */
export interface Adapter {
  /** Delivers one routed event (one of the definition's `consumes` types) to the external system. */
  handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome>;
  /** Checks the external system is reachable and accepts the credentials; never throws. */
  probe(): Promise<ProbeResult>;
  /** For systems without callbacks: reads what changed since `cursor` (undefined on the first poll). */
  poll?(cursor: string | undefined, signal: AbortSignal): Promise<PollOutcome>;
  dispose?(): Promise<void>;
}

/** The registration of an adapter type: what it is, what it needs, how to create it. */
export interface AdapterDefinition<S extends TSchema = TSchema> {
  /** `<channel>.<vendor>`, e.g. `edms.1c-docflow`; its folder is `adapters/<channel>-<vendor>`. */
  type: string;
  capabilities: readonly Capability[];
  /** Event types it takes from its work queue. */
  consumes: readonly EventType[];
  /** Name of the folder under `mocks/` holding the mock of its external system. */
  mock: string;
  /** Settings schema (TypeBox); secret fields carry `[SECRET_KEYWORD]: true`. */
  configSchema: S;
  create(config: Static<S>, ctx: AdapterContext): Adapter;
}

/**
 * Declares an adapter with its config type inferred from the schema.
 * @param definition the adapter's registration
 */
export function defineAdapter<S extends TSchema>(definition: AdapterDefinition<S>): AdapterDefinition<S> {
  return definition;
}
