import type { CloudEvent } from '../../contracts';
import { documentKindLabel, localDate, localDateTime, statusLabel, type Locale } from './status.labels';
import type { TemplateVariables } from './template.catalog';

/** Case events a notification rule can be bound to. */
export const RULE_EVENT_TYPES = [
  'appeal.registered',
  'appeal.status-changed',
  'appeal.answered',
  'application.registered',
  'application.status-changed',
  'application.document-added',
  'deadline.extended',
  'deadline.overdue',
] as const;
/** A case event a rule can fire on. */
export type RuleEventType = (typeof RULE_EVENT_TYPES)[number];

/** The variables each case event gives its templates (plus `tenantName`, always there). */
export const RULE_VARIABLES: Readonly<Record<RuleEventType, readonly string[]>> = {
  'appeal.registered': ['tenantName', 'caseRef', 'registrationNumber', 'registeredAt'],
  'appeal.status-changed': ['tenantName', 'caseRef', 'status', 'comment'],
  'appeal.answered': ['tenantName', 'caseRef', 'answerText', 'answerNumber'],
  'application.registered': ['tenantName', 'caseRef', 'registrationNumber', 'registeredAt'],
  'application.status-changed': ['tenantName', 'caseRef', 'status', 'comment', 'changedAt'],
  'application.document-added': ['tenantName', 'caseRef', 'documentKind', 'documentName', 'addedAt'],
  'deadline.extended': ['tenantName', 'caseRef', 'dueDate', 'previousDueDate', 'reason'],
  'deadline.overdue': ['tenantName', 'caseRef', 'dueDate'],
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
 * The built-in rules `notifications.defaultRules: true` adds: every case event to the applicant
 * (an appeal's answer mandatory: it is a legal notice), an application's rejection with its reason (mandatory: the applicant must learn of a refusal
 * even with notifications muted), and each document the back office sends.
 */
export const DEFAULT_RULES: readonly { on: RuleEventType; template: string; statuses?: readonly string[]; exceptStatuses?: readonly string[]; mandatory?: boolean }[] = [
  { on: 'appeal.registered', template: 'appeal.registered' },
  { on: 'appeal.status-changed', template: 'appeal.status-changed' },
  { on: 'appeal.answered', template: 'appeal.answered', mandatory: true },
  { on: 'application.registered', template: 'application.registered' },
  { on: 'application.status-changed', template: 'application.status-changed', exceptStatuses: ['rejected'] },
  { on: 'application.status-changed', template: 'application.rejected', statuses: ['rejected'], mandatory: true },
  { on: 'application.document-added', template: 'application.document-added' },
  // The law requires the applicant be told of an extension (UA Art. 20, RU 59-ФЗ Art. 12 Part 2).
  { on: 'deadline.extended', template: 'deadline.extended', mandatory: true },
];

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
      if (event.type === 'application.status-changed') vars.changedAt = localDateTime(String(d.changedAt ?? event.time ?? ''), locale);
      break;
    case 'application.document-added':
      vars.documentKind = documentKindLabel(String(d.kind), locale);
      vars.documentName = String((d.document as { name?: string } | undefined)?.name ?? '');
      vars.addedAt = localDateTime(String(d.addedAt ?? event.time ?? ''), locale);
      break;
    case 'deadline.extended':
      vars.dueDate = localDate(String(d.dueDate ?? ''), locale);
      vars.previousDueDate = localDate(String(d.previousDueDate ?? ''), locale);
      vars.reason = String(d.reason ?? '');
      break;
    case 'deadline.overdue':
      vars.dueDate = localDate(String(d.dueDate ?? ''), locale);
      break;
    case 'appeal.answered':
      vars.answerText = String(d.text ?? '');
      vars.answerNumber = typeof d.registrationNumber === 'string' ? d.registrationNumber : '';
      break;
  }
  return vars;
}
