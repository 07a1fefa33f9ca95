import { tokenHash } from '../../notifications/link-token.hash';

/**
 * Personal data in what the console shows, masked by default. The fields are those the contracts
 * (contracts/model/*.schema.ts) define as personal: the applicant's names, contacts, tax and
 * registration codes, identity references, addresses and points, texts the citizen or the office
 * wrote (appeal text, comments, answers, rendered notifications, reasons), file names and signer
 * names, file contents. Employees' names as authors of a change stay visible (the timeline
 * exists to say who did what); an author of kind `applicant` is the citizen and is masked.
 * Revealing a field is its own permission and audited (pii-reveal.service.ts); file contents
 * and link tokens are never revealed here (files are downloaded through the file API).
 */
export type PiiKind = 'name' | 'email' | 'phone' | 'messenger-id' | 'contact' | 'tax-id' | 'person-ref' | 'text' | 'address' | 'geo' | 'file-name' | 'file-content' | 'secret' | 'unvalidated';

/** One masked field: where it is (RFC 6901 pointer), what it is, a harmless hint, whether it may be revealed. */
export interface MaskedField {
  pointer: string;
  kind: PiiKind;
  hint?: string;
  revealable: boolean;
}

/** A document with its personal data replaced by {@link MASK} (and hints), and the list of what was masked. */
export interface Masked<T = unknown> {
  value: T;
  fields: MaskedField[];
}

/** What a masked value is replaced with, before its hint. */
export const MASK = '•••';

/** A masking rule: a path pattern (`*` one segment, a leading `**` any prefix), the kind, and an optional condition on the parent object. */
export interface MaskRule {
  path: string;
  kind: PiiKind;
  revealable?: boolean;
  when?: (parent: Record<string, unknown>) => boolean;
}

const applicantAuthor = (parent: Record<string, unknown>) => parent.kind === 'applicant';

/** Wherever they appear: contacts, identities, codes, names of people, files. */
const ANYWHERE: MaskRule[] = [
  { path: '**/applicant/name/*', kind: 'name' },
  { path: '**/signer/name', kind: 'name' },
  { path: '**/author/name', kind: 'name', when: applicantAuthor },
  { path: '**/email', kind: 'email' },
  { path: '**/phone', kind: 'phone' },
  { path: '**/telegramChatId', kind: 'messenger-id' },
  { path: '**/viberUserId', kind: 'messenger-id' },
  { path: '**/organisationCode', kind: 'tax-id' },
  { path: '**/registrationCodes/*/value', kind: 'tax-id' },
  { path: '**/subjectRef', kind: 'person-ref' },
  { path: '**/citizenRef', kind: 'person-ref' },
  { path: '**/location/address', kind: 'address' },
  { path: '**/location/point/*', kind: 'geo' },
  { path: '**/files/*/name', kind: 'file-name' },
  { path: '**/document/name', kind: 'file-name' },
  { path: '**/signatures/*/name', kind: 'file-name' },
  { path: '**/contentBase64', kind: 'file-content', revealable: false },
];

/** Rules for a CloudEvent as journaled (contracts/model: appeal, application, notification, deadline schemas). */
export const MESSAGE_RULES: readonly MaskRule[] = [
  ...ANYWHERE,
  { path: '/data/text', kind: 'text' },
  { path: '/data/comment', kind: 'text' },
  { path: '/data/reason', kind: 'text' },
  { path: '/data/html', kind: 'text' },
  { path: '/data/subject', kind: 'text' },
  { path: '/data/variables/*', kind: 'text' },
  { path: '/data/objectAddress', kind: 'address' },
  { path: '/data/address', kind: 'contact' },
  { path: '/data/token', kind: 'secret', revealable: false },
];

/** Rules for a case history step (case-view.mapper.ts's HistoryStep), which carries texts at its top. */
export const STEP_RULES: readonly MaskRule[] = [...ANYWHERE, { path: '/text', kind: 'text' }, { path: '/comment', kind: 'text' }, { path: '/reason', kind: 'text' }];

/** Rules for a case's own row: `{ citizenRef, recipient }` (the contacts given with the submission). */
export const CASE_RULES: readonly MaskRule[] = ANYWHERE;

/** A pointer's segments (RFC 6901). */
export function pointerSegments(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function matches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern[0] === '**') {
    const rest = pattern.slice(1);
    for (let i = 0; i <= path.length - rest.length; i++) if (matches(rest, path.slice(i))) return true;
    return false;
  }
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => p === '*' || p === path[i]);
}

