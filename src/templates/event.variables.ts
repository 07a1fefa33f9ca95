import type { CloudEvent } from '../../contracts';
import { localDateTime, statusLabel, type Locale } from './status.labels';
import type { TemplateVariables } from './template.catalog';

/** Case events a notification rule can be bound to. */
export const RULE_EVENT_TYPES = ['appeal.registered', 'appeal.status-changed', 'appeal.answered', 'application.registered', 'application.status-changed'] as const;
/** A case event a rule can fire on. */
export type RuleEventType = (typeof RULE_EVENT_TYPES)[number];

/** The variables each case event gives its templates (plus `tenantName`, always there). */
export const RULE_VARIABLES: Readonly<Record<RuleEventType, readonly string[]>> = {
  'appeal.registered': ['tenantName', 'caseRef', 'registrationNumber', 'registeredAt'],
  'appeal.status-changed': ['tenantName', 'caseRef', 'status', 'comment'],
  'appeal.answered': ['tenantName', 'caseRef', 'answerText', 'answerNumber'],
  'application.registered': ['tenantName', 'caseRef', 'registrationNumber', 'registeredAt'],
  'application.status-changed': ['tenantName', 'caseRef', 'status', 'comment'],
};

/** Variables of the bot's own templates. */
export const BOT_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  'bot.linked': ['tenantName'],
  'bot.link-invalid': ['tenantName'],
  'bot.help': ['tenantName'],
  'bot.status': ['tenantName', 'cases'],
  'bot.no-cases': ['tenantName'],
};

/**
 * Template variables from a case event, in the citizen's language: statuses as words, times in
 * the tenant's zone. Text is passed whole; templates decide what goes into an SMS.
 */
export function variablesFromEvent(event: CloudEvent, locale: Locale, tenantName: string): TemplateVariables {
  const d = event.data as Record<string, unknown>;
  const vars: TemplateVariables = { tenantName, caseRef: String(d.caseRef ?? '') };
  switch (event.type) {
    case 'appeal.registered':
    case 'application.registered':
      vars.registrationNumber = String(d.registrationNumber ?? '');
      vars.registeredAt = localDateTime(String(d.registeredAt ?? event.time ?? ''), locale);
      break;
    case 'appeal.status-changed':
    case 'application.status-changed':
      vars.status = statusLabel(String(d.status), locale);
      vars.comment = typeof d.comment === 'string' ? d.comment : '';
      break;
    case 'appeal.answered':
      vars.answerText = String(d.text ?? '');
      vars.answerNumber = typeof d.registrationNumber === 'string' ? d.registrationNumber : '';
      break;
  }
  return vars;
}
