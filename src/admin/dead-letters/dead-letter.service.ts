import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import sjson from 'secure-json-parse';
import { v7 as uuidv7 } from 'uuid';
import type { ContractError } from '../../../contracts';
import { HUB_CONFIG } from '../../config/injection.tokens';
import type { HubConfig } from '../../config/hub-config.schema';
import { DeadlineRepository } from '../../deadlines/deadline.repository';
import { parseRawEvent } from '../../ingress/raw-event.parser';
import { AmqpClient } from '../../messaging/amqp.client';
import { ConfirmPublisher } from '../../messaging/confirm.publisher';
import { TopologyPlan } from '../../messaging/topology.plan';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminAudit } from '../audit/admin-audit.service';
import type { Principal } from '../auth/admin-auth.service';
import { AdminDenied } from '../auth/admin.guard';
import { auditDiff, breachingWithin, changesCitizenData, dueInstantOf, jsonDiff, maskCitizenData, redriveOrder, resendOptions, unmask } from './dead-letter.mapper';
import { DeadLetterRepository, type DeadLetterFilter, type DeadLetterFull, type DeadLetterRow, type EditRow, type PlanRow } from './dead-letter.repository';

/** Most letters one plan takes (a larger backlog is redriven in several plans). */
export const MAX_PLAN_LETTERS = 10_000;
/** The default redrive rate, messages per second. */
export const DEFAULT_RATE = 5;
/** "Will breach within 24 h". */
const DAY_MS = 24 * 3600 * 1000;

/** A letter as lists show it: with its case's legal due time, when known. */
export interface ListedLetter extends DeadLetterRow {
  dueAt?: Date;
}

/** A letter opened for reading: its message (masked unless revealed) and its edits. */
export interface LetterDetail {
  letter: ListedLetter;
  headers: Record<string, unknown>;
  /** The message as JSON when it is JSON (citizen data masked unless revealed), else its text or base64. */
  message: { json?: unknown; text?: string; base64?: string };
  revealed: boolean;
  edits: EditRow[];
}

/** The outcome of an edit proposal: replayed at once, waiting for a second person, or refused by the contract. */
export type ProposalOutcome = { outcome: 'replayed'; edit: EditRow } | { outcome: 'pending'; edit: EditRow } | { outcome: 'invalid'; errors: ContractError[] };

const target = {
  letter: (id: string) => `dead-letter:${id}`,
  plan: (id: string) => `dead-letter-plan:${id}`,
  edit: (id: string) => `dead-letter-edit:${id}`,
};

