import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { CloudEvent, DeliveryFailure, DeliveryReport, DeliveryStatus, EventType, NotificationChannel, NotificationDispatch, NotificationRecipient } from '../../contracts';
import type { DeliveryReportsPort } from '../adapter-host/delivery-reports.port';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { bulkRoutingKey, EXCHANGES } from '../messaging/topology.declaration';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { Emission, EventEmitter } from '../outbox/event.emitter';
import { planChannels, PlanStep } from './channel.planner';
import { DispatchWithNotification, NotificationRepository, NotificationRow } from './notification.repository';
import type { Locale } from '../templates/status.labels';
import { TemplateCatalog, TemplateVariables } from '../templates/template.catalog';

/** A notification to create. */
export interface NewNotification {
  id: string;
  tenant: string;
  caseRef?: string;
  template: string;
  locale: Locale;
  priority: 'high' | 'normal' | 'bulk';
  mandatory: boolean;
  variables: TemplateVariables;
  /** Whom to reach and how they like it; ignored when `steps` is given. */
  recipient?: Pick<NotificationRecipient, 'contacts' | 'channels' | 'muted' | 'citizenRef'>;
  /** Fixed channel steps (the bot answering in the chat it was asked in). */
  steps?: PlanStep[];
  causeId?: string;
  correlationId?: string;
}

/** Order of the non-failure statuses; a report never moves a channel backwards. */
const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: -1 };

/** Whether a report changes what the hub knows of a channel (callbacks come late, twice, out of order). */
export function advances(current: DeliveryStatus, next: DeliveryStatus): boolean {
  if (current === next) return false;
  if (current === 'failed') return next === 'delivered' || next === 'read'; // a late receipt is the truth
  if (next === 'failed') return current === 'queued' || current === 'sent';
  return RANK[next] > RANK[current];
}

/**
 * Notifications from request to outcome: plans the channels, renders and dispatches the first,
 * applies what providers report, falls back to the next channel when one fails or stays silent,
 * and tells the portal every change (`notification.status-changed`). Each notification reaches a
 * channel at most once: the dispatch table holds one row per (notification, channel).
 */
