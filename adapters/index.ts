import type { AdapterDefinition } from '../contracts';
import { docflowAdapter } from './edms-1c-docflow';
import { emailSmtpAdapter } from './email-smtp';
import { telegramAdapter } from './messenger-telegram';
import { viberAdapter } from './messenger-viber';
import { turboSmsAdapter } from './sms-turbosms';
import { twilioSmsAdapter } from './sms-twilio';

/**
 * The only place adapters are registered. An adapter folder `adapters/<channel>-<vendor>/`
 * that is not listed here, has no mock under `mocks/` or no `contract.test.ts` fails
 * `test/kit/adapter-registry.test.ts`.
 */
export const ADAPTERS: readonly AdapterDefinition[] = [docflowAdapter, twilioSmsAdapter, turboSmsAdapter, emailSmtpAdapter, telegramAdapter, viberAdapter] as readonly AdapterDefinition[];
