import type { TgBotContext } from './tg-bot.context';
import type { TgMessagesService } from './tg-messages.service';
import type { TgParams } from './tg-params.reader';
import type { TgMethodOutcome, TgUpdatesService } from './tg-updates.service';

/** Runs one Bot API method for a bot. */
export type TgMethodRun = (bot: TgBotContext, params: TgParams) => TgMethodOutcome | Promise<TgMethodOutcome>;

/** A method the mock implements. */
export interface TgMethodEntry {
  /** Canonical name (`sendMessage`), used to classify recorded requests. */
  name: string;
  run: TgMethodRun;
}

/**
 * The implemented methods, keyed by lower-case name: Bot API method names are case-insensitive
 * (`/bot<token>/SENDMESSAGE` works).
 */
export function createMethodRegistry(messages: TgMessagesService, updates: TgUpdatesService): ReadonlyMap<string, TgMethodEntry> {
  const entries: TgMethodEntry[] = [
    { name: 'getMe', run: (bot) => ({ result: bot.me }) },
    { name: 'sendMessage', run: (bot, p) => ({ result: messages.sendMessage(bot, p) }) },
    { name: 'getChat', run: (bot, p) => ({ result: messages.getChat(bot, p) }) },
    { name: 'setWebhook', run: (bot, p) => updates.setWebhook(bot, p) },
    { name: 'deleteWebhook', run: (bot, p) => updates.deleteWebhook(bot, p) },
    { name: 'getWebhookInfo', run: (bot) => updates.getWebhookInfo(bot) },
  ];
  return new Map(entries.map((e) => [e.name.toLowerCase(), e]));
}