@Injectable()
export class NotificationService implements DeliveryReportsPort {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly catalog: TemplateCatalog,
    private readonly repo: NotificationRepository,
    private readonly emitter: EventEmitter,
  ) {}

  /** Creates a notification (a repeat of its id does nothing) and dispatches its first channel. */
  async create(tx: PoolClient, n: NewNotification): Promise<OutgoingMessage[]> {
    let steps = n.steps;
    let reason: string | undefined;
    if (!steps) {
      const r = n.recipient ?? { contacts: {} };
      // Most bulk recipients have a phone and nothing to link: skip the lookup for them.
      const links = r.citizenRef || r.contacts.telegramChatId || r.contacts.viberUserId ? await this.repo.links(tx, n.tenant, r.citizenRef, r.contacts.telegramChatId, r.contacts.viberUserId) : [];
      const plan = planChannels(r, links, n.mandatory, this.config.notifications, (c) => this.catalog.supports(n.template, c));
      steps = plan.steps;
      reason = 'reason' in plan ? plan.reason : undefined;
    }
    const outcome: NotificationRow['outcome'] = steps.length ? 'in-progress' : reason === 'muted' || !n.mandatory ? 'suppressed' : 'failed';
    if (!(await this.repo.insert(tx, { ...n, plan: steps, outcome }))) return [];
    const row: NotificationRow = { ...n, plan: steps, outcome };
    const em: Emission<EventType>[] = [];
    if (!steps.length) {
      const failure =
        reason === 'muted'
          ? { code: 'hub:muted', message: 'the citizen turned notifications off' }
          : { code: 'hub:no-channel', message: 'no configured channel has both a contact and a template text' };
      em.push(this.statusChanged(row, undefined, 'failed', failure));
    } else if ((await this.dispatchFrom(tx, row, 0, em)) === undefined) {
      row.outcome = 'failed';
      await this.repo.setOutcome(tx, n.id, 'failed');
      em.push(this.statusChanged(row, undefined, 'failed', { code: 'hub:template', message: `template "${n.template}" could not be rendered for any planned channel` }));
    }
    return EventEmitter.messages(await this.emitter.emitAll(tx, em));
  }

  /** A dispatch still to send is one in `queued`: not handled yet, and not given up on while it waited. */
  async stillWanted(event: CloudEvent): Promise<boolean | undefined> {
    if (event.type !== 'notification.dispatch') return undefined;
    return (await this.repo.dispatchStatus((event.data as NotificationDispatch).dispatchId)) === 'queued';
  }

  /** A dispatch the provider can never take (refused credentials, impossible text): failed, so the next channel is tried. */
  refused(event: CloudEvent, reason: string): DeliveryReport | undefined {
    if (event.type !== 'notification.dispatch') return undefined;
    return {
      dispatchId: (event.data as NotificationDispatch).dispatchId,
      providerMessageId: '',
      status: 'failed',
      failure: { code: 'hub:refused', message: reason },
      occurredAt: new Date().toISOString(),
    };
  }

  /** The port's name for {@link applyReports}. */
  apply(tx: PoolClient, instance: string, reports: readonly DeliveryReport[]): Promise<OutgoingMessage[]> {
    return this.applyReports(tx, instance, reports);
  }

  /** Applies delivery reports of one adapter instance; returns what to publish after commit. */
  async applyReports(tx: PoolClient, adapter: string, reports: readonly DeliveryReport[]): Promise<OutgoingMessage[]> {
    const em: Emission<EventType>[] = [];
    for (const r of reports) {
      const d = await this.repo.lockDispatch(tx, adapter, r.dispatchId, r.providerMessageId);
      if (!d) {
        this.logger.debug({ event: 'notification.report-unknown', adapter, status: r.status }, 'delivery report for an unknown message');
        continue;
      }
      if (r.addressInactive) await this.deactivate(tx, d, em);
      if (!advances(d.status, r.status)) continue;
      await this.applyOne(tx, d, r, em);
    }
    return EventEmitter.messages(await this.emitter.emitAll(tx, em));
  }

  /** Gives up on dispatches past their deadlines and falls back; returns what to publish. */
  async sweep(tx: PoolClient, limit = 200): Promise<OutgoingMessage[]> {
    const out: OutgoingMessage[] = [];
    for (const o of await this.repo.overdue(tx, limit)) {
      const failure: DeliveryFailure =
        o.status === 'queued'
          ? { code: 'hub:not-sent-in-time', message: `the provider did not take the message within ${this.config.notifications.sendWithinMs} ms` }
          : { code: 'hub:no-confirmation', message: 'no delivery confirmation in time' };
      out.push(...(await this.applyReports(tx, o.adapter, [{ dispatchId: o.id, providerMessageId: o.providerMessageId ?? '', status: 'failed', failure, occurredAt: new Date().toISOString() }])));
    }
    return out;
  }

  private async applyOne(tx: PoolClient, d: DispatchWithNotification, r: DeliveryReport, em: Emission<EventType>[]): Promise<void> {
    const confirmWithin = this.config.notifications.confirmWithinMs[d.channel];
    const n = d.notification;
    let outcome = n.outcome;
    // This channel's change is told before the next channel's dispatch, which it causes.
    const at = em.length;
    if (r.status === 'delivered' || r.status === 'read' || (r.status === 'sent' && confirmWithin === 0)) outcome = 'delivered';
    else if (r.status === 'failed' && n.outcome === 'in-progress') outcome = (await this.dispatchFrom(tx, n, d.seq + 1, em)) === undefined ? 'failed' : 'in-progress';
    await this.repo.updateDispatch(tx, d.id, r.status, r.providerMessageId, r.failure, confirmWithin, outcome !== n.outcome ? { notificationId: n.id, outcome } : undefined);
    em.splice(at, 0, this.statusChanged({ ...n, outcome }, d.channel, r.status, r.failure, r.providerMessageId, r.occurredAt));
  }

  /**
   * Dispatches the first step from `from` on whose channel this notification has not been yet;
   * returns its index, or undefined when no step is left.
   */
  private async dispatchFrom(tx: PoolClient, n: NotificationRow, from: number, em: Emission<EventType>[]): Promise<number | undefined> {
    for (let seq = from; seq < n.plan.length; seq += 1) {
      const step = n.plan[seq];
      let rendered;
      try {
        rendered = this.catalog.render(n.template, step.channel, n.locale, n.variables);
      } catch (e) {
        this.logger.error({ event: 'notification.render-failed', template: n.template, channel: step.channel, error: (e as Error).message }, 'template could not be rendered');
        continue;
      }
      const dispatchId = randomUUID();
      if (!(await this.repo.insertDispatch(tx, { id: dispatchId, notificationId: n.id, seq, step, sendWithinMs: this.config.notifications.sendWithinMs }))) continue;
      em.push({
        type: 'notification.dispatch',
        id: dispatchId,
        tenant: n.tenant,
        causationId: n.id,
        correlationId: n.correlationId,
        to: { exchange: EXCHANGES.work, routingKey: n.priority === 'bulk' ? bulkRoutingKey(step.adapter) : step.adapter },
        data: {
          notificationId: n.id,
          dispatchId,
          channel: step.channel,
          address: step.address,
          locale: rendered.locale,
          text: rendered.text,
          ...(rendered.subject ? { subject: rendered.subject } : {}),
          ...(rendered.html ? { html: rendered.html } : {}),
          priority: n.priority,
        },
      });
      em.push(this.statusChanged(n, step.channel, 'queued'));
      return seq;
    }
    return undefined;
  }

  private async deactivate(tx: PoolClient, d: DispatchWithNotification, em: Emission<EventType>[]): Promise<void> {
    if (d.channel !== 'telegram' && d.channel !== 'viber') return;
    for (const link of await this.repo.deactivateLink(tx, d.channel, d.address)) {
      em.push({
        type: 'contact.linked',
        tenant: link.tenant,
        data: { citizenRef: link.citizenRef, channel: d.channel, address: d.address, active: false, changedAt: new Date().toISOString() },
      });
    }
  }

  private statusChanged(
    n: NotificationRow,
    channel: NotificationChannel | undefined,
    status: DeliveryStatus,
    failure?: DeliveryFailure,
    providerMessageId?: string,
    changedAt = new Date().toISOString(),
  ): Emission<'notification.status-changed'> {
    return {
      type: 'notification.status-changed',
      tenant: n.tenant,
      ...(n.caseRef ? { subject: n.caseRef } : {}),
      causationId: n.id,
      correlationId: n.correlationId,
      data: {
        notificationId: n.id,
        ...(n.caseRef ? { caseRef: n.caseRef } : {}),
        template: n.template,
        ...(channel ? { channel } : {}),
        status,
        ...(failure ? { failure: { code: failure.code.slice(0, 64), message: failure.message.slice(0, 500) } } : {}),
        outcome: n.outcome,
        ...(providerMessageId ? { providerMessageId } : {}),
        changedAt: safeTime(changedAt),
      },
    };
  }
}

function safeTime(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}
