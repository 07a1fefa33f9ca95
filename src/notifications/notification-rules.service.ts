import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { CloudEvent, ContactLinkRequested, NotificationRequested } from '../../contracts';
import { CaseRepository } from '../cases/case.repository';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { stableUuid } from '../persistence/stable.uuid';
import { variablesFromEvent } from '../templates/event.variables';
import type { Locale } from '../templates/status.labels';
import { tokenHash } from './link-token.hash';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';

/** The notification a rule makes of a case event: the same event and template always make the same one. */
export function notificationIdFor(eventId: string, template: string): string {
  return stableUuid(`${eventId}\n${template}`);
}

/** The rules a case event fires: its type, its tenant, and its status when the rule names statuses (also the admin dry run). */
export function rulesFor<R extends HubConfig['notifications']['rules'][number]>(rules: readonly R[], event: Pick<CloudEvent, 'type' | 'tenant' | 'data'>): R[] {
  const status = (event.data as { status?: unknown } | undefined)?.status;
  return rules.filter(
    (r) =>
      r.on === event.type &&
      (r.tenants.includes('*') || r.tenants.includes(event.tenant)) &&
      (!r.statuses || r.statuses.includes(String(status))) &&
      !(r.exceptStatuses && r.exceptStatuses.includes(String(status))),
  );
}

/**
 * What each message on `hub.notify` means: a portal's notification request, a cabinet's link
 * token, or one of the hub's own case events, which the tenant's rules turn into notifications
 * for the applicant (contacts and preferences as given with the case).
 */
@Injectable()
export class NotificationRules {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly notifications: NotificationService,
    private readonly repo: NotificationRepository,
    private readonly cases: CaseRepository,
  ) {}

  async process(tx: PoolClient, event: CloudEvent): Promise<OutgoingMessage[]> {
    if (event.type === 'notification.requested') return this.requested(tx, event);
    if (event.type === 'contact.link-requested') {
      const d = event.data as ContactLinkRequested;
      await this.repo.insertLinkToken(tx, { tokenHash: tokenHash(d.token), tenant: event.tenant, citizenRef: d.citizenRef, locale: d.locale, expiresAt: d.expiresAt });
      return [];
    }
    return this.fromCaseEvent(tx, event);
  }

  private async requested(tx: PoolClient, event: CloudEvent): Promise<OutgoingMessage[]> {
    const d = event.data as NotificationRequested;
    return this.notifications.create(tx, {
      id: event.id,
      tenant: event.tenant,
      caseRef: d.caseRef,
      template: d.template,
      locale: d.recipient.locale ?? this.tenantLocale(event.tenant),
      priority: d.priority ?? 'normal',
      mandatory: d.mandatory ?? false,
      variables: { tenantName: this.config.tenants[event.tenant]?.name ?? '', ...(d.variables ?? {}) },
      recipient: d.recipient,
      causeId: event.id,
      correlationId: event.correlationid as string | undefined,
    });
  }

  private async fromCaseEvent(tx: PoolClient, event: CloudEvent): Promise<OutgoingMessage[]> {
    const rules = rulesFor(this.config.notifications.rules, event);
    if (!rules.length) return [];
    const caseRef = (event.data as { caseRef?: string }).caseRef;
    // Deadline events name their case's kind; case events carry it in their type.
    const caseKind = (event.data as { caseKind?: unknown }).caseKind;
    const kind = typeof caseKind === 'string' ? caseKind : event.type.startsWith('appeal.') ? 'appeal' : 'application';
    const kase = await this.cases.recipientOf(tx, event.tenant, kind, caseRef);
    if (!kase?.recipient && !kase?.citizenRef) {
      this.logger.info({ event: 'notification.no-recipient', type: event.type, tenant: event.tenant }, 'case has no applicant contacts; nobody to notify');
      return [];
    }
    const contacts = { ...(kase.recipient ?? {}) };
    const locale = contacts.locale ?? this.tenantLocale(event.tenant);
    const out: OutgoingMessage[] = [];
    for (const rule of rules) {
      out.push(
        ...(await this.notifications.create(tx, {
          id: notificationIdFor(event.id, rule.template),
          tenant: event.tenant,
          caseRef,
          template: rule.template,
          locale,
          priority: rule.priority,
          mandatory: rule.mandatory,
          variables: variablesFromEvent(event, locale, this.config.tenants[event.tenant]?.name ?? ''),
          recipient: {
            citizenRef: kase.citizenRef,
            contacts: { email: contacts.email, phone: contacts.phone, telegramChatId: contacts.telegramChatId, viberUserId: contacts.viberUserId },
            channels: contacts.notificationChannels,
            muted: contacts.notificationsMuted,
          },
          causeId: event.id,
          correlationId: event.correlationid as string | undefined,
        })),
      );
    }
    return out;
  }

  private tenantLocale(tenant: string): Locale {
    return this.config.tenants[tenant]?.locale ?? 'uk';
  }
}
