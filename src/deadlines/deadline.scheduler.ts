import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import { TransientError, type EventType } from '../../contracts';
import { safeError } from '../logging/pii.mask';
import { CaseRepository, type ChangedCase } from '../cases/case.repository';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { CLOCK, ENV_CONFIG, HUB_CONFIG, LOGGER, type Clock } from '../config/injection.tokens';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { EventEmitter, type Emission } from '../outbox/event.emitter';
import { JournalRepository } from '../persistence/journal.repository';
import { LeaderJob } from '../persistence/leader.job';
import { stableUuid } from '../persistence/stable.uuid';
import { TransactionRunner } from '../persistence/transaction.runner';
import { type DeadlineAlert, planAlerts, riskFrom } from './deadline-alerts.mapper';
import { type CaseFacts, DeadlineRepository, type StoredDeadline } from './deadline.repository';
import { type RepeatMatch, repeatOf } from './repeat-appeal.mapper';
import { type CaseDeadline, DeadlineService } from './deadline.service';

/** Cases read per page, in each of the two passes (changed cases, due checks). */
const ROUND_LIMIT = 200;
/** How long one round works through a backlog before it yields to the next. */
const ROUND_BUDGET_MS = 5_000;
/** Changed cases read per page while looking for ones not computed at their version. */
const PAGE = 500;
/**
 * How far back every round scans again, whatever its position: a transaction stamps `updated_at`
 * when it starts and may commit later, so a case can appear behind the scan position. Two minutes
 * is far beyond any hub transaction (milliseconds); cases already computed at their version are
 * passed over cheaply.
 */
const COMMIT_LAG_MS = 120_000;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** Earlier appeals of one applicant compared at most (the newest). */
const MAX_REPEAT_CANDIDATES = 20;

/** The journal de-duplication key of a case's repeat link: one per case. */
const repeatKey = (caseId: string) => `repeat\n${caseId}`;

/**
 * The deadline scheduler, in one hub instance at a time (a leader job): it notices new and
 * changed appeals, computes their terms from their journaled events, and raises
 * `deadline.warning`, `deadline.overdue`, `deadline.not-taken` and `deadline.extended` when they
 * fall due. Each alert has a journal de-duplication key checked in the same transaction that
 * writes it, so a crash, a restart or a second instance taking over never raises one twice.
 */
