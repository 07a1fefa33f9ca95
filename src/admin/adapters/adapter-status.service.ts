import { Inject, Injectable } from '@nestjs/common';
import { AdapterOverrideRepository, type AdapterOverride } from '../../adapter-host/adapter-override.repository';
import { AdapterRunner } from '../../adapter-host/adapter.runner';
import { AttemptRepository } from '../../adapter-host/attempt.repository';
import { OVERRIDE_POLL_MS } from '../../adapter-host/breaker-override.service';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { bulkQueueName, dlqName, workQueueName } from '../../messaging/topology.declaration';
import { TopologyPlan } from '../../messaging/topology.plan';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminAudit } from '../audit/admin-audit.service';
import type { Principal } from '../auth/admin-auth.service';
import { AdminDenied } from '../auth/admin.guard';
import { QueueStatsClient } from './queue-stats.client';

/** One queue of an adapter instance. */
export interface AdapterQueue {
  name: string;
  lane: 'normal' | 'bulk' | 'dlq';
  /** Ready messages; null when the broker did not answer. */
  messages: number | null;
  consumers: number | null;
}

/** An adapter instance as the console shows it. */
export interface AdapterStatus {
  id: string;
  type: string;
  enabled: boolean;
  /** Running in the hub instance that answers (enabled and started). */
  running: boolean;
  breaker: {
    /** This hub instance's breaker: closed, open, half-open; `disabled` when not running here. */
    state: string;
    /** A manual opening in force (hub-wide, from the database). */
    forcedOpen: boolean;
    failureThreshold: number;
    openMs: number;
    /** The last manual action, hub-wide. */
    manual: { forcedOpen: boolean; actor: string; reason: string; at: string } | null;
  };
  rateLimit: { ratePerSecond: number | null; concurrency: number; timeoutMs: number };
  queues: AdapterQueue[];
  /** Messages held in this hub instance waiting for a manual opening to be lifted. */
  held: number;
  lastError: { at: string; outcome: string; attempt: number; error: string | null; journalId?: string | null } | null;
  probe: { ok: boolean; detail?: string } | null;
}

/** What a manual breaker action did. */
export interface BreakerChange {
  adapter: string;
  before: { forcedOpen: boolean; breaker: string };
  after: { forcedOpen: boolean };
  auditId: string;
  /** Every hub instance applies it within about this long. */
  appliesWithinMs: number;
}

/**
 * The adapters page: per instance its breaker, rate limit, queues and their consumers, last failed
 * attempt and probe; and the breaker opened or closed by hand, audited with the change in one
 * transaction. Hub-wide principals see every instance; a tenant's principal sees the instances its
 * tenants' routes and notification channels use, without journal ids (another tenant's message
 * may be behind the last error).
 */
