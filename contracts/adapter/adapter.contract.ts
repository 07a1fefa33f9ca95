/**
 * The adapter contract: the one small interface every connector to an external system
 * (EDMS, CNAP, SMS, e-mail, messengers) implements, and the hub's only view of it.
 * Adapters depend on `contracts/` alone; the hub's adapter host runs them (work queue,
 * retries, circuit breaker, journal of attempts) so an adapter only maps and calls.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import type { CloudEvent } from '../model/envelope.schema';
import type { EventDataMap } from '../model/event-catalog.registry';
import type { EventType } from '../model/event-type.constants';
import type { DeliveryFailure, NotificationChannel } from '../model/notification.schema';

/** What an adapter can do; routes and the contract kit are organised by capability. */
export type Capability = 'edms.appeal.register' | 'edms.appeal.track' | 'edms.application.register' | 'edms.application.track' | 'notify.sms' | 'notify.email' | 'notify.telegram' | 'notify.viber';

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

/** A file's identity as the hub checks it: the content's sha256 (lowercase hex) and size in bytes. */
export interface FileDigest {
  sha256: string;
  size: number;
}

/** What the hub knows about a file an adapter keeps: its name and type as the external system gave them. */
export interface KeptFileMeta {
  /** The tenant whose consumers may download it. */
  tenant: string;
  /** File name with extension, without path separators. */
  name: string;
  mediaType: string;
}

/** Where consumers get a kept file: inline when small, else an expiring signed download link served by the hub. */
export type KeptFile = FileDigest & { name: string; mediaType: string } & ({ contentBase64: string; url?: never } | { url: string; contentBase64?: never });

/**
 * File content for adapters that carry files (EDMS). The hub keeps files content-addressed (by
 * sha256) in its file store; adapters never fetch URLs themselves and never hold a whole large
 * file in memory: content is a stream.
 */
export interface AdapterFiles {
  /**
   * The bytes of a file referenced by the event being handled. Inline content (`contentBase64`)
   * is decoded; a file given by `url` comes from the hub's store, where the hub put it after
   * fetching it from an allowed host and checking its sha256 and size, before `handle` was
   * called. Rejects with a PermanentError when the hub holds no such content.
   */
  open(ref: FileDigest & { contentBase64?: string }): Promise<Readable>;
  /**
   * Whether `open` would find the content: inline content always; a `url` file only when the hub
   * fetched it (tenants without a file allow-list pass appeal links on unfetched).
   */
  has(ref: FileDigest & { contentBase64?: string }): Promise<boolean>;
  /**
   * Keeps content read from the external system (consumed to its end; sha256 and size computed
   * while it streams) and returns how consumers reach it: `contentBase64` up to
   * MAX_INLINE_FILE_BYTES, else `url`, a download link that expires. Checks `expect` when given
   * (a mismatch rejects with a PermanentError and keeps nothing).
   */
  keep(content: Readable | Buffer, meta: KeptFileMeta, expect?: Partial<FileDigest>): Promise<KeptFile>;
}

/** What the hub gives an adapter instance when it creates it. */
export interface AdapterContext {
  /** The instance id from the configuration, e.g. `edms-kyiv`. */
  instanceId: string;
  logger: AdapterLogger;
  /** The clock; tests substitute it. */
  now(): Date;
  /**
   * Public URL of this instance's callback endpoint (`<hub.publicUrl>/v1/webhooks/<instanceId>`),
   * when the hub has a public URL configured. Adapters pass it to the provider (Twilio
   * `StatusCallback`, Telegram `setWebhook`, Viber `set_webhook`) and sign-check against it.
   */
  webhookUrl?: string;
  /** The hub's file store, for adapters that carry files; absent where the host has none (some unit tests). */
  files?: AdapterFiles;
  /** Result keys already committed for this instance; absent where the host has none (some unit tests). */
  results?: AdapterResults;
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
  /**
   * The fact's own identity in the external system (e.g. `<document id>/state/3`), for results a
   * poll may report again: the hub applies a result with a given key once per adapter instance and
   * drops repeats without journaling them. Results without a key are compared by case state only.
   */
  key?: string;
}

/** What the hub remembers of results already committed, so an adapter can skip expensive work (downloads) for them. */
export interface AdapterResults {
  /** The subset of `keys` (see {@link ResultEvent.key}) this instance has already had applied or journaled. */
  known(keys: readonly string[]): Promise<ReadonlySet<string>>;
}

/**
 * A delivery status of one sent notification, as the provider reported it: in the answer to the
 * send call, in a callback, or in a status poll. The hub maps it to the dispatch by
 * `dispatchId` when known, else by `providerMessageId`, and never lets a status move backwards
 * (a late `sent` after `delivered` is kept in the journal only).
 */