@Injectable()
export class DeadlineScheduler implements BeforeApplicationShutdown {
  private job?: LeaderJob;
  /** Position of the changed-cases scan; starts from the beginning in every new leader. */
  private scanned?: { at: Date; id: string };

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(ENV_CONFIG) private readonly env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tx: TransactionRunner,
    private readonly cases: CaseRepository,
    private readonly repo: DeadlineRepository,
    private readonly journal: JournalRepository,
    private readonly deadlines: DeadlineService,
    private readonly emitter: EventEmitter,
  ) {}

  start(): void {
    if (!Object.values(this.config.tenants).some((t) => t.deadlines)) return;
    this.job = new LeaderJob({
      name: 'deadlines',
      intervalMs: this.config.deadlines.intervalMs,
      logger: this.logger,
      leader: { databaseUrl: this.env.databaseUrl, lockName: `${this.env.databaseSchema}:deadlines` },
      onLeader: () => {
        this.scanned = undefined;
      },
      work: async () => {
        await this.round();
      },
    });
    this.job.start(1000);
  }

  /**
   * One round: changed cases first (a new extension is told promptly), then terms falling due.
   * The scan position moves past a changed case only once it was computed: a case that failed
   * (the database went away) is read again next round.
   */
  async round(): Promise<number> {
    let done = 0;
    const until = Date.now() + ROUND_BUDGET_MS;
    // A backlog (a flood of submissions, a first start on an old database) is worked off in
    // pages for up to the round's budget, then the next round goes on from the scan position.
    for (;;) {
      const changed = await this.changedCases();
      let pos = this.scanned;
      for (const c of changed.cases) {
        try {
          done += await this.safeCheck(c.id);
        } catch (e) {
          this.scanned = pos;
          throw e;
        }
        pos = { at: c.updatedAt, id: c.id };
      }
      this.scanned = changed.cases.length < ROUND_LIMIT ? (changed.end ?? pos) : pos;
      if (changed.cases.length < ROUND_LIMIT || Date.now() > until) break;
    }
    const failed = new Set<string>();
    for (;;) {
      const due = (await this.tx.run((tx) => this.repo.due(tx, this.clock.now(), ROUND_LIMIT + failed.size))).filter((id) => !failed.has(id));
      for (const id of due) {
        const n = await this.safeCheck(id);
        if (!n) failed.add(id);
        done += n;
      }
      if (due.length < ROUND_LIMIT || Date.now() > until) break;
    }
    return done;
  }

  /**
   * One case; an unreachable database ends the round (the next one retries from the same place),
   * any other failure is logged with the case and passed over, so that one case that cannot be
   * computed never holds up the others. Returns 1 when the case was computed.
   */
  private async safeCheck(caseId: string): Promise<number> {
    try {
      return await this.check(caseId);
    } catch (e) {
      if (e instanceof TransientError) throw e;
      this.logger.error({ event: 'deadline.case-failed', caseId, err: safeError(e) }, 'deadline of a case could not be computed; passed over');
      return 0;
    }
  }

  /**
   * Appeals of tenants with deadlines whose version moved since the scheduler computed them, from
   * the scan position on, and the position of the last case read.
   */
  private async changedCases(): Promise<{ cases: ChangedCase[]; end?: { at: Date; id: string } }> {
    const cases: ChangedCase[] = [];
    const now = this.clock.now();
    const lag = new Date(now.getTime() - COMMIT_LAG_MS);
    let after = this.scanned && this.scanned.at > lag ? { at: lag, id: ZERO_UUID } : this.scanned;
    for (;;) {
      const rows = await this.tx.run(async (tx) => {
        const page = await this.cases.changedSince(tx, after, PAGE);
        const versions = await this.repo.versions(
          tx,
          page.map((r) => r.id),
        );
        return page.map((r) => ({ r, stale: !!this.deadlines.settingsOf(r.tenant) && versions.get(r.id) !== r.version }));
      });
      for (const { r, stale } of rows) {
        if (stale) cases.push(r);
        after = { at: r.updatedAt, id: r.id };
        if (cases.length === ROUND_LIMIT) return { cases };
      }
      if (rows.length < PAGE) return { cases, ...(after ? { end: after } : {}) };
    }
  }

  /** Computes one case and raises what is due, in one transaction; returns 1 when it was computed. */
  private async check(caseId: string): Promise<number> {
    const messages = await this.tx.run(async (tx) => {
      const kase = await this.cases.appealById(tx, caseId);
      if (!kase) return [];
      const stored = await this.repo.lock(tx, caseId);
      const now = this.clock.now();
      const computed = await this.deadlines.compute(tx, kase.tenant, kase.caseRef, now);
      if (!computed) {
        // No term (yet): remember the version so that the case is looked at again when it changes.
        await this.repo.save(tx, { caseId, tenant: kase.tenant, caseRef: kase.caseRef, profile: '', extensions: stored?.extensions ?? 0, overdue: false, caseVersion: kase.version });
        return [];
      }
      const plan = planAlerts(caseId, computed.result, { now, warnAt: computed.settings.warnAt, announcedExtensions: stored?.extensions ?? 0 });
      // Repeat detection, once per case: the first time it has a term.
      const firstLook = !stored || stored.profile === '';
      const known = await this.journal.knownKeys(tx, [...plan.alerts.map((a) => a.key), ...(firstLook ? [repeatKey(caseId)] : [])]);
      const emissions = plan.alerts.filter((a) => !known.has(a.key)).map((a) => this.emission(kase, computed, a, stored, now));
      const repeats = firstLook ? await this.repeats(tx, kase, computed) : [];
      if (repeats.length && !known.has(repeatKey(caseId))) {
        emissions.push({
          type: 'appeal.repeat-linked',
          id: stableUuid(repeatKey(caseId)),
          tenant: kase.tenant,
          subject: kase.caseRef,
          data: { caseRef: kase.caseRef, earlier: repeats.map((m) => ({ caseRef: m.caseRef, matchedOn: m.on })), windowDays: computed.settings.repeat.windowDays, linkedAt: now.toISOString() },
          dedupeKey: repeatKey(caseId),
        });
      }
      const emitted = await this.emitter.emitAll(tx, emissions);
      const r = computed.result;
      const row: StoredDeadline = {
        caseId,
        tenant: kase.tenant,
        caseRef: kase.caseRef,
        profile: r.profile,
        ...(r.dueAt ? { dueAt: new Date(r.dueAt) } : {}),
        ...(r.dueDate ? { dueDate: r.dueDate } : {}),
        extensions: Math.max(r.extensions, stored?.extensions ?? 0),
        ...(r.answeredAt ? { answeredAt: new Date(r.answeredAt) } : {}),
        overdue: r.overdue,
        paused: r.paused,
        ...(riskFrom(r) !== undefined ? { atRiskFrom: new Date(riskFrom(r) as number) } : {}),
        ...(plan.nextCheckAt ? { nextCheckAt: plan.nextCheckAt } : {}),
        caseVersion: kase.version,
        facts: factsOf(computed, firstLook ? repeats.map((m) => m.caseRef) : (stored?.repeatOf ?? [])),
      };
      await this.repo.save(tx, row);
      for (const e of emitted) this.logger.info({ event: 'deadline.alert', type: e.event.type, tenant: kase.tenant }, 'deadline alert raised');
      return EventEmitter.messages(emitted);
    });
    await this.emitter.publish(messages as OutgoingMessage[]);
    return 1;
  }

  /** The earlier appeals this one repeats (same verified applicant, same problem, within the window). */
  private async repeats(tx: PoolClient, kase: ChangedCase, c: CaseDeadline): Promise<RepeatMatch[]> {
    const s = c.settings.repeat;
    if (!s.windowDays || !c.clock.subject) return [];
    const earlier = await this.cases.earlierAppealsOfApplicant(tx, kase.id, s.windowDays, MAX_REPEAT_CANDIDATES);
    const subjects = await this.deadlines.subjectsOf(
      tx,
      kase.tenant,
      earlier.map((e) => e.caseRef),
    );
    const found: RepeatMatch[] = [];
    for (const e of earlier) {
      const subject = subjects.get(e.caseRef);
      const m = subject ? repeatOf(c.clock.subject, subject, s) : undefined;
      if (m) found.push(m);
    }
    return found;
  }

  private emission(kase: ChangedCase, c: CaseDeadline, a: DeadlineAlert, stored: StoredDeadline | undefined, now: Date): Emission<EventType> {
    const r = c.result;
    const base = { caseRef: kase.caseRef, caseKind: 'appeal' as const, profile: r.profile };
    const term = { ...base, dueAt: r.dueAt as string, dueDate: r.dueDate as string };
    const at = now.toISOString();
    let data: Record<string, unknown>;
    switch (a.type) {
      case 'deadline.warning':
        data = { ...term, threshold: a.threshold, ...(a.threshold === 'share' ? { share: a.share } : {}), warnedAt: at };
        break;
      case 'deadline.overdue':
        data = { ...term, detectedAt: at };
        break;
      case 'deadline.not-taken':
        data = { ...base, takeBy: a.takeBy, detectedAt: at };
        break;
      case 'deadline.extended': {
        const ext = [...c.clock.events].reverse().find((e) => e.kind === 'extended');
        data = {
          ...term,
          previousDueDate: stored?.dueDate ?? r.originalDueDate ?? (r.dueDate as string),
          reason: ext?.reason || '—',
          extensions: a.extensions,
          extendedAt: ext?.at ?? at,
        };
        break;
      }
    }
    return {
      type: a.type,
      // The same alert always has the same id: a portal de-duplicating on (source, id) sees it once.
      id: stableUuid(a.key),
      tenant: kase.tenant,
      subject: kase.caseRef,
      data: data as never,
      dedupeKey: a.key,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job?.stop();
  }
}

/** What the KPIs count of a case, from its clock (first registration, first taking into work). */
function factsOf(c: CaseDeadline, repeatOf: string[]): CaseFacts {
  const first = (kind: string): Date | undefined => {
    const at = c.clock.events.find((e) => e.kind === kind)?.at;
    return at ? new Date(at) : undefined;
  };
  const [receivedAt, registeredAt, takenAt] = [first('received'), first('registered'), first('taken')];
  const originalDueDate = c.result.originalDueDate ?? c.result.dueDate;
  return {
    appealKind: c.appealKind,
    ...(c.clock.addressee ? { addressee: c.clock.addressee } : {}),
    ...(receivedAt ? { receivedAt } : {}),
    ...(registeredAt ? { registeredAt } : {}),
    ...(takenAt ? { takenAt } : {}),
    ...(originalDueDate ? { originalDueDate } : {}),
    postponements: c.clock.postponements,
    repeatOf,
  };
}
