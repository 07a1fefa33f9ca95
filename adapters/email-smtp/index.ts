import { defineAdapter } from '../../contracts';
import { SmtpEmailAdapter } from './smtp.adapter';
import { SmtpConfigSchema } from './smtp.config';

/** E-mail notifications through any SMTP server (relay or submission service), with nodemailer. */
export const emailSmtpAdapter = defineAdapter({
  type: 'email.smtp',
  capabilities: ['notify.email'],
  consumes: ['notification.dispatch'],
  mock: 'smtp',
  configSchema: SmtpConfigSchema,
  create: (config, ctx) => new SmtpEmailAdapter(config, ctx),
});
