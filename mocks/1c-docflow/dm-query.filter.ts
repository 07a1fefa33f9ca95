import type { ConditionInput, ConditionValue } from './dm-request.reader';
import { normalizeId, type DmStored } from './dm-store.repository';

type PropKind = 'string' | 'dateTime' | 'ref' | 'boolean';
type RefValue = { id: string; type: string } | null;

interface PropDef {
  kind: PropKind;
  get(o: DmStored): string | boolean | RefValue;
}

/** A DMError to answer with instead of a list. */
export interface ConditionProblem {
  subject: string;
  description: string;
}

const SUBJECT = 'Ошибка получения списка объектов';
const OPERATORS = ['=', '<>', '>', '<', '>=', '<=', 'LIKE'];

const str = (f: (o: DmStored) => string): PropDef => ({ kind: 'string', get: f });
const date = (f: (o: DmStored) => string): PropDef => ({ kind: 'dateTime', get: f });
const ref = (f: (o: DmStored) => RefValue): PropDef => ({ kind: 'ref', get: f });

const COMMON: [string, PropDef][] = [
  ['objectID', ref((o) => ({ id: o.id, type: o.type }))],
  ['name', str((o) => (o.type === 'DMFile' ? o.name : o.title))],
  ['deletionMark', { kind: 'boolean', get: () => false }],
  ['modificationDateUniversal', date((o) => o.modificationDateUniversal)],
];

const DOCUMENT: [string, PropDef][] = [
  ['title', str((o) => (o.type === 'DMFile' ? '' : o.title))],
  ['summary', str((o) => (o.type === 'DMFile' ? '' : o.summary))],
  ['regNumber', str((o) => (o.type === 'DMFile' ? '' : o.regNumber))],
  ['regDate', date((o) => (o.type === 'DMFile' ? '' : o.regDate))],
  ['state', ref((o) => (o.type === 'DMFile' ? null : { id: o.state, type: 'DMDocumentState' }))],
  ['documentType', ref((o) => (o.type === 'DMFile' ? null : o.documentType))],
  ['externalObject', ref((o) => (o.type !== 'DMFile' && o.externalObject ? { id: o.externalObject.id, type: o.externalObject.type } : null))],
  ['externalObject.id', str((o) => (o.type !== 'DMFile' && o.externalObject ? o.externalObject.id : ''))],
  ['externalObject.type', str((o) => (o.type !== 'DMFile' && o.externalObject ? o.externalObject.type : ''))],
  ['externalObject.name', str((o) => (o.type !== 'DMFile' && o.externalObject ? o.externalObject.name : ''))],
];

const PROPS: ReadonlyMap<string, ReadonlyMap<string, PropDef>> = new Map([
  [
    'DMIncomingDocument',
    new Map([
      ...COMMON,
      ...DOCUMENT,
      ['incomingNumber', str((o) => (o.type === 'DMIncomingDocument' ? o.incomingNumber : ''))],
      ['incomingDate', date((o) => (o.type === 'DMIncomingDocument' ? o.incomingDate : ''))],
      ['sender', ref((o) => (o.type === 'DMIncomingDocument' ? o.sender : null))],
      ['responsible', ref((o) => (o.type === 'DMIncomingDocument' ? o.responsible : null))],
      ['answerDocument', ref((o) => (o.type === 'DMIncomingDocument' ? o.answerDocument : null))],
    ]),
  ],
  [
    'DMInternalDocument',
    new Map([
      ...COMMON,
      ...DOCUMENT,
      ['author', ref((o) => (o.type === 'DMInternalDocument' ? o.author : null))],
      ['responsible', ref((o) => (o.type === 'DMInternalDocument' ? o.responsible : null))],
      ['answerDocument', ref((o) => (o.type === 'DMInternalDocument' ? o.answerDocument : null))],
    ]),
  ],
  [
    'DMOutgoingDocument',
    new Map([
      ...COMMON,
      ...DOCUMENT,
      ['addressee', ref((o) => (o.type === 'DMOutgoingDocument' ? o.addressee : null))],
      ['author', ref((o) => (o.type === 'DMOutgoingDocument' ? o.author : null))],
      ['inReplyTo', ref((o) => (o.type === 'DMOutgoingDocument' ? o.inReplyTo : null))],
    ]),
  ],
  [
    'DMFile',
    new Map([
      ...COMMON,
      ['extension', str((o) => (o.type === 'DMFile' ? o.extension : ''))],
      ['owner', ref((o) => (o.type === 'DMFile' ? o.owner : null))],
      ['creationDate', date((o) => (o.type === 'DMFile' ? o.creationDate : ''))],
    ]),
  ],
]);

/** Property names a client may filter on, per type (for the README and error messages). */
export function filterableProperties(type: string): string[] {
  return [...(PROPS.get(type)?.keys() ?? [])];
}

