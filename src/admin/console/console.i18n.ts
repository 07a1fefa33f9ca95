import type { Request } from 'express';
import { cookieOf } from '../auth/admin-auth.service';

/** Languages of the console. */
export const CONSOLE_LANGS = ['uk', 'ru', 'en'] as const;
export type ConsoleLang = (typeof CONSOLE_LANGS)[number];

/** The cookie that keeps the language chosen with `?lang=`. */
export const LANG_COOKIE = 'hub_lang';

/**
 * The language of a request: `?lang=` (remembered in a cookie), else the cookie, else the first
 * of the browser's Accept-Language that the console speaks, else English.
 */
export function langOf(req: Request): ConsoleLang {
  const q = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (q && (CONSOLE_LANGS as readonly string[]).includes(q)) return q as ConsoleLang;
  const c = cookieOf(req.headers.cookie, LANG_COOKIE);
  if (c && (CONSOLE_LANGS as readonly string[]).includes(c)) return c as ConsoleLang;
  for (const part of String(req.headers['accept-language'] ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase().slice(0, 2);
    if ((CONSOLE_LANGS as readonly string[]).includes(tag)) return tag as ConsoleLang;
  }
  return 'en';
}

/**
 * The console's words. Each page adds its own keys here, in all three languages; `t()` falls
 * back to English, then to the key itself, so a missing translation shows, never breaks a page.
 */
const WORDS: Record<string, Record<ConsoleLang, string>> = {
  'app.title': { uk: 'cabinet-hub — консоль', ru: 'cabinet-hub — консоль', en: 'cabinet-hub console' },
  'nav.cases': { uk: 'Звернення', ru: 'Обращения', en: 'Cases' },
  'nav.deadLetters': { uk: 'Недоставлені', ru: 'Недоставленные', en: 'Dead letters' },
  'nav.adapters': { uk: 'Адаптери', ru: 'Адаптеры', en: 'Adapters' },
  'nav.config': { uk: 'Налаштування', ru: 'Настройки', en: 'Configuration' },
  'nav.dashboard': { uk: 'Строки й KPI', ru: 'Сроки и KPI', en: 'Deadlines & KPIs' },
  'nav.audit': { uk: 'Аудит', ru: 'Аудит', en: 'Audit' },
  'nav.tokens': { uk: 'API-токени', ru: 'API-токены', en: 'API tokens' },
  'auth.signIn': { uk: 'Увійти', ru: 'Войти', en: 'Sign in' },
  'auth.signOut': { uk: 'Вийти', ru: 'Выйти', en: 'Sign out' },
  'auth.signedInAs': { uk: 'Ви увійшли як', ru: 'Вы вошли как', en: 'Signed in as' },
  'auth.noOidc': {
    uk: 'Вхід через OpenID Connect не налаштовано (розділ console.oidc). API працює з токенами.',
    ru: 'Вход через OpenID Connect не настроен (раздел console.oidc). API работает с токенами.',
    en: 'Sign-in through OpenID Connect is not configured (console.oidc). The API works with tokens.',
  },
  'auth.noRoles': {
    uk: 'Ваш обліковий запис не має ролі в cabinet-hub. Зверніться до адміністратора.',
    ru: 'У вашей учётной записи нет роли в cabinet-hub. Обратитесь к администратору.',
    en: 'Your account has no role in cabinet-hub. Ask an administrator.',
  },
  'error.401': { uk: 'Потрібно увійти', ru: 'Нужно войти', en: 'Sign-in required' },
  'error.403': { uk: 'Недостатньо прав', ru: 'Недостаточно прав', en: 'Not allowed' },
  'error.404': { uk: 'Не знайдено', ru: 'Не найдено', en: 'Not found' },
  'error.400': { uk: 'Помилка в запиті', ru: 'Ошибка в запросе', en: 'Bad request' },
  'error.503': { uk: 'Тимчасово недоступно', ru: 'Временно недоступно', en: 'Temporarily unavailable' },
  'error.back': { uk: 'На головну', ru: 'На главную', en: 'Home' },
  'home.tenants': { uk: 'Ваші організації', ru: 'Ваши организации', en: 'Your tenants' },
  'home.roles': { uk: 'Ролі', ru: 'Роли', en: 'Roles' },
  'common.reason': { uk: 'Причина', ru: 'Причина', en: 'Reason' },
  'common.reasonHint': { uk: 'Обовʼязково: чому ви це робите', ru: 'Обязательно: почему вы это делаете', en: 'Required: why you are doing this' },
  'common.filter': { uk: 'Показати', ru: 'Показать', en: 'Show' },
  'common.tenant': { uk: 'Організація', ru: 'Организация', en: 'Tenant' },
  'common.when': { uk: 'Коли', ru: 'Когда', en: 'When' },
  'common.who': { uk: 'Хто', ru: 'Кто', en: 'Who' },
  'common.what': { uk: 'Що', ru: 'Что', en: 'What' },
  'common.target': { uk: "Об'єкт", ru: 'Объект', en: 'Target' },
  'common.before': { uk: 'До', ru: 'До', en: 'Before' },
  'common.after': { uk: 'Після', ru: 'После', en: 'After' },
  'common.none': { uk: 'Нічого не знайдено', ru: 'Ничего не найдено', en: 'Nothing found' },
  'common.more': { uk: 'Далі', ru: 'Дальше', en: 'More' },
  'audit.title': { uk: 'Журнал дій адміністраторів', ru: 'Журнал действий администраторов', en: 'Admin actions' },
  'audit.hint': {
    uk: 'Кожна дія, що змінює стан, з причиною; рядки входять у хеш-ланцюжок журналу.',
    ru: 'Каждое действие, меняющее состояние, с причиной; строки входят в хеш-цепочку журнала.',
    en: 'Every action that changes state, with its reason; the lines are part of the journal’s hash chain.',
  },
  'audit.hubWide': { uk: 'Увесь хаб (входи, адаптери, токени)', ru: 'Весь хаб (входы, адаптеры, токены)', en: 'Whole hub (sign-ins, adapters, tokens)' },
  'tokens.title': { uk: 'API-токени', ru: 'API-токены', en: 'API tokens' },
  'tokens.name': { uk: 'Назва', ru: 'Название', en: 'Name' },
  'tokens.grants': { uk: 'Права', ru: 'Права', en: 'Grants' },
  'tokens.expires': { uk: 'Діє до', ru: 'Действует до', en: 'Expires' },
  'tokens.create': { uk: 'Створити токен', ru: 'Создать токен', en: 'Create token' },
  'tokens.revoke': { uk: 'Відкликати', ru: 'Отозвать', en: 'Revoke' },
  'tokens.shownOnce': {
    uk: 'Скопіюйте токен зараз: його більше не буде показано.',
    ru: 'Скопируйте токен сейчас: он больше не будет показан.',
    en: 'Copy the token now: it will not be shown again.',
  },
  'tokens.revoked': { uk: 'відкликано', ru: 'отозван', en: 'revoked' },
};

/** Registers a page's words (each page module calls this once at load). */
export function addWords(words: Record<string, Record<ConsoleLang, string>>): void {
  for (const [k, v] of Object.entries(words)) {
    if (Object.hasOwn(WORDS, k)) throw new Error(`console word ${k} is defined twice`);
    WORDS[k] = v;
  }
}

/** A word in a language; English, then the key, when missing. */
export function t(lang: ConsoleLang, key: string): string {
  const w = Object.hasOwn(WORDS, key) ? WORDS[key] : undefined;
  return w?.[lang] ?? w?.en ?? key;
}

/** A function for mustache templates: `{{#t}}nav.cases{{/t}}`. */
export function wordsFor(lang: ConsoleLang): () => (text: string) => string {
  return () => (key: string) => t(lang, key.trim());
}