/**
 * Dead letters, safely: the list with the time left before each case's legal deadline, redrive
 * plans (which letters, in deadline order, how many cases breach within a day) that are started
 * and cancelled with a reason, discard with a reason, and edit-and-replay validated against the
 * contract with a second person's approval when citizen data changes. Every change commits with
 * its audit line; the plans themselves run in {@link DeadLetterRedriveJob}.
 */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly repo: DeadLetterRepository,
    private readonly deadlines: DeadlineRepository,
    private readonly audit: AdminAudit,
    private readonly publisher: ConfirmPublisher,
    private readonly amqp: AmqpClient,
    private readonly topology: TopologyPlan,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  counts(tenant: string): Promise<{ queue: string; status: string; n: number }[]> {
    return this.tx.snapshot((tx) => this.repo.counts(tx, tenant));
  }

  list(f: DeadLetterFilter, limit: number, before?: { at: Date; id: string }): Promise<ListedLetter[]> {
    return this.tx.snapshot(async (tx) => this.withDeadlines(tx, f.tenant, await this.repo.list(tx, f, limit, before)));
  }

  /** A letter with its message; `reveal` (checked and audited by the caller's permission) shows citizen data. */
  async detail(who: Principal, tenant: string, id: string, reveal: boolean): Promise<LetterDetail> {
    const out = await this.tx.snapshot(async (tx) => {
      const l = await this.repo.get(tx, tenant, id);
      if (!l) throw new AdminDenied(404, 'no such dead letter');
      const [listed] = await this.withDeadlines(tx, tenant, [l]);
      const edits = await this.repo.edits(tx, tenant, { deadLetterId: id, limit: 50 });
      return { l, listed, edits };
    });
    if (reveal) await this.audit.record(who, { tenant, action: 'dead-letters.reveal', target: target.letter(id) });
    const parsed = jsonOf(out.l.body);
    const message =
      parsed !== undefined
        ? { json: reveal ? parsed : maskCitizenData(parsed) }
        : out.l.body.toString('utf8').includes('\ufffd')
          ? { base64: out.l.body.toString('base64') }
          : { text: out.l.body.toString('utf8') };
    return { letter: out.listed, headers: out.l.headers, message, revealed: reveal, edits: out.edits.map((e) => (reveal ? e : { ...e, diff: auditDiff(e.diff), body: Buffer.alloc(0) })) };
  }

  /**
   * A redrive plan: the tenant's kept letters matching the filters, soonest legal deadline first
   * (none last), and how many cases breach within 24 h. Nothing is sent or held.
   */
  async createPlan(who: Principal, f: DeadLetterFilter): Promise<{ plan: PlanRow; letters: ListedLetter[] }> {
    return this.tx.run(async (tx) => {
      const rows = await this.repo.list(tx, { ...f, statuses: ['kept'] }, MAX_PLAN_LETTERS);
      const letters = redriveOrder(await this.withDeadlines(tx, f.tenant, rows));
      if (!letters.length) throw new AdminDenied(409, 'no kept dead letters match these filters');
      const plan = await this.repo.insertPlan(tx, {
        tenant: f.tenant,
        ...(f.queue ? { queue: f.queue } : {}),
        filters: filtersJson(f),
        letterIds: letters.map((l) => l.id),
        breach24h: breachingWithin(letters, new Date(), DAY_MS),
        createdBy: who.actor,
      });
      return { plan, letters };
    });
  }

  /** A plan with its letters in plan order (first `limit`). */
  async plan(tenant: string, id: string, limit = 100): Promise<{ plan: PlanRow; letters: ListedLetter[] }> {
    return this.tx.snapshot(async (tx) => {
      const plan = await this.repo.getPlan(tx, tenant, id);
      if (!plan) throw new AdminDenied(404, 'no such redrive plan');
      const ids = plan.letterIds.slice(0, limit);
      const rows = [];
      for (const lid of ids) {
        const l = await this.repo.get(tx, tenant, lid);
        if (l) rows.push(l);
      }
      return { plan, letters: await this.withDeadlines(tx, tenant, rows) };
    });
  }

  plans(tenant: string, limit = 20): Promise<PlanRow[]> {
    return this.tx.snapshot((tx) => this.repo.plans(tx, tenant, limit));
  }

  /** Starts a plan as a background job at `ratePerSecond`; its kept letters are held for it. */
  async startPlan(who: Principal, tenant: string, id: string, reason: string, ratePerSecond: number): Promise<PlanRow> {
    const max = this.config.deadLetters.maxRatePerSecond;
    if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1 || ratePerSecond > max) throw new AdminDenied(400, `ratePerSecond: a whole number from 1 to ${max}`);
    return this.tx.run(async (tx) => {
      const plan = await this.repo.getPlan(tx, tenant, id, true);
      if (!plan) throw new AdminDenied(404, 'no such redrive plan');
      if (plan.status !== 'planned') throw new AdminDenied(409, `the plan is ${plan.status}; only a planned one can be started`);
      const held = await this.repo.startPlan(tx, id, { actor: who.actor, reason, ratePerSecond });
      await this.audit.recordIn(tx, who, {
        tenant,
        action: 'dead-letters.redrive.start',
        target: target.plan(id),
        reason,
        before: { status: 'planned', total: plan.total },
        after: { status: 'running', ratePerSecond, held, total: plan.total, breach24h: plan.breach24h },
      });
      return (await this.repo.getPlan(tx, tenant, id))!;
    });
  }

  /** Cancels a planned or running plan (from any hub instance: the job checks before every letter). */
  async cancelPlan(who: Principal, tenant: string, id: string, reason: string): Promise<PlanRow> {
    return this.tx.run(async (tx) => {
      const plan = await this.repo.getPlan(tx, tenant, id, true);
      if (!plan) throw new AdminDenied(404, 'no such redrive plan');
      if (plan.status !== 'running' && plan.status !== 'planned') throw new AdminDenied(409, `the plan is already ${plan.status}`);
      const released = await this.repo.endPlan(tx, id, { status: 'cancelled', actor: who.actor, reason });
      await this.audit.recordIn(tx, who, {
        tenant,
        action: 'dead-letters.redrive.cancel',
        target: target.plan(id),
        reason,
        before: { status: plan.status, position: plan.position, redriven: plan.redriven },
        after: { status: 'cancelled', released },
      });
      return (await this.repo.getPlan(tx, tenant, id))!;
    });
  }

  /** Discards a kept letter: the row (and its body) stays, marked discarded. */
  async discard(who: Principal, tenant: string, id: string, reason: string): Promise<DeadLetterRow> {
    return this.tx.run(async (tx) => {
      const l = await this.repo.get(tx, tenant, id, true);
      if (!l) throw new AdminDenied(404, 'no such dead letter');
      if (l.status !== 'kept') throw new AdminDenied(409, l.status === 'redriving' ? 'the letter is held by a running redrive plan; cancel the plan first' : `the letter is already ${l.status}`);
      if ((await this.repo.edits(tx, tenant, { deadLetterId: id, status: 'pending', limit: 1 })).length) throw new AdminDenied(409, 'an edit of this letter waits for approval; reject it first');
      await this.repo.setStatus(tx, id, 'discarded');
      await this.audit.recordIn(tx, who, { tenant, action: 'dead-letters.discard', target: target.letter(id), reason, before: { status: l.status, queue: l.queue }, after: { status: 'discarded' } });
      return { ...l, status: 'discarded' };
    });
  }

  /**
   * An operator's edited message: validated like the ingress validates (size, UTF-8, depth,
   * prototype keys, the contract); its diff against the original is stored. Without a change of
   * citizen data it is replayed at once; with one it waits for a second person's approval.
   */
  async propose(who: Principal, tenant: string, id: string, edited: string, reason: string): Promise<ProposalOutcome> {
    const original = await this.tx.snapshot((tx) => this.repo.get(tx, tenant, id));
    if (!original) throw new AdminDenied(404, 'no such dead letter');
    const before = jsonOf(original.body);
    if (before === undefined) throw new AdminDenied(409, 'the letter is not a JSON message; it can be redriven or discarded, not edited');
    let proposed: unknown;
    try {
      proposed = sjson.parse(edited, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return { outcome: 'invalid', errors: [{ pointer: '', reason: 'the edited message is not valid JSON' }] };
    }
    // Values left masked mean "unchanged": an operator without pii.reveal edits around them.
    const after = unmask(proposed, before);
    const body = Buffer.from(JSON.stringify(after), 'utf8');
    const contentType = typeof original.properties.contentType === 'string' ? original.properties.contentType : 'application/cloudevents+json';
    const parsed = parseRawEvent(body, contentType, this.config.hub);
    if (!parsed.ok) return { outcome: 'invalid', errors: parsed.errors };
    if (parsed.event.tenant !== tenant) return { outcome: 'invalid', errors: [{ pointer: '/tenant', reason: 'must stay the tenant of the dead letter' }] };
    const diff = jsonDiff(before, after);
    if (!diff.length) return { outcome: 'invalid', errors: [{ pointer: '', reason: 'the edit changes nothing; redrive the letter instead' }] };
    const citizenData = changesCitizenData(diff);
    return this.tx.run(async (tx) => {
      const l = await this.repo.get(tx, tenant, id, true);
      if (!l || l.status !== 'kept') throw new AdminDenied(409, `the letter is ${l?.status ?? 'gone'}; only a kept letter can be edited`);
      if ((await this.repo.edits(tx, tenant, { deadLetterId: id, status: 'pending', limit: 1 })).length) throw new AdminDenied(409, 'an edit of this letter already waits for approval');
      const edit = await this.repo.insertEdit(tx, { deadLetterId: id, tenant, body, diff, citizenData, status: 'pending', proposedBy: who.actor, reason });
      if (!edit) throw new AdminDenied(409, 'an edit of this letter already waits for approval');
      const shown = auditDiff(diff);
      if (citizenData) {
        await this.audit.recordIn(tx, who, {
          tenant,
          action: 'dead-letters.replay.propose',
          target: target.edit(edit.id),
          reason,
          before: { letter: id, status: 'kept' },
          after: { status: 'pending', citizenData, diff: shown },
        });
        return { outcome: 'pending', edit };
      }
      const messageId = await this.replay(tx, l, edit);
      await this.audit.recordIn(tx, who, {
        tenant,
        action: 'dead-letters.replay',
        target: target.letter(id),
        reason,
        before: { status: 'kept', messageId: l.messageId ?? null },
        after: { status: 'replayed', edit: edit.id, newMessageId: messageId, citizenData, diff: shown },
      });
      return { outcome: 'replayed', edit: { ...edit, status: 'replayed', newMessageId: messageId } };
    });
  }

  /** A second person approves an edit that changes citizen data; it is published then. */
  async approve(who: Principal, tenant: string, editId: string, reason: string): Promise<EditRow> {
    return this.tx.run(async (tx) => {
      const edit = await this.pendingEdit(tx, tenant, editId);
      if (edit.proposedBy === who.actor) throw new AdminDenied(403, 'an edit of citizen data needs a second person: the proposer cannot approve their own edit');
      const l = await this.repo.get(tx, tenant, edit.deadLetterId, true);
      if (!l || l.status !== 'kept') throw new AdminDenied(409, `the letter is ${l?.status ?? 'gone'}; reject the edit instead`);
      const messageId = await this.replay(tx, l, edit, who.actor, reason);
      await this.audit.recordIn(tx, who, {
        tenant,
        action: 'dead-letters.replay.approve',
        target: target.edit(editId),
        reason,
        before: { status: 'pending', proposedBy: edit.proposedBy, letter: l.id, letterStatus: 'kept' },
        after: { status: 'replayed', newMessageId: messageId, letterStatus: 'replayed', diff: auditDiff(edit.diff) },
      });
      return { ...edit, status: 'replayed', decidedBy: who.actor, decisionReason: reason, newMessageId: messageId };
    });
  }

  /** Rejects a pending edit; the letter stays kept. The proposer may withdraw their own. */
  async reject(who: Principal, tenant: string, editId: string, reason: string): Promise<EditRow> {
    return this.tx.run(async (tx) => {
      const edit = await this.pendingEdit(tx, tenant, editId);
      await this.repo.decideEdit(tx, editId, { status: 'rejected', decidedBy: who.actor, reason });
      await this.audit.recordIn(tx, who, {
        tenant,
        action: 'dead-letters.replay.reject',
        target: target.edit(editId),
        reason,
        before: { status: 'pending', proposedBy: edit.proposedBy },
        after: { status: 'rejected' },
      });
      return { ...edit, status: 'rejected', decidedBy: who.actor, decisionReason: reason };
    });
  }

  /** Edits waiting for approval in a tenant, oldest first (citizen data masked in their diffs). */
  async pending(tenant: string): Promise<EditRow[]> {
    const edits = await this.tx.snapshot((tx) => this.repo.edits(tx, tenant, { status: 'pending', limit: 200 }));
    return edits.map((e) => ({ ...e, diff: auditDiff(e.diff), body: Buffer.alloc(0) }));
  }

  /** Whether a queue is one the topology still has (a letter of a removed instance cannot be sent back). */
  consumerQueue(queue: string): boolean {
    return this.topology.consumers().some((c) => c.queue === queue);
  }

  /**
   * Sends a letter again, to the queue of the consumer that failed it, through the default
   * exchange, and waits for the broker's confirm. Not to its original exchange: the original route
   * may reach other queues too (cabinet.out reaches every portal's queue and the notifier; cabinet.in
   * any audit tap), which already have the message; the consumer's queue reaches exactly the one
   * that failed. The original route stays in x-hub-original-* for the record.
   */
  async resend(l: DeadLetterFull, extra: Record<string, unknown>, body = l.body, messageId?: string): Promise<void> {
    if (!this.consumerQueue(l.queue)) throw new AdminDenied(409, `queue ${l.queue} is no longer in the topology (instance removed from the configuration)`);
    await this.publisher.publish({ exchange: '', routingKey: l.queue, content: body, options: resendOptions(l, this.amqp.user, extra, messageId) });
  }

  /** Publishes an edit with a new message id linked to the original, and marks both replayed (in the caller's transaction). */
  private async replay(tx: PoolClient, l: DeadLetterFull, edit: EditRow, decidedBy?: string, reason?: string): Promise<string> {
    const messageId = uuidv7();
    try {
      await this.resend(l, { 'x-hub-replay-of': l.id, 'x-hub-edit-id': edit.id, ...(l.messageId ? { 'x-hub-original-message-id': l.messageId } : {}) }, edit.body, messageId);
    } catch (e) {
      if (e instanceof AdminDenied) throw e;
      throw new AdminDenied(503, 'the broker did not confirm the replayed message; nothing changed, try again shortly');
    }
    await this.repo.setStatus(tx, l.id, 'replayed');
    await this.repo.decideEdit(tx, edit.id, { status: 'replayed', ...(decidedBy ? { decidedBy } : {}), ...(reason ? { reason } : {}), newMessageId: messageId });
    return messageId;
  }

  private async pendingEdit(tx: PoolClient, tenant: string, editId: string): Promise<EditRow> {
    const edit = await this.repo.getEdit(tx, tenant, editId, true);
    if (!edit) throw new AdminDenied(404, 'no such edit');
    if (edit.status !== 'pending') throw new AdminDenied(409, `the edit is already ${edit.status}`);
    return edit;
  }

  private async withDeadlines<T extends DeadLetterRow>(tx: PoolClient, tenant: string, rows: T[]): Promise<(T & { dueAt?: Date })[]> {
    const ids = [...new Set(rows.map((r) => r.caseId).filter((x): x is string => !!x))];
    const due = await this.deadlines.dueOfCases(tx, tenant, ids);
    return rows.map((r) => {
      const at = r.caseId ? dueInstantOf(due.get(r.caseId)) : undefined;
      return at ? { ...r, dueAt: at } : r;
    });
  }
}

/** The body as JSON, or undefined when it is not a JSON object. */
export function jsonOf(body: Buffer): unknown {
  try {
    const v = sjson.parse(body.toString('utf8'), undefined, { protoAction: 'remove', constructorAction: 'remove' }) as unknown;
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

function filtersJson(f: DeadLetterFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined && k !== 'tenant' && k !== 'statuses') out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}
