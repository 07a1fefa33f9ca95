import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { AttemptRepository } from '../../adapter-host/attempt.repository';
import { CaseRepository } from '../../cases/case.repository';
import { maskPii } from '../../logging/pii.mask';
import { NotificationRepository } from '../../notifications/notification.repository';
import type { TimelineCase, TimelineItem, TimelineSource } from './timeline-source.port';

/** Each try to hand a message of the case to an external system: outcome, duration, the breaker as it met it. */
@Injectable()
export class AttemptTimelineSource implements TimelineSource {
  readonly name = 'attempts';
  constructor(private readonly attempts: AttemptRepository) {}

  async read(tx: PoolClient, c: TimelineCase): Promise<TimelineItem[]> {
    return (await this.attempts.forMessages(tx, c.journalIds)).map((a) => ({
      at: a.startedAt.toISOString(),
      category: 'attempt',
      source: this.name,
      type: 'attempt',
      journalId: a.messageId,
      summary: {
        consumer: a.consumer,
        attempt: a.attempt,
        outcome: a.outcome,
        durationMs: a.durationMs,
        breakerState: a.breakerState ?? null,
        // Written masked already (errorLine); masked again in case an older row was not.
        ...(a.error ? { error: maskPii(a.error) } : {}),
      },
    }));
  }
}

/** The case's own audit trail: status changes with who made them (the portal, an adapter, an admin). */
@Injectable()
export class CaseAuditTimelineSource implements TimelineSource {
  readonly name = 'audit';
  constructor(private readonly cases: CaseRepository) {}

  async read(tx: PoolClient, c: TimelineCase): Promise<TimelineItem[]> {
    return (await this.cases.caseAudit(tx, c.caseId)).map((l) => ({
      at: l.at.toISOString(),
      category: 'status',
      source: this.name,
      type: 'audit',
      ...(l.journalId ? { journalId: l.journalId } : {}),
      // Attributes of a case are status and registration ids, no personal data; the actor is a producer or an admin.
      summary: { attribute: l.attribute, from: l.oldValue ?? null, to: l.newValue ?? null, actor: l.actor },
    }));
  }
}

/** Notifications about the case per channel, with the provider's message id and status as the delivery proof. */
@Injectable()
export class NotificationTimelineSource implements TimelineSource {
  readonly name = 'notifications';
  constructor(private readonly notifications: NotificationRepository) {}

  async read(tx: PoolClient, c: TimelineCase): Promise<TimelineItem[]> {
    const items: TimelineItem[] = [];
    for (const n of await this.notifications.forCase(tx, c.tenant, c.caseRef)) {
      items.push({
        at: n.createdAt.toISOString(),
        category: 'notification',
        source: this.name,
        type: 'notification',
        summary: { notificationId: n.id, template: n.template, locale: n.locale, priority: n.priority, mandatory: n.mandatory, outcome: n.outcome },
      });
      for (const d of n.dispatches) {
        items.push({
          at: d.updatedAt.toISOString(),
          category: 'notification',
          source: this.name,
          type: 'dispatch',
          summary: {
            notificationId: n.id,
            channel: d.channel,
            adapter: d.adapter,
            status: d.status,
            providerMessageId: d.providerMessageId ?? null,
            queuedAt: d.createdAt.toISOString(),
            ...(d.failure ? { failure: { code: d.failure.code, message: maskPii(d.failure.message) } } : {}),
          },
        });
      }
    }
    return items;
  }
}