const compiled = new WeakMap<readonly MaskRule[], { rule: MaskRule; pattern: string[] }[]>();
function compile(rules: readonly MaskRule[]) {
  let c = compiled.get(rules);
  if (!c) {
    c = rules.map((rule) => ({ rule, pattern: rule.path.startsWith('**/') ? rule.path.split('/') : rule.path.split('/').slice(1) }));
    compiled.set(rules, c);
  }
  return c;
}

/** A hint that helps tell values apart without giving them away. */
function hintOf(kind: PiiKind, value: unknown): string | undefined {
  if (kind === 'phone' && typeof value === 'string') {
    const digits = value.replace(/\D/g, '');
    return digits.length >= 7 ? digits.slice(-2) : undefined;
  }
  if (kind === 'email' && typeof value === 'string') {
    const at = value.lastIndexOf('@');
    return at > 0 ? value.slice(at) : undefined;
  }
  if ((kind === 'text' || kind === 'unvalidated') && typeof value === 'string') return `(${value.length})`;
  if (kind === 'file-content' && typeof value === 'string') return `(${Math.floor((value.length * 3) / 4)} B)`;
  return undefined;
}

/**
 * The one masking function: a copy of `doc` with every field the rules name (and, with
 * `unvalidatedUnder`, every value below that pointer, for messages the hub refused, whose
 * shape nobody checked) replaced by {@link MASK} and a hint, and the list of masked fields.
 */
export function maskDocument<T>(doc: T, rules: readonly MaskRule[], opts: { unvalidatedUnder?: string } = {}): Masked<T> {
  const rs = compile(rules);
  const fields: MaskedField[] = [];
  const under = opts.unvalidatedUnder === undefined ? undefined : pointerSegments(opts.unvalidatedUnder);
  const mask = (value: unknown, kind: PiiKind, path: string[], revealable: boolean) => {
    const hint = hintOf(kind, value);
    fields.push({ pointer: pointerOf(path), kind, ...(hint ? { hint } : {}), revealable });
    return hint ? `${MASK}${hint.startsWith('@') || /^\d/.test(hint) ? '' : ' '}${hint}` : MASK;
  };
  const walk = (value: unknown, path: string[], parent: Record<string, unknown> | undefined): unknown => {
    if (path.length) {
      for (const { rule, pattern } of rs) {
        if (matches(pattern, path) && (!rule.when || (parent && rule.when(parent)))) return mask(value, rule.kind, path, rule.revealable !== false);
      }
      if (under && path.length > under.length && under.every((s, i) => s === path[i]) && (value === null || typeof value !== 'object')) return mask(value, 'unvalidated', path, true);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, String(i)], undefined));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k], value as Record<string, unknown>);
      return out;
    }
    return value;
  };
  return { value: walk(doc, [], undefined) as T, fields };
}

/** The value at a pointer, or undefined. Own properties only: `__proto__` and friends lead nowhere. */
export function valueAt(doc: unknown, pointer: string): unknown {
  const segs = pointerSegments(pointer);
  if (!segs) return undefined;
  let cur: unknown = doc;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/**
 * The clear value of one masked field, or why not: the pointer must name a field the same rules
 * mask (no reading unmasked paths through this door, which are shown anyway) and be revealable.
 */
export function revealField(
  doc: unknown,
  rules: readonly MaskRule[],
  pointer: string,
  opts: { unvalidatedUnder?: string } = {},
): { ok: true; field: MaskedField; value: unknown } | { ok: false; reason: string } {
  const field = maskDocument(doc, rules, opts).fields.find((f) => f.pointer === pointer);
  if (!field) return { ok: false, reason: 'pointer: not a masked field of this document' };
  if (!field.revealable) return { ok: false, reason: `pointer: a ${field.kind} field is never revealed here` };
  return { ok: true, field, value: valueAt(doc, pointer) };
}

/**
 * A contact as the clerk typed it, normalised and hashed: an e-mail trimmed and in lower case; a
 * phone as its digits only (E.164 without the plus: `+380 44 123-45-67` → `380441234567`; type the
 * country code). The hash is SHA-256 in hex (the hub's token hash), what the search URL carries
 * instead of the contact; the search computes the same from the contacts of each case.
 */
export function contactHash(input: string): { kind: 'email' | 'phone'; hash: string } | undefined {
  const v = input.trim();
  if (!v || v.length > 320) return undefined;
  if (v.includes('@')) {
    if (!/^[^\s@]+@[^\s@]+$/.test(v)) return undefined;
    return { kind: 'email', hash: tokenHash(v.toLowerCase()) };
  }
  if (!/^\+?[\d\s().-]+$/.test(v)) return undefined;
  const digits = v.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  return { kind: 'phone', hash: tokenHash(digits) };
}
