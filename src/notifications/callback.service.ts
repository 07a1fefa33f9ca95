import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { WebhookOutcome } from '../../contracts';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { EventEmitter } from '../outbox/event.emitter';
import { JournalRepository } from '../persistence/journal.repository';
import { TransactionRunner } from '../persistence/transaction.runner';
import { BotService } from './bot.service';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';

/** Most of a callback body kept in the journal as evidence. */
const EVIDENCE_BYTES = 64 * 1024;

/**
 * What a provider callback does once its adapter has read it: journaled as evidence (cut at
 * 64 KiB), de-duplicated on the adapter's key in the same transaction that applies it (a replay
 * changes nothing), delivery reports applied, messages from citizens handed to the bot, and what
 * that emitted published after commit.
 */
@Injectable()
export class CallbackService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly journal: JournalRepository,
    private readonly repo: NotificationRepository,
    private readonly notifications: NotificationService,
    private readonly bot: BotService,
    private readonly emitter: EventEmitter,
  ) {}

  /** Journals a callback whose signature did not verify; never throws. */
  async rejected(instance: string, body: Buffer, detail: string): Promise<void> {
    await this.tx.run((tx) => this.journal.insertCallback(tx, this.evidence(instance, 'rejected', body, [{ pointer: '', reason: detail }]))).catch(() => undefined);
  }

  /** Applies a verified callback; false when it is a replay. Throws when it could not be stored. */
  async accepted(instance: string, body: Buffer, outcome: WebhookOutcome): Promise<boolean> {
    let replay = false;
    const pending = await this.tx.run(async (tx) => {
      if (outcome.dedupKey && !(await this.repo.firstReceipt(tx, instance, outcome.dedupKey))) {
        replay = true;
        return [] as OutgoingMessage[];
      }
      await this.journal.insertCallback(tx, this.evidence(instance, 'accepted', body));
      const out = await this.notifications.applyReports(tx, instance, outcome.deliveries);
      for (const m of outcome.inbound) out.push(...(await this.bot.handle(tx, instance, m)));
      return out;
    });
    await this.emitter.publish(pending); // the outbox relay sends what did not go now
    return !replay;
  }

  private evidence(instance: string, status: 'accepted' | 'rejected', body: Buffer, errors?: unknown) {
    return { id: uuidv7(), via: `webhook:${instance}`, status, errors, body: body.subarray(0, EVIDENCE_BYTES), bodySize: body.length };
  }
}
