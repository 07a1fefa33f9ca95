import { defineAdapter } from '../../contracts';
import { TelegramAdapter } from './telegram.adapter';
import { TelegramConfigSchema } from './telegram.config';

/** Telegram bot notifications (Bot API through grammY), with `/start <token>` chat linking by webhook. */
export const telegramAdapter = defineAdapter({
  type: 'messenger.telegram',
  capabilities: ['notify.telegram'],
  consumes: ['notification.dispatch'],
  mock: 'telegram',
  configSchema: TelegramConfigSchema,
  create: (config, ctx) => new TelegramAdapter(config, ctx),
});
