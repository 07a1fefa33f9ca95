import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { EnvConfig } from '../config/env.config';
import type { EvidenceSettings, HubConfig } from '../config/hub-config.schema';
import { ENV_CONFIG, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import { safeError } from '../logging/pii.mask';
import { MetricsService } from '../metrics/metrics.service';
import { poolOf } from '../persistence/database.setup';
import { LeaderJob } from '../persistence/leader.job';
import { checkpointMessage, HASH_V, headLeaf, sha256 } from './chain.codec';
import { type CheckpointRow, ChainRepository } from './chain.repository';
import { requestToken } from './tsa.client';

/**
 * The chainer and the checkpoints, as ONE leader job (one active instance, one advisory lock):
 * each round appends the newly committed journal and audit rows to their tenants' chains, then,
 * when a time-stamping authority is configured and `intervalSeconds` passed or `maxEntries`
 * were chained since the last checkpoint, time-stamps every head that moved with one RFC 3161
 * token and writes the checkpoint outside the database (`witnessDir`). Off the ingress path: the
 * ingress only fills the `tx` column by default.
 *
 * A failing authority costs nothing but lag: a warning, the `hub_evidence_checkpoint_age_seconds`
 * gauge growing, and another try next round.
 */
@Injectable()
export class ChainService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly job: LeaderJob;
  private readonly repo: ChainRepository;
  private readonly settings: EvidenceSettings;
  private sinceCheckpoint = 0;
  private lastCheckpointAt?: Date;
  private lastAttemptAt = 0;

  constructor(
    db: DataSource,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) config: HubConfig,
    @Inject(ENV_CONFIG) env: EnvConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = config.evidence;
    this.repo = new ChainRepository(poolOf(db));
    this.job = new LeaderJob({
      name: 'evidence-chain',
      intervalMs: this.settings.chainIntervalMs,
      logger,
      leader: { databaseUrl: env.databaseUrl, lockName: `${env.databaseSchema}:evidence-chain` },
      onLeader: () => logger.info({ event: 'evidence.leader' }, 'this instance now chains the journal'),
      work: () => this.round().then(() => undefined),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.settings.chain) {
      this.logger.warn({ event: 'evidence.off' }, 'evidence.chain is false: the journal is not chained (not tamper-evident)');
      return;
    }
    if (!this.settings.timestamping) this.logger.warn({ event: 'evidence.no-tsa' }, 'evidence.timestamping is not configured: chain heads are not time-stamped');
    this.job.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.job.stop();
  }

  /** One round: chain, then checkpoint when due. Public for tests and the bench. */
  async round(now: Date = new Date()): Promise<{ chained: number; checkpoint?: CheckpointRow }> {
    const started = process.hrtime.bigint();
    const { chained } = await this.repo.chainRound();
    this.metrics.evidenceChained.inc(chained);
    this.metrics.evidenceRound.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.sinceCheckpoint += chained;
    const checkpoint = await this.checkpointIfDue(now);
    if (this.lastCheckpointAt) this.metrics.evidenceCheckpointAge.set((now.getTime() - this.lastCheckpointAt.getTime()) / 1000);
    return { chained, ...(checkpoint ? { checkpoint } : {}) };
  }

  private async checkpointIfDue(now: Date): Promise<CheckpointRow | undefined> {
    const tsa = this.settings.timestamping;
    if (!tsa) return undefined;
    this.lastCheckpointAt ??= await this.repo.lastCheckpointAt();
    const dueByTime = !this.lastCheckpointAt || now.getTime() - this.lastCheckpointAt.getTime() >= tsa.intervalSeconds * 1000;
    // A failing authority is asked at most once per interval/10 rather than on every round.
    const retryGap = Math.min(tsa.intervalSeconds * 100, 30_000);
    if (!(dueByTime || this.sinceCheckpoint >= tsa.maxEntries) || now.getTime() - this.lastAttemptAt < retryGap) return undefined;
    const heads = await this.repo.pendingHeads();
    if (!heads.length) return undefined;
    this.lastAttemptAt = now.getTime();
    try {
      const checkpoint = await this.checkpoint(tsa.url, tsa.timeoutMs, heads);
      this.sinceCheckpoint = 0;
      this.lastCheckpointAt = checkpoint.createdAt;
      return checkpoint;
    } catch (e) {
      this.metrics.evidenceCheckpointFailures.inc();
      this.logger.warn({ event: 'evidence.checkpoint-failed', tsa: hostOf(tsa.url), heads: heads.length, error: safeError(e) }, 'time-stamping the chain heads failed; will retry');
      return undefined;
    }
  }

  /** Time-stamps these heads now (one token over all of them) and writes the witness copy. */
  async checkpoint(url: string, timeoutMs: number, heads: { tenant: string; seq: number; entryHash: Buffer }[]): Promise<CheckpointRow> {
    const leaves = heads.map((h) => headLeaf(h.tenant, h.seq, h.entryHash));
    const message = checkpointMessage(leaves);
    const digest = sha256(message);
    const { tsr, info } = await requestToken(url, message, timeoutMs);
    const saved = await this.repo.saveCheckpoint({ hashV: HASH_V, digest, leaves, tsaUrl: url, tsr, genTime: info.genTime }, heads);
    if (this.settings.witnessDir) await writeWitness(this.settings.witnessDir, saved, heads);
    this.logger.info({ event: 'evidence.checkpoint', id: saved.id, heads: heads.length, genTime: info.genTime.toISOString() }, 'chain heads time-stamped');
    return saved;
  }
}

/**
 * The witness copy: the checkpoint as JSON (heads, digest, token) in a directory outside the
 * database, written to a temporary name and renamed so a reader never sees half a file. Shipping
 * that directory elsewhere (WORM bucket, another host) is the operator's part.
 */
export async function writeWitness(dir: string, c: CheckpointRow, heads: readonly { tenant: string; seq: number; entryHash: Buffer }[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const name = `checkpoint-${c.id.padStart(12, '0')}.json`;
  const body = {
    format: 'cabinet-hub/checkpoint/v1',
    id: c.id,
    createdAt: c.createdAt.toISOString(),
    genTime: c.genTime.toISOString(),
    hashV: c.hashV,
    digest: c.digest.toString('hex'),
    heads: heads.map((h) => ({ tenant: h.tenant, seq: h.seq, headHash: h.entryHash.toString('hex') })),
    tsr: c.tsr.toString('base64'),
  };
  const tmp = join(dir, `.${name}.tmp`);
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o640 });
  await rename(tmp, join(dir, name));
  return join(dir, name);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