/**
 * Compiles `query/conditions` into a predicate (all conditions must hold). String comparisons
 * ignore case, as 1C queries do [MEM]; `name` without an operator is matched as `%value%`,
 * which DO 2.1 does (external-systems.md §1.2).
 *
 * @returns the predicate, or the DMError to answer with
 */
export function compileConditions(type: string, conditions: readonly ConditionInput[]): ((o: DmStored) => boolean) | ConditionProblem {
  const props = PROPS.get(type);
  if (!props) return { subject: SUBJECT, description: `Получение списка объектов типа ${type} не поддерживается.` };
  const tests: ((o: DmStored) => boolean)[] = [];
  for (const c of conditions) {
    const def = props.get(c.property);
    if (!def) return { subject: SUBJECT, description: `Отбор по свойству "${c.property.slice(0, 100)}" не поддерживается для типа ${type}.` };
    const op = c.operator ?? (c.property === 'name' ? 'LIKE' : '=');
    const value = c.operator === null && c.property === 'name' && c.value.kind === 'string' ? { kind: 'string' as const, value: `%${c.value.value}%` } : c.value;
    if (!OPERATORS.includes(op)) return { subject: SUBJECT, description: `Неизвестный оператор сравнения "${op.slice(0, 20)}".` };
    const test = compileOne(def, op, value);
    if (typeof test !== 'function') {
      return { subject: SUBJECT, description: `${test} Свойство "${c.property}", оператор "${op}", тип значения ${valueTypeName(c.value)}.` };
    }
    tests.push(test);
  }
  return (o) => tests.every((t) => t(o));
}

function compileOne(def: PropDef, op: string, v: ConditionValue): ((o: DmStored) => boolean) | string {
  if (op === 'LIKE' && !(def.kind === 'string' && v.kind === 'string')) return 'Оператор LIKE применим только к строкам.';
  switch (def.kind) {
    case 'string': {
      if (v.kind !== 'string') return 'Тип значения отбора не соответствует типу свойства (xs:string).';
      const want = v.value.toLowerCase();
      if (op === 'LIKE') return (o) => likeMatch((def.get(o) as string).toLowerCase(), want);
      return (o) => compare((def.get(o) as string).toLowerCase(), want, op);
    }
    case 'dateTime': {
      if (v.kind !== 'dateTime') return 'Тип значения отбора не соответствует типу свойства (xs:dateTime).';
      // Same fixed-width format on both sides, so text order is time order.
      return (o) => compare(def.get(o) as string, v.value, op);
    }
    case 'boolean': {
      if (v.kind !== 'boolean') return 'Тип значения отбора не соответствует типу свойства (xs:boolean).';
      if (op !== '=' && op !== '<>') return 'Для булевых свойств допустимы только операторы = и <>.';
      return (o) => (def.get(o) === v.value) === (op === '=');
    }
    case 'ref': {
      if (op !== '=' && op !== '<>') return 'Для ссылок допустимы только операторы = и <>.';
      let test: (r: RefValue) => boolean;
      if (v.kind === 'ref') {
        const id = normalizeId(v.id);
        const t = v.type;
        test = (r) => r !== null && normalizeId(r.id) === id && (t === '' || r.type === t);
      } else if (v.kind === 'string') {
        const id = v.value.trim().toLowerCase();
        test = (r) => r !== null && r.id.toLowerCase() === id;
      } else {
        return 'Тип значения отбора не соответствует типу свойства (DMObjectID).';
      }
      return (o) => test(def.get(o) as RefValue) === (op === '=');
    }
  }
}

function compare(a: string, b: string, op: string): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '<>':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    default:
      return a <= b;
  }
}

/**
 * SQL LIKE with `%` and `_`, without regular expressions: a pattern of many `%` cannot make it
 * backtrack exponentially.
 */
export function likeMatch(s: string, pattern: string): boolean {
  let si = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (pi < pattern.length && pattern[pi] === '%') {
      star = pi++;
      mark = si;
    } else if (pi < pattern.length && (pattern[pi] === '_' || pattern[pi] === s[si])) {
      si++;
      pi++;
    } else if (star !== -1) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < pattern.length && pattern[pi] === '%') pi++;
  return pi === pattern.length;
}

function valueTypeName(v: ConditionValue): string {
  return v.kind === 'ref' ? 'DMObjectID' : `xs:${v.kind}`;
}

/** Stable order of list results: by modificationDateUniversal, then id [assumption: 1C gives no documented order]. */
export function byModification(a: DmStored, b: DmStored): number {
  if (a.modificationDateUniversal !== b.modificationDateUniversal) return a.modificationDateUniversal < b.modificationDateUniversal ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
