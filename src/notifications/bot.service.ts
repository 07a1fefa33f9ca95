import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { InboundMessage, NotificationChannel } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { CaseRepository } from '../cases/case.repository';
import type { OutgoingMessage } from '../messaging/confirm.publisher';
import { EventEmitter } from '../outbox/event.emitter';
import { ActiveLink, NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { tokenHash } from './link-token.hash';
import { statusLabel, type Locale } from '../templates/status.labels';
import type { TemplateVariables } from '../templates/template.catalog';

/** Commands that ask for the status of one's cases, in the languages citizens write in. */
const STATUS_COMMAND = /^\/?(status|statuses|cases|статус|статуси|статусы|звернення|обращения|мої звернення|мои обращения)\b/iu;
const LOCALES = new Set(['uk', 'ru', 'en']);

/**
 * What citizens do in the bots: `/start <token>` links the chat to the cabinet account that
 * issued the token (once, before it expires); `/status` answers with the current status of that
 * citizen's own cases, looked up by the chat's link and nothing else; blocking the bot
 * deactivates the link. Answers go out as notifications on the same chat.
 */
@Injectable()
export class BotService {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly notifications: NotificationService,
    private readonly repo: NotificationRepository,
    private readonly cases: CaseRepository,
    private readonly emitter: EventEmitter,
  ) {}

  async handle(tx: PoolClient, adapter: string, m: InboundMessage): Promise<OutgoingMessage[]> {
    if (m.channel !== 'telegram' && m.channel !== 'viber') return [];
    if (m.kind === 'unsubscribed') return this.unsubscribed(tx, m.channel, m.address);
    const language = 'language' in m && m.language && LOCALES.has(m.language.slice(0, 2)) ? (m.language.slice(0, 2) as Locale) : undefined;
    if (m.kind === 'start' && m.token) return this.link(tx, adapter, m.channel, m.address, m.token, language);
    const links = await this.repo.activeLinks(tx, m.channel, m.address);
    if (m.kind === 'text' && STATUS_COMMAND.test(m.text.trim()) && links.length) return this.status(tx, adapter, m.channel, m.address, links, language);
    const tenant = links[0]?.tenant ?? this.defaultTenant();
    return this.reply(tx, adapter, m.channel, m.address, tenant, language ?? links[0]?.locale ?? this.config.tenants[tenant]?.locale ?? 'uk', 'bot.help', {});
  }

  private async link(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, token: string, language?: Locale): Promise<OutgoingMessage[]> {
    const t = await this.repo.useLinkToken(tx, tokenHash(token));
    if (!t) {
      const tenant = this.defaultTenant();
      return this.reply(tx, adapter, channel, address, tenant, language ?? this.config.tenants[tenant]?.locale ?? 'uk', 'bot.link-invalid', {});
    }
    const locale = t.locale ?? language ?? this.config.tenants[t.tenant]?.locale ?? 'uk';
    await this.repo.upsertLink(tx, { tenant: t.tenant, citizenRef: t.citizenRef, channel, address, adapter, locale });
    const out = EventEmitter.messages([
      await this.emitter.emit(tx, {
        type: 'contact.linked',
        tenant: t.tenant,
        data: { citizenRef: t.citizenRef, channel: channel as 'telegram' | 'viber', address, active: true, changedAt: new Date().toISOString() },
      }),
    ]);
    out.push(...(await this.reply(tx, adapter, channel, address, t.tenant, locale, 'bot.linked', {})));
    return out;
  }

  private async status(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, links: ActiveLink[], language?: Locale): Promise<OutgoingMessage[]> {
    const { tenant, locale: linkLocale } = links[0];
    const locale = language ?? linkLocale ?? this.config.tenants[tenant]?.locale ?? 'uk';
    // Only cases of the citizens this very chat is linked to: the link is the whole authority.
    const rows = await this.cases.ofCitizens(tx, links, 10);
    if (!rows.length) return this.reply(tx, adapter, channel, address, tenant, locale, 'bot.no-cases', {});
    const lines = rows.map((r) => {
      const numbers = Object.values(r.externalIds)
        .map((x) => x?.registrationNumber)
        .filter(Boolean);
      return `• ${r.caseRef} — ${statusLabel(r.status, locale)}${numbers.length ? ` (№ ${numbers.join(', ')})` : ''}`;
    });
    return this.reply(tx, adapter, channel, address, tenant, locale, 'bot.status', { cases: lines.join('\n') });
  }

  private async unsubscribed(tx: PoolClient, channel: NotificationChannel, address: string): Promise<OutgoingMessage[]> {
    const rows = await this.repo.deactivateLink(tx, channel, address);
    const emitted = await this.emitter.emitAll(
      tx,
      rows.map((r) => ({
        type: 'contact.linked' as const,
        tenant: r.tenant,
        data: { citizenRef: r.citizenRef, channel: channel as 'telegram' | 'viber', address, active: false, changedAt: new Date().toISOString() },
      })),
    );
    return EventEmitter.messages(emitted);
  }

  private reply(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, tenant: string, locale: Locale, template: string, vars: TemplateVariables): Promise<OutgoingMessage[]> {
    return this.notifications.create(tx, {
      id: uuidv7(),
      tenant,
      template,
      locale,
      priority: 'high',
      mandatory: true,
      variables: { tenantName: this.config.tenants[tenant]?.name ?? '', ...vars },
      steps: [{ channel, address, adapter }],
    });
  }

  private defaultTenant(): string {
    return Object.keys(this.config.tenants)[0];
  }
}
