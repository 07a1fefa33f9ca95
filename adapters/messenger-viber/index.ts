import { defineAdapter } from '../../contracts';
import { ViberAdapter } from './viber.adapter';
import { ViberConfigSchema } from './viber.config';

/** Viber bot messages through the Viber REST Bot API (`chatapi.viber.com/pa`), with signed callbacks. */
export const viberAdapter = defineAdapter({
  type: 'messenger.viber',
  capabilities: ['notify.viber'],
  consumes: ['notification.dispatch'],
  mock: 'viber',
  configSchema: ViberConfigSchema,
  create: (config, ctx) => new ViberAdapter(config, ctx),
});