export interface DeliveryReport {
  /** The dispatch it belongs to, when the adapter knows it (the send call). */
  dispatchId?: string;
  /** The provider's message id: Twilio SID, TurboSMS message_id, Telegram `<chat>:<message_id>`, Viber message_token as a decimal string, SMTP Message-ID. */
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Present when `status` is `failed`; never holds message text or contact data. */
  failure?: DeliveryFailure;
  /**
   * The address no longer takes messages on this channel at all (bot blocked, Viber
   * unsubscribed, number on the stop list), so the hub deactivates a linked chat and does not
   * pick the channel for this citizen again until it is linked anew.
   */
  addressInactive?: boolean;
  /** When the provider says it happened (RFC 3339). */
  occurredAt: string;
}

/** What a citizen did in a messenger chat, as a channel adapter read it from a callback. */
export type InboundMessage =
  /** Opened the bot with a deep-link token (Telegram `/start <token>`, Viber `conversation_started` context). */
  | { kind: 'start'; channel: NotificationChannel; address: string; token?: string; language?: string }
  /** Wrote a text message (e.g. a command asking for the status of their appeals). */
  | { kind: 'text'; channel: NotificationChannel; address: string; text: string; language?: string }
  /** Blocked the bot or unsubscribed; the chat no longer accepts messages. */
  | { kind: 'unsubscribed'; channel: NotificationChannel; address: string };

/** A provider's HTTP callback as the hub received it; the body is exactly the bytes received. */
export interface WebhookRequest {
  method: string;
  /** The public URL the provider called, including the query string (signatures cover it). */
  url: string;
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/** What an adapter made of a callback. */
export interface WebhookOutcome {
  /** False when the signature or secret does not check out; the hub then answers 403 and counts it. */
  verified: boolean;
  /** Why not verified (no secrets, no payload). */
  detail?: string;
  /**
   * Identifies this callback so a repeat is recognised (Telegram `update_id`, Viber
   * `event:message_token`, Twilio `I-Twilio-Idempotency-Token` or `MessageSid:MessageStatus`).
   */
  dedupKey?: string;
  deliveries: DeliveryReport[];
  inbound: InboundMessage[];
  /** The HTTP answer the provider expects; default 200 with an empty body. */
  reply?: { status: number; contentType?: string; body?: string };
}

/** What handling one message produced, plus redacted summaries for the journal of attempts. */
export interface HandleOutcome {
  results: ResultEvent[];
  /** For `notification.dispatch`: the status the provider gave the message when it took it. */
  deliveries?: DeliveryReport[];
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
 *
 * Channel adapters (`notification.dispatch`) follow one rule set, so the hub can fall back:
 * - the provider took the message: a `deliveries` entry with status `sent` (or what the provider
 *   already knows) and its `providerMessageId`;
 * - the provider refused this recipient (unknown or unsubscribed number, stop list, `550` user
 *   unknown, bot blocked, Viber not subscribed): a `failed` delivery with `failure`, not an
 *   exception; the hub tries the next channel;
 * - rate limits, 5xx, timeouts, resets: `TransientError`, with `retryAfterMs` when the provider
 *   says when to come back;
 * - refused credentials, or a message the provider can never take: `PermanentError`.
 * A repeated dispatch (same `dispatchId`, e.g. redelivered after a crash before the hub
 * recorded the result) must not reach the citizen twice: use the provider's idempotency where it
 * has one, else remember recent dispatch ids in the adapter instance.
 */
export interface Adapter {
  /** Delivers one routed event (one of the definition's `consumes` types) to the external system. */
  handle(event: CloudEvent, signal: AbortSignal): Promise<HandleOutcome>;
  /** Checks the external system is reachable and accepts the credentials; never throws. */
  probe(): Promise<ProbeResult>;
  /** For systems without callbacks: reads what changed since `cursor` (undefined on the first poll). */
  poll?(cursor: string | undefined, signal: AbortSignal): Promise<PollOutcome>;
  /**
   * For channels whose statuses are polled (TurboSMS `status.json`): current statuses of sent
   * messages, by provider message id. Unknown ids are left out.
   */
  pollDeliveries?(providerMessageIds: readonly string[], signal: AbortSignal): Promise<DeliveryReport[]>;
  /**
   * For providers that call back: verifies and reads one callback. Never throws for bad input;
   * an unverifiable request comes back with `verified: false`.
   */
  webhook?(request: WebhookRequest): Promise<WebhookOutcome>;
  /**
   * Registers the callback URL with the provider (Telegram `setWebhook`, Viber `set_webhook`).
   * Called once the hub's HTTP server accepts callbacks, because Viber calls the URL before
   * `set_webhook` answers.
   */
  register?(signal: AbortSignal): Promise<void>;
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
