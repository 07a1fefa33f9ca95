import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import sjson from 'secure-json-parse';
import { DataSource } from 'typeorm';
import { Adapter, AdapterDefinition, CloudEvent, DeliveryReport, failureClassOf, NotificationDispatch, PermanentError, ResultEvent, TransientError } from '../../contracts';
import { ADAPTER_DEFINITIONS, ENV_CONFIG, HUB_CONFIG, LOGGER } from '../app/injection.tokens';
import { CaseStateService, ResultCause } from '../cases/case-state.service';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { errorLine, safeError } from '../logging/pii.mask';
import { AmqpClient } from '../messaging/amqp.client';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { attemptOf, FailureRouter } from '../messaging/failure.router';
import { HandledConsumer } from '../messaging/handled.consumer';
import { bulkQueueName, workQueueName } from '../messaging/topology.declaration';
import { TopologyPlan } from '../messaging/topology.plan';
import { MetricsService } from '../ops/metrics.service';
import { EventEmitter, PendingPublish } from '../outbox/event.emitter';
import { TransactionRunner } from '../persistence/transaction.runner';
import { NotificationService } from '../notifications/notification.service';
import { LeaderLock } from '../persistence/leader.lock';
import { poolOf } from '../persistence/database.setup';
import { enabledAdapters } from './adapter.registry';
import { AttemptRepository } from './attempt.repository';
import { CircuitBreaker } from './circuit.breaker';
import { RateLimiter } from './rate.limiter';

/** Longest a /health request waits for one adapter's probe. */
const PROBE_DEADLINE_MS = 2000;

interface Instance {
  id: string;
  definition: AdapterDefinition;
  adapter: Adapter;
  breaker: CircuitBreaker;
  limiter?: RateLimiter;
  consumer?: HandledConsumer;
  /** Consumer of the bulk lane (channel adapters): same handler, limiter and breaker. */
  bulk?: HandledConsumer;
  poller?: { lock: LeaderLock; timer?: NodeJS.Timeout; running?: Promise<void> };
}

/**
 * Runs every enabled adapter instance: its own work queue and consumer (prefetch = concurrency),
 * a call timeout, a rate limit, a circuit breaker, the consumer-side inbox (a repeated routed
 * copy never reaches the external system twice), a journal entry per attempt, and the results
 * applied to cases and published through the outbox. Pollers (adapters with `poll`) run in one
 * hub instance at a time, under a PostgreSQL advisory lock per adapter instance.
 */
@Injectable()
export class AdapterRunner implements BeforeApplicationShutdown {
  private readonly instances: Instance[] = [];
  private stopped = false;

