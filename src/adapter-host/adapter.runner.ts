import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import sjson from 'secure-json-parse';
import { Adapter, AdapterDefinition, CloudEvent, failureClassOf, PermanentError, TransientError } from '../../contracts';
import { ADAPTER_DEFINITIONS, ENV_CONFIG, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { errorLine, safeError } from '../logging/pii.mask';
import { ConsumerFactory } from '../messaging/consumer.factory';
import { attemptOf } from '../messaging/failure.router';
import { GiveBack, type HandledConsumer } from '../messaging/handled.consumer';
import { bulkQueueName, workQueueName } from '../messaging/topology.declaration';
import { LeaderJob } from '../persistence/leader.job';
import { enabledAdapters } from './adapter.registry';
import { FileIntakeService } from './file-intake.service';
import { AttemptRepository } from './attempt.repository';
import type { AdapterOverride } from './adapter-override.repository';
import { BreakerOverrides } from './breaker-override.service';
import { CircuitBreaker } from './circuit.breaker';
import { DELIVERY_REPORTS, DeliveryReportsPort } from './delivery-reports.port';
import { RateLimiter } from './rate.limiter';
import { ResultCommitService } from './result-commit.service';

/** Longest a /health request waits for one adapter's probe. */
const PROBE_DEADLINE_MS = 2000;

interface Instance {
  id: string;
  definition: AdapterDefinition;
  adapter: Adapter;
  breaker: CircuitBreaker;
  limiter?: RateLimiter;
  consumers: HandledConsumer[];
  poller?: LeaderJob;
  /** Messages waiting in this instance for a breaker opened by hand to be closed. */
  held: number;
}

/** What the admin console shows of a running instance (the breaker is this hub instance's). */
export interface InstanceStatus {
  id: string;
  type: string;
  breaker: string;
  forcedOpen: boolean;
  held: number;
  consumers: number;
}

/**
 * Runs every enabled adapter instance the same way, whatever its channel: its work queue (and
 * bulk lane, when the topology has one) with prefetch = concurrency, the consumer-side inbox (a
 * repeated routed copy never reaches the external system twice), a journal entry per attempt, a
 * call timeout, a rate limit and a circuit breaker; results go to cases and delivery reports to
 * the delivery port, both through {@link ResultCommitService}. Pollers run in one hub instance
 * at a time ({@link LeaderJob}).
 */
@Injectable()
export class AdapterRunner implements BeforeApplicationShutdown {
  private readonly instances: Instance[] = [];
  private stopping = false;

  constructor(
    private readonly consumers: ConsumerFactory,
    private readonly committer: ResultCommitService,
    private readonly attempts: AttemptRepository,
    private readonly intake: FileIntakeService,
    @Inject(DELIVERY_REPORTS) private readonly deliveries: DeliveryReportsPort,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ADAPTER_DEFINITIONS) private readonly definitions: readonly AdapterDefinition[],
    private readonly overrides: BreakerOverrides,
  ) {}

  /** Creates the adapters and starts their consumers and pollers. */
  async start(): Promise<void> {
    await this.consumers.ready();
    // Breakers opened by hand (hub-wide, in PostgreSQL) hold before the first delivery, and follow every later change.
    const forced = new Set((await this.overrides.watch((o) => this.applyOverride(o))).filter((o) => o.forcedOpen).map((o) => o.adapterId));
    for (const [id, definition] of enabledAdapters(this.config, this.definitions)) {
      const settings = this.config.adapters[id].runner;
      const log = this.logger.child({ adapter: id });
      const webhookUrl = this.config.hub.publicUrl ? `${this.config.hub.publicUrl}/v1/webhooks/${id}` : undefined;
      const adapter = definition.create(this.config.adapters[id].config as never, {
        instanceId: id,
        logger: log,
        now: () => new Date(),
        ...(webhookUrl ? { webhookUrl } : {}),
        results: { known: (keys) => this.committer.knownKeys(id, keys) },
        files: this.intake.adapterFiles,
      });
      const instance: Instance = {
        id,
        definition,
        adapter,
        breaker: new CircuitBreaker({ failureThreshold: settings.breakerFailures, openMs: settings.breakerOpenMs }, Date.now, (state) =>
          log.warn({ event: 'adapter.breaker', state }, `circuit ${state}`),
        ),
        limiter: settings.ratePerSecond ? new RateLimiter(settings.ratePerSecond) : undefined,
        consumers: [],
        held: 0,
      };
      if (forced.has(id)) instance.breaker.forceOpen();
      for (const [queue, lane] of [
        [workQueueName(id), 'normal'],
        [bulkQueueName(id), 'bulk'],
      ] as const) {
        const c = await this.consumers.start(queue, settings.concurrency, (msg) => this.handle(instance, msg, lane), log);
        if (c) instance.consumers.push(c);
        if (c && forced.has(id)) await c.pause();
      }
      if (adapter.poll) {
        instance.poller = new LeaderJob({
          name: `poll:${id}`,
          intervalMs: settings.pollIntervalMs,
          logger: log,
          leader: { databaseUrl: this.env.databaseUrl, lockName: `${this.env.databaseSchema}:poll:${id}` },
          work: () => this.pollOnce(instance),
        });
        instance.poller.start();
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

  /** The running instances as the admin console shows them. */
  status(): InstanceStatus[] {
    return this.instances.map((i) => ({ id: i.id, type: i.definition.type, breaker: i.breaker.state(), forcedOpen: i.breaker.isForced(), held: i.held, consumers: i.consumers.length }));
  }

  /**
   * A breaker opened by hand stops this instance's consumers (messages wait in the queue, nothing
   * is retried or dead-lettered for it); closing it by hand resumes them and forgets the failures.
   */
  private async applyOverride(o: AdapterOverride): Promise<void> {
    const i = this.instances.find((x) => x.id === o.adapterId);
    if (!i || this.stopping) return;
    if (o.forcedOpen) {
      i.breaker.forceOpen();
      for (const c of i.consumers) await c.pause();
    } else {
      i.breaker.release();
      for (const c of i.consumers) await c.resume();
    }
  }

  /** A running adapter instance, for the webhook ingress and the delivery poller. */
  adapterOf(id: string): Adapter | undefined {
    return this.instances.find((i) => i.id === id)?.adapter;
  }

  /** Running instances whose adapter reads delivery statuses by polling. */
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

  private async handle(instance: Instance, msg: ConsumeMessage, lane: 'normal' | 'bulk'): Promise<void> {
    // Delivered just before a manual opening took effect: wait here (unacked), not in a retry tier.
    if (instance.breaker.isForced()) {
      if (this.stopping) throw new GiveBack('the hub is stopping; the circuit is open by hand');
      instance.held++;
      await instance.breaker.whenReleased().finally(() => instance.held--);
    }
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
    const wanted = await this.deliveries.stillWanted(event);
    if (wanted === false || (wanted === undefined && (await this.attempts.seen(consumer, messageId)))) {
      await this.attempts.record({ ...base, startedAt: new Date(), durationMs: 0, outcome: 'duplicate' });
      return;
    }
    // Files are checked (fetched, digested, signatures read) before any adapter hands them on.
    if (this.intake.concerns(event) && (await this.intake.check(event, journalId)) === 'rejected') {
      await this.attempts.record({ ...base, startedAt: new Date(), durationMs: 0, outcome: 'rejected', error: 'files refused; answered with message.rejected' });
      return;
    }
    // The breaker as this attempt meets it, recorded with the attempt (the admin timeline shows it).
    const breakerState = instance.breaker.state();
    const gate = instance.breaker.acquire();
    if (!gate.allowed) {
      // Turned away without a call: recorded too, so the timeline tells "not called, circuit open" from "called and failed".
      await this.attempts.record({ ...base, startedAt: new Date(), durationMs: 0, outcome: 'transient', error: `circuit ${breakerState}: not called`, breakerState }).catch(() => undefined);
      throw new TransientError(`circuit open for ${instance.id}`, gate.retryAfterMs);
    }
    await instance.limiter?.take(lane === 'bulk');
    const cause = { instance: instance.id, eventId: event.id, correlationId: event.correlationid };
    const startedAt = new Date();
    let outcome;
    try {
      outcome = await instance.adapter.handle(event, AbortSignal.timeout(this.config.adapters[instance.id].runner.timeoutMs));
    } catch (e) {
      const cls = failureClassOf(e);
      if (cls === 'transient') instance.breaker.failure();
      else instance.breaker.success(); // a refusal means the system answered
      await this.attempts.record({ ...base, startedAt, durationMs: Date.now() - startedAt.getTime(), outcome: cls, error: errorLine(e), breakerState }).catch(() => undefined);
      // The message goes to the DLQ as evidence; whoever tracks it (a dispatch) learns it failed for good.
      const refused = cls === 'permanent' ? this.deliveries.refused(event, errorLine(e).slice(0, 500)) : undefined;
      if (refused) await this.committer.commit(cause, [], [refused], async () => true).catch(() => undefined);
      throw e;
    }
    instance.breaker.success();
    const done = outcome;
    await this.committer.commit(cause, done.results, done.deliveries ?? [], (tx) =>
      this.attempts.claimAndRecord(tx, {
        ...base,
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
        outcome: 'ok',
        requestSummary: done.summary?.request,
        responseSummary: done.summary?.response,
        breakerState,
      }),
    );
  }

  /** One poll round, in the instance holding this adapter's poll lock. */
  private async pollOnce(instance: Instance): Promise<void> {
    if (!instance.adapter.poll) return;
    const gate = instance.breaker.acquire();
    if (!gate.allowed) return;
    try {
      const previous = await this.committer.cursorOf(instance.id);
      const { results, cursor } = await instance.adapter.poll(previous, AbortSignal.timeout(this.config.adapters[instance.id].runner.timeoutMs));
      instance.breaker.success();
      await this.committer.commitPoll(instance.id, previous, results, cursor);
    } catch (e) {
      // As for deliveries: a refusal means the system answered. Saying nothing would leave a
      // half-open breaker waiting for its one trial call to end, and it would stay half-open for good.
      if (failureClassOf(e) === 'transient') instance.breaker.failure();
      else instance.breaker.success();
      this.logger.warn({ event: 'adapter.poll-failed', adapter: instance.id, error: safeError(e) }, 'poll failed; will retry');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // Messages held for a manual opening go back to their queue as they were.
    for (const i of this.instances) i.breaker.abandonWaits(new GiveBack('the hub is stopping; the circuit is open by hand'));
    for (const i of this.instances) {
      await i.poller?.stop();
      for (const c of i.consumers) await c.stop();
      await i.adapter.dispose?.().catch(() => undefined);
    }
  }
}
