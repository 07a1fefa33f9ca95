import Mustache from 'mustache';
import { SegmentedMessage } from 'sms-segments-calculator';
import type { NotificationChannel } from '../../contracts';
import type { Locale } from './status.labels';

/** E-mail text of one locale. */
export interface EmailText {
  subject: string;
  text: string;
  html?: string;
}

/** One template: texts per channel family and locale. Messengers fall back to the SMS text. */
export interface Template {
  description?: string;
  sms?: Partial<Record<Locale, string>>;
  messenger?: Partial<Record<Locale, string>>;
  email?: Partial<Record<Locale, EmailText>>;
}

/** Templates by id. */
export type TemplateSet = Record<string, Template>;

/** A template rendered for one channel. */
export interface RenderedMessage {
  /** The locale actually used (the requested one, else English, else the first there is). */
  locale: Locale;
  text: string;
  subject?: string;
  html?: string;
}

/** SMS length facts: GSM-7 fits 160 characters in one segment (153 when split), UCS-2 only 70 (67). */
export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  characters: number;
}

/** A problem found in the templates, with the configuration path it is at. */
export interface TemplateIssue {
  path: string;
  message: string;
}

/** Variables and their values; values are always turned into text. */
export type TemplateVariables = Record<string, string | number | boolean>;

const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const LOCALES: readonly Locale[] = ['uk', 'ru', 'en'];
const NO_ESCAPE = { escape: (s: string) => s };

/** SMS segment count as the operator will bill it. */
export function smsSegments(text: string): SmsSegments {
  const m = new SegmentedMessage(text);
  return { encoding: m.encodingName === 'GSM-7' ? 'GSM-7' : 'UCS-2', segments: m.segmentsCount, characters: [...text].length };
}

/**
 * Variable names a Mustache text uses. Only plain variables and sections over them are allowed:
 * partials, dotted paths and delimiter changes are refused, so a template can read nothing but
 * the values it is given.
 * @throws Error describing the first construct that is not allowed
 */
export function variablesOf(text: string): Set<string> {
  const names = new Set<string>();
  const walk = (tokens: unknown[][]) => {
    for (const t of tokens) {
      const [type, value] = t as [string, string];
      if (type === 'text') continue;
      if (type === '!') continue;
      if (type === '>' || type === '=') throw new Error(`"${type === '>' ? 'partials' : 'delimiter changes'}" are not allowed`);
      if (!VARIABLE_NAME.test(value)) throw new Error(`"{{${value}}}" is not a plain variable name (letters, digits, _)`);
      names.add(value);
      if (type === '#' || type === '^') walk(t[4] as unknown[][]);
    }
  };
  walk(Mustache.parse(text) as unknown as unknown[][]);
  return names;
}

/**
 * The notification templates in force: built-in defaults overlaid with the configured ones,
 * checked once at startup so a broken template or a missing variable stops the hub there rather
 * than a citizen's message later.
 */
export class TemplateCatalog {
  private readonly used = new Map<string, Set<string>>();

  constructor(readonly templates: TemplateSet) {
    for (const [id, t] of Object.entries(templates)) {
      const names = new Set<string>();
      for (const text of textsOf(t)) for (const n of variablesOf(text.value)) names.add(n);
      this.used.set(id, names);
    }
  }

  has(id: string): boolean {
    return Object.hasOwn(this.templates, id);
  }

  /** Every variable the template uses, in any channel or locale. */
  variables(id: string): Set<string> {
    return this.used.get(id) ?? new Set();
  }

  /** Variables the template uses that `vars` lacks. */
  missing(id: string, vars: TemplateVariables): string[] {
    return [...this.variables(id)].filter((n) => !Object.hasOwn(vars, n));
  }

  /** Whether the template has a text for the channel (messengers may use the SMS text). */
  supports(id: string, channel: NotificationChannel): boolean {
    const t = this.templates[id];
    if (!t) return false;
    if (channel === 'email') return !!t.email;
    if (channel === 'sms') return !!t.sms;
    return !!(t.messenger ?? t.sms);
  }

