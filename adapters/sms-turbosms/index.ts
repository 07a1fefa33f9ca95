import { defineAdapter } from '../../contracts';
import { TurboSmsAdapter } from './turbosms.adapter';
import { TurboSmsConfigSchema } from './turbosms.config';

/** SMS through TurboSMS (Ukraine), HTTP API v2: batched sends, statuses by polling. */
export const turboSmsAdapter = defineAdapter({
  type: 'sms.turbosms',
  capabilities: ['notify.sms'],
  consumes: ['notification.dispatch'],
  mock: 'turbosms',
  configSchema: TurboSmsConfigSchema,
  create: (config, ctx) => new TurboSmsAdapter(config, ctx),
});
