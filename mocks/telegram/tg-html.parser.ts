import type { TgMessageEntity } from './tg-types.model';

/** Text with its entities, after parsing markup. */
export interface ParsedText {
  text: string;
  entities: TgMessageEntity[];
}

/** Markup the parse mode does not accept; the message becomes `can't parse entities: <message>`. */
export class EntityParseError extends Error {
  override readonly name = 'EntityParseError';
}

/** UTF-8 byte offset of a UTF-16 index: Telegram reports markup errors "at byte offset N". */
export function utf8Offset(text: string, index: number): number {
  return Buffer.byteLength(text.slice(0, index), 'utf8');
}

const SUPPORTED_TAGS = new Set(['a', 'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'tg-spoiler', 'span', 'code', 'pre', 'blockquote', 'tg-emoji']);
const SIMPLE: ReadonlyMap<string, string> = new Map([
  ['b', 'bold'],
  ['strong', 'bold'],
  ['i', 'italic'],
  ['em', 'italic'],
  ['u', 'underline'],
  ['ins', 'underline'],
  ['s', 'strikethrough'],
  ['strike', 'strikethrough'],
  ['del', 'strikethrough'],
  ['tg-spoiler', 'spoiler'],
  ['span', 'spoiler'],
]);
// A Map, not an object literal: `&constructor;` must not find Object.prototype.constructor.
const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
]);

interface OpenTag {
  tag: string;
  start: number;
  attrs: Map<string, string>;
  language?: string;
}

/**
 * Telegram's HTML parse mode: only its own tags, attributes in any quoting, the four named
 * entities and numeric ones (other `&name;` stay as text), strict nesting. Errors are worded as
 * the Bot API words them (`Unsupported start tag "br" at byte offset 5`, …).
 * @throws EntityParseError
 */
export function parseHtml(src: string): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '&') {
      const [text, used] = decodeEntity(src, i);
      out += text;
      i += used;
    } else if (c !== '<') {
      let j = i + 1;
      while (j < src.length && src[j] !== '<' && src[j] !== '&') j++;
      out += src.slice(i, j);
      i = j;
    } else if (src[i + 1] === '/') {
      const [tag, next] = readName(src, i + 2);
      const j = skipSpaces(src, next);
      if (stack.length === 0) throw new EntityParseError(`Unexpected end tag at byte offset ${utf8Offset(src, i)}`);
      const top = stack[stack.length - 1];
      if (src[j] !== '>') throw new EntityParseError(`Unclosed end tag at byte offset ${utf8Offset(src, i)}`);
      if (tag !== top.tag) {
        throw new EntityParseError(`Unmatched end tag at byte offset ${utf8Offset(src, i)}, expected "</${top.tag}>", found "</${tag}>"`);
      }
      stack.pop();
      closeTag(top, out.length, stack[stack.length - 1], entities);
      i = j + 1;
    } else {
      const [tag, next] = readName(src, i + 1);
      if (!SUPPORTED_TAGS.has(tag)) throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${utf8Offset(src, i)}`);
      const [attrs, end] = readAttributes(src, next, i);
      if (tag === 'span' && attrs.get('class') !== 'tg-spoiler') {
        throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${utf8Offset(src, i)}`);
      }
      stack.push({ tag, start: out.length, attrs });
      i = end;
    }
  }
  if (stack.length > 0) throw new EntityParseError(`Can't find end tag corresponding to start tag "${stack[stack.length - 1].tag}"`);
  return { text: out, entities: sortEntities(entities) };
}

/** Entities in Telegram's order: by offset, the longer (outer) one first. */
export function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

