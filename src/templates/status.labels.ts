import { APPEAL_STATUSES, APPLICATION_DOCUMENT_KINDS, APPLICATION_STATUSES } from '../../contracts';

/** Locales citizens read; English is the fallback. */
export type Locale = 'uk' | 'ru' | 'en';

type Labels = Record<string, Record<Locale, string>>;

/** How a case status reads to a citizen, per locale (the contract's status codes are for machines). */
const LABELS: Labels = {
  submitted: { uk: 'подано', ru: 'подано', en: 'submitted' },
  registered: { uk: 'зареєстровано', ru: 'зарегистрировано', en: 'registered' },
  answered: { uk: 'надано відповідь', ru: 'дан ответ', en: 'answered' },
  accepted: { uk: 'прийнято до розгляду', ru: 'принято к рассмотрению', en: 'accepted for review' },
  'in-progress': { uk: 'розглядається', ru: 'рассматривается', en: 'in progress' },
  processed: { uk: 'опрацьовано', ru: 'обработано', en: 'processed' },
  'answer-sent': { uk: 'відповідь надіслано', ru: 'ответ отправлен', en: 'answer sent' },
  postponed: { uk: 'розгляд продовжено', ru: 'рассмотрение продлено', en: 'postponed' },
  forwarded: { uk: 'передано за належністю', ru: 'передано по принадлежности', en: 'forwarded' },
  rejected: { uk: 'відхилено', ru: 'отклонено', en: 'rejected' },
  'under-review': { uk: 'на розгляді', ru: 'на рассмотрении', en: 'under review' },
  'contract-sent': { uk: 'договір надіслано', ru: 'договор направлен', en: 'contract sent' },
  'contract-concluded': { uk: 'договір укладено', ru: 'договор заключён', en: 'contract concluded' },
  'tc-in-progress': { uk: 'виконуються технічні умови', ru: 'выполняются технические условия', en: 'technical conditions in progress' },
  connected: { uk: 'приєднано', ru: 'присоединено', en: 'connected' },
  fulfilled: { uk: 'виконано', ru: 'исполнено', en: 'fulfilled' },
};

// Every contract status must read as words; a new status without a label fails at load time.
for (const s of [...APPEAL_STATUSES, ...APPLICATION_STATUSES]) {
  if (!LABELS[s]) throw new Error(`status "${s}" has no citizen-facing label`);
}

const DOCUMENT_KINDS: Labels = {
  supplementary: { uk: 'додатковий документ', ru: 'дополнительный документ', en: 'supplementary document' },
  'technical-conditions': { uk: 'технічні умови', ru: 'технические условия', en: 'technical conditions' },
  'contract-draft': { uk: 'проєкт договору', ru: 'проект договора', en: 'draft contract' },
  'contract-signed': { uk: 'підписаний договір', ru: 'подписанный договор', en: 'signed contract' },
  'connection-act': { uk: 'акт про приєднання', ru: 'акт о подключении', en: 'connection certificate' },
  'rejection-notice': { uk: 'повідомлення про відмову', ru: 'уведомление об отказе', en: 'rejection notice' },
  other: { uk: 'документ', ru: 'документ', en: 'document' },
};
for (const k of APPLICATION_DOCUMENT_KINDS) {
  if (!DOCUMENT_KINDS[k]) throw new Error(`document kind "${k}" has no citizen-facing label`);
}

/** The citizen-facing name of a kind of application document. */
export function documentKindLabel(kind: string, locale: Locale): string {
  return DOCUMENT_KINDS[kind]?.[locale] ?? DOCUMENT_KINDS.other[locale];
}

/** The citizen-facing label of a case status; unknown codes are shown as they are. */
export function statusLabel(status: string, locale: Locale): string {
  return LABELS[status]?.[locale] ?? status;
}

/** A date and time as a citizen in the tenant's zone reads it, e.g. `04.06.2024 09:00`. */
export function localDateTime(iso: string, locale: Locale, timeZone = 'Europe/Kyiv'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const tag = locale === 'en' ? 'en-GB' : locale === 'ru' ? 'ru-RU' : 'uk-UA';
  return new Intl.DateTimeFormat(tag, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d).replace(',', '');
}

/** A calendar date (`YYYY-MM-DD`, already the authority's local date) as the citizen writes it: 28.06.2024. */
export function localDate(date: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return locale === 'en' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}.${m[2]}.${m[1]}`;
}