  /**
   * Renders the template for a channel and locale. Values are inserted as they are into text;
   * into the HTML part of an e-mail they are HTML-escaped.
   * @throws Error when the template does not exist or has no text for the channel
   */
  render(id: string, channel: NotificationChannel, locale: Locale, vars: TemplateVariables): RenderedMessage {
    const t = this.templates[id];
    if (!t) throw new Error(`template "${id}" does not exist`);
    // Lookups must not reach Object.prototype ("constructor" would be a function Mustache calls).
    const view: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(vars)) view[k] = String(v);
    if (channel === 'email') {
      const [loc, e] = pick(t.email, locale, id, channel);
      return {
        locale: loc,
        subject: Mustache.render(e.subject, view, {}, NO_ESCAPE)
          .replace(/[\r\n]+/g, ' ')
          .trim(),
        text: Mustache.render(e.text, view, {}, NO_ESCAPE),
        ...(e.html ? { html: Mustache.render(e.html, view) } : {}),
      };
    }
    const texts = channel === 'sms' ? t.sms : (t.messenger ?? t.sms);
    const [loc, text] = pick(texts, locale, id, channel);
    return { locale: loc, text: Mustache.render(text, view, {}, NO_ESCAPE) };
  }

  /**
   * Problems with the templates: syntax, a missing English fallback, SMS texts longer than
   * `smsMaxSegments` before any variable is filled in, and variables a rule cannot provide.
   * @param provided for each template bound to events, the variables those events provide
   */
  static validate(
    templates: TemplateSet,
    provided: Map<string, { path: string; event: string; variables: readonly string[] }[]>,
    smsMaxSegments: number,
    base = '/notifications/templates',
  ): TemplateIssue[] {
    const issues: TemplateIssue[] = [];
    for (const [id, t] of Object.entries(templates)) {
      if (!t.sms && !t.messenger && !t.email) issues.push({ path: `${base}/${id}`, message: 'has no text for any channel (sms, messenger or email)' });
      for (const part of ['sms', 'messenger', 'email'] as const) {
        const byLocale = t[part];
        if (byLocale && !byLocale.en) issues.push({ path: `${base}/${id}/${part}/en`, message: 'is required: English is the fallback for citizens whose language has no text' });
      }
      const used = new Set<string>();
      for (const { path, value, part } of textsOf(t)) {
        try {
          for (const n of variablesOf(value)) used.add(n);
        } catch (e) {
          issues.push({ path: `${base}/${id}/${path}`, message: `is not a valid template: ${(e as Error).message}` });
          continue;
        }
        if (part === 'sms') {
          const bare = Mustache.render(value, {}, {}, NO_ESCAPE);
          const s = smsSegments(bare);
          if (s.segments > smsMaxSegments)
            issues.push({ path: `${base}/${id}/${path}`, message: `is ${s.segments} SMS segments (${s.encoding}) before variables are filled in; the limit is ${smsMaxSegments}` });
        }
      }
      for (const use of provided.get(id) ?? []) {
        const lacking = [...used].filter((n) => !use.variables.includes(n));
        if (lacking.length)
          issues.push({
            path: use.path,
            message: `template "${id}" uses ${lacking.map((n) => `{{${n}}}`).join(', ')}, which ${use.event} does not provide (it provides: ${use.variables.join(', ')})`,
          });
      }
    }
    return issues;
  }
}

function pick<T>(byLocale: Partial<Record<Locale, T>> | undefined, locale: Locale, id: string, channel: string): [Locale, T] {
  if (!byLocale) throw new Error(`template "${id}" has no text for ${channel}`);
  for (const l of [locale, 'en' as const, ...LOCALES]) if (byLocale[l] !== undefined) return [l, byLocale[l] as T];
  throw new Error(`template "${id}" has no text for ${channel}`);
}

function textsOf(t: Template): { path: string; value: string; part: 'sms' | 'messenger' | 'email' }[] {
  const out: { path: string; value: string; part: 'sms' | 'messenger' | 'email' }[] = [];
  for (const part of ['sms', 'messenger'] as const) {
    for (const [loc, v] of Object.entries(t[part] ?? {})) if (typeof v === 'string') out.push({ path: `${part}/${loc}`, value: v, part });
  }
  for (const [loc, e] of Object.entries(t.email ?? {})) {
    if (!e) continue;
    for (const k of ['subject', 'text', 'html'] as const) if (typeof e[k] === 'string') out.push({ path: `email/${loc}/${k}`, value: e[k] as string, part: 'email' });
  }
  return out;
}
