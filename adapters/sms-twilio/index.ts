import { defineAdapter } from '../../contracts';
import { TwilioSmsAdapter } from './twilio.adapter';
import { TwilioConfigSchema } from './twilio.config';

/** SMS through Twilio Programmable Messaging (REST CreateMessage, signed status callbacks). */
export const twilioSmsAdapter = defineAdapter({
  type: 'sms.twilio',
  capabilities: ['notify.sms'],
  consumes: ['notification.dispatch'],
  mock: 'twilio',
  configSchema: TwilioConfigSchema,
  create: (config, ctx) => new TwilioSmsAdapter(config, ctx),
});
