import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { InboundMessage, NotificationChannel } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { EventEmitter, PendingPublish } from '../outbox/event.emitter';
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
    private readonly emitter: EventEmitter,
  ) {}

  async handle(tx: PoolClient, adapter: string, m: InboundMessage): Promise<PendingPublish[]> {
    if (m.channel !== 'telegram' && m.channel !== 'viber') return [];
    if (m.kind === 'unsubscribed') return this.unsubscribed(tx, m.channel, m.address);
    const language = 'language' in m && m.language && LOCALES.has(m.language.slice(0, 2)) ? (m.language.slice(0, 2) as Locale) : undefined;
    if (m.kind === 'start' && m.token) return this.link(tx, adapter, m.channel, m.address, m.token, language);
    const links = (
      await tx.query<{ tenant: string; citizen_ref: string; locale: Locale | null }>(
        `SELECT tenant, citizen_ref, locale FROM messenger_link WHERE channel = $1 AND address = $2 AND active ORDER BY changed_at DESC`,
        [m.channel, m.address],
      )
    ).rows;
    if (m.kind === 'text' && STATUS_COMMAND.test(m.text.trim()) && links.length) return this.status(tx, adapter, m.channel, m.address, links, language);
    const tenant = links[0]?.tenant ?? this.defaultTenant();
    return this.reply(tx, adapter, m.channel, m.address, tenant, language ?? links[0]?.locale ?? this.config.tenants[tenant]?.locale ?? 'uk', 'bot.help', {});
  }

  private async link(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, token: string, language?: Locale): Promise<PendingPublish[]> {
    const [t] = (
      await tx.query<{ tenant: string; citizen_ref: string; locale: Locale | null }>(
        `UPDATE link_token SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING tenant, citizen_ref, locale`,
        [tokenHash(token)],
      )
    ).rows;
    if (!t) {
      const tenant = this.defaultTenant();
      return this.reply(tx, adapter, channel, address, tenant, language ?? this.config.tenants[tenant]?.locale ?? 'uk', 'bot.link-invalid', {});
    }
    const locale = t.locale ?? language ?? this.config.tenants[t.tenant]?.locale ?? 'uk';
    await tx.query(
      `INSERT INTO messenger_link (tenant, citizen_ref, channel, address, adapter, locale, active) VALUES ($1, $2, $3, $4, $5, $6, true)
       ON CONFLICT (tenant, channel, address) DO UPDATE SET citizen_ref = EXCLUDED.citizen_ref, adapter = EXCLUDED.adapter, locale = EXCLUDED.locale, active = true, changed_at = now()`,
      [t.tenant, t.citizen_ref, channel, address, adapter, locale],
    );
    const out = [
      await this.emitter.emit(tx, {
        type: 'contact.linked',
        tenant: t.tenant,
        data: { citizenRef: t.citizen_ref, channel: channel as 'telegram' | 'viber', address, active: true, changedAt: new Date().toISOString() },
      }),
    ];
    out.push(...(await this.reply(tx, adapter, channel, address, t.tenant, locale, 'bot.linked', {})));
    return out;
  }

  private async status(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, links: { tenant: string; citizen_ref: string; locale: Locale | null }[], language?: Locale): Promise<PendingPublish[]> {
    const { tenant, locale: linkLocale } = links[0];
    const locale = language ?? linkLocale ?? this.config.tenants[tenant]?.locale ?? 'uk';
    // Only cases of the citizens this very chat is linked to: the link is the whole authority.
    const rows = (
      await tx.query<{ tenant: string; kind: string; case_ref: string; status: string; external_ids: Record<string, { registrationNumber?: string }> }>(
        `SELECT c.tenant, c.kind, c.case_ref, c.status, c.external_ids FROM cases c
           JOIN messenger_link l ON l.tenant = c.tenant AND l.citizen_ref = c.citizen_ref
          WHERE l.channel = $1 AND l.address = $2 AND l.active
          ORDER BY c.updated_at DESC LIMIT 10`,
        [channel, address],
      )
    ).rows;
    if (!rows.length) return this.reply(tx, adapter, channel, address, tenant, locale, 'bot.no-cases', {});
    const lines = rows.map((r) => {
      const numbers = Object.values(r.external_ids ?? {})
        .map((x) => x?.registrationNumber)
        .filter(Boolean);
      return `• ${r.case_ref} — ${statusLabel(r.status, locale)}${numbers.length ? ` (№ ${numbers.join(', ')})` : ''}`;
    });
    return this.reply(tx, adapter, channel, address, tenant, locale, 'bot.status', { cases: lines.join('\n') });
  }

  private async unsubscribed(tx: PoolClient, channel: NotificationChannel, address: string): Promise<PendingPublish[]> {
    const rows = (await tx.query<{ tenant: string; citizen_ref: string }>(`UPDATE messenger_link SET active = false, changed_at = now() WHERE channel = $1 AND address = $2 AND active RETURNING tenant, citizen_ref`, [channel, address])).rows;
    const out: PendingPublish[] = [];
    for (const r of rows) {
      out.push(await this.emitter.emit(tx, { type: 'contact.linked', tenant: r.tenant, data: { citizenRef: r.citizen_ref, channel: channel as 'telegram' | 'viber', address, active: false, changedAt: new Date().toISOString() } }));
    }
    return out;
  }

  private reply(tx: PoolClient, adapter: string, channel: NotificationChannel, address: string, tenant: string, locale: Locale, template: string, vars: TemplateVariables): Promise<PendingPublish[]> {
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
