import type { TgBotContext } from './tg-bot.context';
import { badRequest, tooManyRequests } from './tg-envelope.codec';
import type { TgParams } from './tg-params.reader';

/** A method's result and the `description` Telegram adds to some successes. */
export interface TgMethodOutcome {
  result: unknown;
  description?: string;
}

/** Settings of the webhook methods. */
export interface TgUpdatesDeps {
  /** Refuse non-HTTPS webhooks and ports other than 443, 80, 88, 8443. */
  requireHttpsWebhook: boolean;
  clock: () => number;
}

const UPDATE_TYPES = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);
const WEBHOOK_PORTS = new Set(['443', '80', '88', '8443']);
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * setWebhook, deleteWebhook and getWebhookInfo, following the Bot API server: setWebhook with a
 * URL at most once a second (else 429), "already set" when nothing changes, the old webhook
 * removed before the new URL is checked. getUpdates (long polling) is not modelled: the adapter
 * receives updates by webhook only (README, "Removed surface").
 */
export class TgUpdatesService {
  /** @param deps the HTTPS rule and the clock */
  constructor(private readonly deps: TgUpdatesDeps) {}

  /** `setWebhook`; an empty `url` removes the webhook. */
  setWebhook(bot: TgBotContext, p: TgParams): TgMethodOutcome {
    return this.changeWebhook(bot, p, p.str('url').trim());
  }

  /** `deleteWebhook` (`drop_pending_updates` honoured). */
  deleteWebhook(bot: TgBotContext, p: TgParams): TgMethodOutcome {
    return this.changeWebhook(bot, p, '');
  }

  /** `getWebhookInfo`: optional fields only when they apply, as Telegram sends them. */
  getWebhookInfo(bot: TgBotContext): TgMethodOutcome {
    const w = bot.webhook;
    const info: Record<string, unknown> = {
      url: w?.url ?? '',
      has_custom_certificate: w?.hasCustomCertificate ?? false,
      pending_update_count: bot.updates.pendingCount,
    };
    if (bot.lastWebhookError !== null) {
      info.last_error_date = bot.lastWebhookError.date;
      info.last_error_message = bot.lastWebhookError.message;
    }
    if (w !== null) {
      info.max_connections = w.maxConnections;
      info.ip_address = w.ipAddress ?? ipOf(w.url);
    }
    if (bot.allowedUpdates !== null) info.allowed_updates = bot.allowedUpdates;
    return { result: info };
  }

  private changeWebhook(bot: TgBotContext, p: TgParams, url: string): TgMethodOutcome {
    const now = this.deps.clock();
    if (url !== '') {
      if (now < bot.lastWebhookSetAt + 1000) throw tooManyRequests(1);
      bot.lastWebhookSetAt = now;
    }
    const secret = url === '' ? '' : p.str('secret_token');
    if (secret !== '' && !SECRET_TOKEN.test(secret)) throw badRequest('secret token contains unallowed characters');
    const maxConnections = url === '' ? 0 : p.int('max_connections', 40, 1, 100);
    const ipAddress = url === '' ? '' : p.str('ip_address').trim();
    const certificate = url !== '' && p.str('certificate') !== '';
    const drop = p.bool('drop_pending_updates');
    const allowed = url === '' ? undefined : allowedUpdates(p);

    const current = bot.webhook;
    const unchanged =
      (current?.url ?? '') === url &&
      !certificate &&
      !(current?.hasCustomCertificate ?? false) &&
      (current?.maxConnections ?? 0) === maxConnections &&
      (current?.ipAddress ?? '') === ipAddress &&
      (current?.secretToken ?? '') === secret &&
      !drop;
    if (unchanged) {
      if (allowed !== undefined) bot.allowedUpdates = allowed;
      return { result: true, description: url === '' ? 'Webhook is already deleted' : 'Webhook is already set' };
    }

    // As on Telegram, the old webhook is gone before the new URL is checked: a refused
    // setWebhook leaves the bot without any webhook.
    const hadWebhook = current !== null;
    bot.dispatcher.stop();
    bot.webhook = null;
    bot.lastWebhookError = null;
    if (drop) bot.updates.dropPending();
    if (url === '') return { result: true, description: hadWebhook ? 'Webhook was deleted' : 'Webhook is already deleted' };

    const target = this.checkUrl(url);
    bot.webhook = { url, target, secretToken: secret === '' ? null : secret, maxConnections, hasCustomCertificate: certificate, ipAddress: ipAddress || null };
    if (allowed !== undefined) bot.allowedUpdates = allowed;
    bot.dispatcher.retryParked();
    return { result: true, description: 'Webhook was set' };
  }

  private checkUrl(url: string): string {
    let parsed: URL;
    try {
      // Like the server's parse_url, a URL without a scheme means https.
      parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`);
    } catch {
      throw badRequest('invalid webhook URL specified');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw badRequest('invalid webhook URL specified');
    if (this.deps.requireHttpsWebhook) {
      if (parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      if (!WEBHOOK_PORTS.has(parsed.port || '443')) throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    }
    return parsed.href;
  }
}

/**
 * `allowed_updates`: a JSON array of update type names. Absent or unparseable: undefined (keep
 * the previous setting); empty: null (Telegram's default set); unknown names are ignored.
 */
function allowedUpdates(p: TgParams): string[] | null | undefined {
  const raw = p.str('allowed_updates').trim();
  if (raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const names = [...new Set(value.filter((v): v is string => typeof v === 'string' && UPDATE_TYPES.has(v)))];
  return names.length === 0 ? null : names;
}

function ipOf(url: string): string {
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `https://${url}`).hostname;
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[') ? host.replace(/^\[|\]$/g, '') : '<unknown>';
  } catch {
    return '<unknown>';
  }
}