  constructor(
    private readonly amqp: AmqpClient,
    private readonly failures: FailureRouter,
    private readonly metrics: MetricsService,
    private readonly plan: TopologyPlan,
    private readonly publisher: ConfirmPublisher,
    private readonly transactions: TransactionRunner,
    private readonly emitter: EventEmitter,
    private readonly cases: CaseStateService,
    private readonly notifications: NotificationService,
    private readonly attempts: AttemptRepository,
    private readonly db: DataSource,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ADAPTER_DEFINITIONS) private readonly definitions: readonly AdapterDefinition[],
  ) {}

  /** Creates the adapters and starts their consumers and pollers. */
  async start(): Promise<void> {
    await this.publisher.ready();
    for (const [id, definition] of enabledAdapters(this.config, this.definitions)) {
      const settings = this.config.adapters[id].runner;
      const log = this.logger.child({ adapter: id });
      const webhookUrl = this.config.hub.publicUrl ? `${this.config.hub.publicUrl}/v1/webhooks/${id}` : undefined;
      const adapter = definition.create(this.config.adapters[id].config as never, { instanceId: id, logger: log, now: () => new Date(), ...(webhookUrl ? { webhookUrl } : {}) });
      const instance: Instance = {
        id,
        definition,
        adapter,
        breaker: new CircuitBreaker({ failureThreshold: settings.breakerFailures, openMs: settings.breakerOpenMs }, Date.now, (state) =>
          log.warn({ event: 'adapter.breaker', state }, `circuit ${state}`),
        ),
        limiter: settings.ratePerSecond ? new RateLimiter(settings.ratePerSecond) : undefined,
      };
      const spec = this.plan.consumers().find((c) => c.queue === workQueueName(id));
      if (spec) {
        instance.consumer = new HandledConsumer(this.amqp, this.failures, this.metrics, spec, settings.concurrency, (msg) => this.handle(instance, msg), log);
        await instance.consumer.start();
      }
      const bulkSpec = this.plan.consumers().find((c) => c.queue === bulkQueueName(id));
      if (bulkSpec) {
        instance.bulk = new HandledConsumer(this.amqp, this.failures, this.metrics, bulkSpec, settings.concurrency, (msg) => this.handle(instance, msg), log);
        await instance.bulk.start();
      }
      if (adapter.poll) {
        instance.poller = { lock: new LeaderLock(this.env.databaseUrl, `${this.env.databaseSchema}:poll:${id}`) };
        this.schedulePoll(instance, 0);
      }
      this.instances.push(instance);
      log.info({ event: 'adapter.started', type: definition.type }, 'adapter started');
    }
  }

  /**
   * Health of every running instance. Probes run in parallel and each gets at most
   * PROBE_DEADLINE_MS, so a slow external system shows as such instead of stalling /health
   * (container health checks give up after a few seconds).
   */
  async probe(): Promise<Record<string, { ok: boolean; detail?: string; breaker: string }>> {
    const entries = await Promise.all(
      this.instances.map(async (i) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<{ ok: boolean; detail: string }>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${PROBE_DEADLINE_MS} ms` }), PROBE_DEADLINE_MS);
        });
        const result = await Promise.race([i.adapter.probe(), late]).finally(() => clearTimeout(timer));
        return [i.id, { ...result, breaker: i.breaker.state() }] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  /** A running adapter instance, for the webhook ingress and the delivery poller. */
  adapterOf(id: string): Adapter | undefined {
    return this.instances.find((i) => i.id === id)?.adapter;
  }

  /** Ids of running instances whose adapter reads delivery statuses by polling. */
  deliveryPollers(): { id: string; adapter: Adapter; pollIntervalMs: number; timeoutMs: number }[] {
    return this.instances
      .filter((i) => i.adapter.pollDeliveries)
      .map((i) => ({ id: i.id, adapter: i.adapter, pollIntervalMs: this.config.adapters[i.id].runner.pollIntervalMs, timeoutMs: this.config.adapters[i.id].runner.timeoutMs }));
  }

  /**
   * Registers callback URLs with providers (Telegram setWebhook, Viber set_webhook). Runs once the
   * HTTP server accepts callbacks: Viber calls the URL before its set_webhook answers. A failure
   * is logged, not fatal: messages still go out, only callbacks are missing.
   */
  async registerCallbacks(): Promise<void> {
    if (!this.config.hub.publicUrl) return;
    await Promise.all(
      this.instances
        .filter((i) => i.adapter.register)
        .map((i) =>
          i.adapter.register!(AbortSignal.timeout(this.config.adapters[i.id].runner.timeoutMs)).then(
            () => this.logger.info({ event: 'adapter.callbacks-registered', adapter: i.id }, 'provider callbacks registered'),
            (e) => this.logger.warn({ event: 'adapter.callbacks-failed', adapter: i.id, error: safeError(e) }, 'could not register provider callbacks'),
          ),
        ),
    );
  }

  private async handle(instance: Instance, msg: ConsumeMessage): Promise<void> {
    const consumer = `adapter:${instance.id}`;
    const journalId = msg.properties.headers?.['x-hub-journal-id'] as string | undefined;
    const messageId = journalId ?? String(msg.properties.messageId);
    const base = { journalId, messageId, consumer, attempt: attemptOf(msg) };
    let event: CloudEvent;
    try {
      event = sjson.parse(msg.content.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }) as CloudEvent;
    } catch {
      throw new PermanentError('routed copy is not valid JSON');
    }
    if (!instance.definition.consumes.includes(event.type)) throw new PermanentError(`adapter ${instance.definition.type} does not handle ${event.type}; check the routes`);
    const dispatch = event.type === 'notification.dispatch' ? (event.data as NotificationDispatch) : undefined;
    // For a dispatch one read answers both "done already?" and "given up on while it waited?"
    // (a handled dispatch is no longer queued); anything else asks the inbox.
    const done = dispatch ? !(await this.notifications.sendable(poolOf(this.db), dispatch.dispatchId)) : await this.attempts.seen(consumer, messageId);
    if (done) {
      await this.attempts.record({ ...base, startedAt: new Date(), durationMs: 0, outcome: 'duplicate' });
      return;
    }
    const gate = instance.breaker.acquire();
    if (!gate.allowed) throw new TransientError(`circuit open for ${instance.id}`, gate.retryAfterMs);
    await instance.limiter?.take(dispatch?.priority === 'bulk');
    const startedAt = new Date();
    let outcome;
    try {
      outcome = await instance.adapter.handle(event, AbortSignal.timeout(this.config.adapters[instance.id].runner.timeoutMs));
    } catch (e) {
      const cls = failureClassOf(e);
      if (cls === 'transient') instance.breaker.failure();
      else instance.breaker.success(); // a refusal means the system answered
      await this.attempts.record({ ...base, startedAt, durationMs: Date.now() - startedAt.getTime(), outcome: cls, error: errorLine(e) }).catch(() => undefined);
      // The message goes to the DLQ as evidence, and the citizen is tried on the next channel.
      if (dispatch && cls === 'permanent') {
        const failed: DeliveryReport = { dispatchId: dispatch.dispatchId, providerMessageId: '', status: 'failed', failure: { code: 'hub:refused', message: errorLine(e).slice(0, 500) }, occurredAt: new Date().toISOString() };
        await this.commit(instance, [], { instance: instance.id, eventId: event.id, correlationId: event.correlationid }, async () => true, [failed]).catch(() => undefined);
      }
      throw e;
    }
    instance.breaker.success();
    await this.commit(instance, outcome.results, { instance: instance.id, eventId: event.id, correlationId: event.correlationid }, async (tx) => {
      return this.attempts.claimAndRecord(tx, { ...base, startedAt, durationMs: Date.now() - startedAt.getTime(), outcome: 'ok', requestSummary: outcome.summary?.request, responseSummary: outcome.summary?.response });
    }, outcome.deliveries);
  }

  /**
   * Applies results in one transaction with `before` (inbox claim, cursor update), then
   * publishes what the transaction put in the outbox.
   */
  private async commit(instance: { id: string }, results: ResultEvent[], cause: ResultCause, before: (tx: import('pg').PoolClient) => Promise<boolean>, deliveries: readonly DeliveryReport[] = []): Promise<void> {
    const published = await this.transactions.run(async (tx) => {
      // Nothing was written when the claim fails, so committing the empty transaction is a rollback.
      if (!(await before(tx))) return [];
      const out: PendingPublish[] = [];
      for (const r of results) {
        const applied = await this.cases.apply(tx, r, cause);
        if (applied.outbox) out.push(applied.outbox);
        else this.logger.info({ event: 'case.result-ignored', adapter: instance.id, type: r.type, journalId: applied.journalId }, 'result older than the case state; journaled, not applied');
      }
      if (deliveries.length) out.push(...(await this.notifications.applyReports(tx, instance.id, deliveries)));
      return out;
    });
    await this.emitter.publish(published);
  }

  private schedulePoll(instance: Instance, delay: number): void {
    const poller = instance.poller;
    if (!poller || this.stopped) return;
    poller.timer = setTimeout(() => {
      poller.running = this.pollOnce(instance).finally(() => this.schedulePoll(instance, this.config.adapters[instance.id].runner.pollIntervalMs));
    }, delay);
  }

  /** One poll round, in the instance holding this adapter's poll lock. */
  async pollOnce(instance: Instance): Promise<void> {
    const poller = instance.poller;
    if (!poller || !instance.adapter.poll || !(await poller.lock.tryAcquire())) return;
    const gate = instance.breaker.acquire();
    if (!gate.allowed) return;
    try {
      const [row] = await this.db.query('SELECT cursor FROM adapter_cursor WHERE instance = $1', [instance.id]);
      const { results, cursor } = await instance.adapter.poll(row?.cursor ?? undefined, AbortSignal.timeout(this.config.adapters[instance.id].runner.timeoutMs));
      instance.breaker.success();
      // Nothing new: an idle poller writes nothing (no cursor upsert, no journal row).
      if (results.length === 0 && cursor === row?.cursor) return;
      await this.commit(instance, results, { instance: instance.id }, async (tx) => {
        await tx.query(
          `INSERT INTO adapter_cursor (instance, cursor) VALUES ($1, $2) ON CONFLICT (instance) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
          [instance.id, cursor],
        );
        return true;
      });
    } catch (e) {
      if (failureClassOf(e) === 'transient') instance.breaker.failure();
      this.logger.warn({ event: 'adapter.poll-failed', adapter: instance.id, error: safeError(e) }, 'poll failed; will retry');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const i of this.instances) {
      if (i.poller?.timer) clearTimeout(i.poller.timer);
      await i.poller?.running?.catch(() => undefined);
      await i.poller?.lock.release();
      await i.consumer?.stop();
      await i.bulk?.stop();
      await i.adapter.dispose?.().catch(() => undefined);
    }
  }
}