function closeTag(node: OpenTag, end: number, parent: OpenTag | undefined, entities: TgMessageEntity[]): void {
  const length = end - node.start;
  const push = (e: Omit<TgMessageEntity, 'offset' | 'length'>) => {
    if (length > 0) entities.push({ ...e, offset: node.start, length });
  };
  const simple = SIMPLE.get(node.tag);
  if (simple !== undefined) return push({ type: simple });
  switch (node.tag) {
    case 'a': {
      const href = node.attrs.get('href') ?? '';
      const mention = /^tg:\/\/user\?id=(\d{1,15})$/.exec(href);
      if (mention) return push({ type: 'text_mention', user: { id: Number(mention[1]), is_bot: false, first_name: '' } });
      if (href !== '') push({ type: 'text_link', url: href });
      return;
    }
    case 'code': {
      const language = /^language-(.+)$/.exec(node.attrs.get('class') ?? '');
      // <pre><code class="language-x"> gives the pre its language instead of a nested code entity.
      if (parent?.tag === 'pre' && language) {
        parent.language = language[1];
        return;
      }
      return push({ type: 'code' });
    }
    case 'pre':
      return push(node.language ? { type: 'pre', language: node.language } : { type: 'pre' });
    case 'blockquote':
      return push({ type: node.attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote' });
    case 'tg-emoji': {
      const id = node.attrs.get('emoji-id') ?? '';
      if (id !== '') push({ type: 'custom_emoji', custom_emoji_id: id });
      return;
    }
  }
}

function readName(src: string, from: number): [string, number] {
  let j = from;
  while (j < src.length && /[A-Za-z0-9-]/.test(src[j])) j++;
  return [src.slice(from, j).toLowerCase(), j];
}

function skipSpaces(src: string, from: number): number {
  let j = from;
  while (j < src.length && ' \t\r\n'.includes(src[j])) j++;
  return j;
}

function readAttributes(src: string, from: number, tagStart: number): [Map<string, string>, number] {
  const attrs = new Map<string, string>();
  let j = from;
  for (;;) {
    j = skipSpaces(src, j);
    if (j >= src.length) throw new EntityParseError(`Unclosed start tag at byte offset ${utf8Offset(src, tagStart)}`);
    if (src[j] === '>') return [attrs, j + 1];
    if (src[j] === '/' && src[j + 1] === '>') return [attrs, j + 2];
    const nameStart = j;
    while (j < src.length && /[A-Za-z0-9_-]/.test(src[j])) j++;
    if (j === nameStart) throw new EntityParseError(`Empty attribute name in the tag at byte offset ${utf8Offset(src, j)}`);
    const name = src.slice(nameStart, j).toLowerCase();
    j = skipSpaces(src, j);
    let value = '';
    if (src[j] === '=') {
      j = skipSpaces(src, j + 1);
      const quote = src[j];
      if (quote === '"' || quote === "'") {
        const close = src.indexOf(quote, j + 1);
        if (close === -1) throw new EntityParseError(`Unclosed end of attribute value at byte offset ${utf8Offset(src, j)}`);
        value = decodeEntities(src.slice(j + 1, close));
        j = close + 1;
      } else {
        const start = j;
        while (j < src.length && !' \t\r\n>'.includes(src[j])) j++;
        value = decodeEntities(src.slice(start, j));
      }
    }
    attrs.set(name, value);
  }
}

function decodeEntities(s: string): string {
  let out = '';
  for (let i = 0; i < s.length;) {
    if (s[i] === '&') {
      const [text, used] = decodeEntity(s, i);
      out += text;
      i += used;
    } else {
      out += s[i++];
    }
  }
  return out;
}

/** Decodes the entity at `&`; an unsupported one is kept as a literal `&`. */
function decodeEntity(s: string, at: number): [string, number] {
  const semi = s.indexOf(';', at + 1);
  if (semi === -1 || semi - at > 12) return ['&', 1];
  const name = s.slice(at + 1, semi);
  const named = NAMED_ENTITIES.get(name);
  if (named !== undefined) return [named, semi - at + 1];
  const numeric = /^#(?:x([0-9a-fA-F]{1,6})|(\d{1,7}))$/.exec(name);
  if (numeric) {
    const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
    if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) return [String.fromCodePoint(code), semi - at + 1];
  }
  return ['&', 1];
}