@Injectable()
export class AdapterStatusService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly runner: AdapterRunner,
    private readonly overrides: AdapterOverrideRepository,
    private readonly attempts: AttemptRepository,
    private readonly queues: QueueStatsClient,
    private readonly plan: TopologyPlan,
    private readonly tx: TransactionRunner,
    private readonly audit: AdminAudit,
  ) {}

  /** The instances a principal may read about: all for hub-wide, else those serving its tenants. */
  visibleIds(hubWide: boolean, tenants: readonly string[]): string[] {
    const ids = Object.keys(this.config.adapters);
    if (hubWide) return ids;
    const used = new Set<string>();
    for (const r of this.config.routes) if (r.tenants.includes('*') || r.tenants.some((t) => tenants.includes(t))) r.to.forEach((x) => used.add(x));
    for (const id of Object.values(this.config.notifications.channels)) if (id) used.add(id);
    return ids.filter((id) => used.has(id));
  }

  async list(ids: readonly string[], o: { hubWide: boolean; probe: boolean }): Promise<AdapterStatus[]> {
    const queueNames = ids.flatMap((id) => this.queueNames(id).map((q) => q.name));
    const [stats, overrides, failures, probes] = await Promise.all([
      this.queues.stats(queueNames),
      this.overrides.all(),
      this.attempts.lastFailures(ids.map((id) => `adapter:${id}`)),
      o.probe ? this.runner.probe() : Promise.resolve({} as Awaited<ReturnType<AdapterRunner['probe']>>),
    ]);
    const running = new Map(this.runner.status().map((s) => [s.id, s]));
    const byId = new Map(overrides.map((x) => [x.adapterId, x]));
    let k = 0;
    return ids.map((id) => {
      const a = this.config.adapters[id];
      const live = running.get(id);
      const manual = byId.get(id);
      const fail = failures.get(`adapter:${id}`);
      const probe = Object.hasOwn(probes, id) ? probes[id] : undefined;
      return {
        id,
        type: a.type,
        enabled: a.enabled,
        running: !!live,
        breaker: {
          state: live?.breaker ?? 'disabled',
          forcedOpen: manual?.forcedOpen ?? false,
          failureThreshold: a.runner.breakerFailures,
          openMs: a.runner.breakerOpenMs,
          manual: manual ? { forcedOpen: manual.forcedOpen, actor: manual.actor, reason: manual.reason, at: manual.changedAt.toISOString() } : null,
        },
        rateLimit: { ratePerSecond: a.runner.ratePerSecond ?? null, concurrency: a.runner.concurrency, timeoutMs: a.runner.timeoutMs },
        queues: this.queueNames(id).map((q) => {
          const s = stats[k++];
          return { ...q, messages: s?.messages ?? null, consumers: s?.consumers ?? null };
        }),
        held: live?.held ?? 0,
        lastError: fail ? { at: fail.at.toISOString(), outcome: fail.outcome, attempt: fail.attempt, error: fail.error, ...(o.hubWide ? { journalId: fail.journalId } : {}) } : null,
        probe: probe ? { ok: probe.ok, ...(probe.detail ? { detail: probe.detail } : {}) } : null,
      };
    });
  }

  /**
   * Opens (`open`) or closes a breaker by hand, hub-wide: the override row and its audit line
   * commit together; every hub instance's runner applies it at its next poll. Opening stops
   * deliveries (messages wait in the queue, nothing is retried or dead-lettered for it); closing
   * lifts a manual opening and resets an automatic one.
   */
  async setBreaker(who: Principal, adapterId: string, open: boolean, reason: string): Promise<BreakerChange> {
    if (!Object.hasOwn(this.config.adapters, adapterId)) throw new AdminDenied(404, 'no such adapter instance');
    const local = this.runner.status().find((s) => s.id === adapterId)?.breaker ?? 'disabled';
    return this.tx.run(async (tx) => {
      const prev: AdapterOverride | undefined = await this.overrides.lock(tx, adapterId);
      const before = { forcedOpen: prev?.forcedOpen ?? false, breaker: local };
      if (open && before.forcedOpen) throw new AdminDenied(409, 'the breaker is already open by hand');
      const row = await this.overrides.set(tx, { adapterId, forcedOpen: open, actor: who.actor, reason });
      const after = { forcedOpen: row.forcedOpen };
      const line = await this.audit.recordIn(tx, who, { tenant: '*', action: open ? 'adapter.breaker.open' : 'adapter.breaker.close', target: adapterId, reason, before, after });
      return { adapter: adapterId, before, after, auditId: line.id, appliesWithinMs: 2 * OVERRIDE_POLL_MS };
    });
  }

  private queueNames(id: string): Omit<AdapterQueue, 'messages' | 'consumers'>[] {
    const work = workQueueName(id);
    const out: Omit<AdapterQueue, 'messages' | 'consumers'>[] = [
      { name: work, lane: 'normal' },
      { name: dlqName(work), lane: 'dlq' },
    ];
    if (this.plan.hasBulkLane(id)) out.push({ name: bulkQueueName(id), lane: 'bulk' }, { name: dlqName(bulkQueueName(id)), lane: 'dlq' });
    return out;
  }
}
