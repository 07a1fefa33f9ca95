import { EntityParseError, sortEntities, utf8Offset, type ParsedText } from './tg-html.parser';
import type { TgMessageEntity } from './tg-types.model';

const RESERVED_V2 = new Set('_*[]()~`>#+-=|{}.!');

type V2Kind = 'Bold' | 'Italic' | 'Underline' | 'Strikethrough' | 'Spoiler' | 'Code' | 'Pre' | 'TextUrl' | 'CustomEmoji';

const V2_TYPES: Readonly<Record<Exclude<V2Kind, 'TextUrl' | 'CustomEmoji' | 'Pre'>, string>> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
  Code: 'code',
};

interface Open {
  kind: V2Kind;
  /** Offset in the output text. */
  start: number;
  /** Index in the source, for "at byte offset" errors. */
  at: number;
  language?: string;
}

/**
 * MarkdownV2: `*bold*`, `_italic_`, `__underline__`, `~strike~`, `||spoiler||`, `` `code` ``,
 * ```` ```lang\npre``` ````, `[text](url)`, `![emoji](tg://emoji?id=…)` and `>` quote lines.
 * Every other `_*[]()~`>#+-=|{}.!` must be escaped with `\` (the error adapters hit most:
 * `Character '.' is reserved and must be escaped with the preceding '\'`). Expandable quotes
 * (`**>`) are not modelled.
 * @throws EntityParseError
 */
export function parseMarkdownV2(src: string): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | null = null;
  let lineStart = true;
  const closeQuote = () => {
    const end = out.endsWith('\n') ? out.length - 1 : out.length;
    if (quoteStart !== null && end > quoteStart) entities.push({ type: 'blockquote', offset: quoteStart, length: end - quoteStart });
    quoteStart = null;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const top = stack[stack.length - 1];
    const inCode = top?.kind === 'Code' || top?.kind === 'Pre';
    if (!inCode && lineStart) {
      lineStart = false;
      if (c === '>') {
        quoteStart ??= out.length;
        i++;
        continue;
      }
      if (quoteStart !== null) closeQuote();
    }
    if (c === '\\' && i + 1 < src.length) {
      const code = src.charCodeAt(i + 1);
      if (code >= 1 && code <= 126) {
        out += src[i + 1];
        if (src[i + 1] === '\n' && !inCode) lineStart = true;
        i += 2;
        continue;
      }
    }
    if (inCode) {
      if (c === '`' && top.kind === 'Code') {
        stack.pop();
        emit(entities, { type: 'code' }, top.start, out.length);
        i++;
        continue;
      }
      if (c === '`' && top.kind === 'Pre' && src.startsWith('```', i)) {
        stack.pop();
        emit(entities, top.language ? { type: 'pre', language: top.language } : { type: 'pre' }, top.start, out.length);
        i += 3;
        continue;
      }
      out += c;
      i++;
      continue;
    }
    if (c === '\n') {
      out += c;
      lineStart = true;
      i++;
      continue;
    }
    if (!RESERVED_V2.has(c) && c !== '\\') {
      let j = i + 1;
      while (j < src.length && !RESERVED_V2.has(src[j]) && src[j] !== '\\' && src[j] !== '\n') j++;
      out += src.slice(i, j);
      i = j;
      continue;
    }
    if (c === '\\') {
      out += c; // a backslash before a non-ASCII character stays as text
      i++;
      continue;
    }
    if (top !== undefined) {
      const width = endWidth(top.kind, src, i);
      if (width > 0) {
        stack.pop();
        i += width;
        if (top.kind === 'TextUrl' || top.kind === 'CustomEmoji') {
          i = closeLink(src, i, top, out.length, entities);
        } else {
          emit(entities, { type: V2_TYPES[top.kind as keyof typeof V2_TYPES] }, top.start, out.length);
        }
        continue;
      }
    }
    const open = (kind: V2Kind, width: number) => {
      stack.push({ kind, start: out.length, at: i });
      i += width;
    };
    switch (c) {
      case '*':
        open('Bold', 1);
        break;
      case '_':
        // "__" is greedily underline, left to right, as the Bot API documents.
        if (src[i + 1] === '_') open('Underline', 2);
        else open('Italic', 1);
        break;
      case '~':
        open('Strikethrough', 1);
        break;
      case '|':
        if (src[i + 1] !== '|') throw reserved(c);
        open('Spoiler', 2);
        break;
      case '[':
        open('TextUrl', 1);
        break;
      case '!':
        if (src[i + 1] !== '[') throw reserved(c);
        open('CustomEmoji', 2);
        break;
      case '`':
        if (src.startsWith('```', i)) {
          const at = i;
          i += 3;
          const newline = src.indexOf('\n', i);
          let language: string | undefined;
          if (newline !== -1 && /^[^\s`\\]*$/.test(src.slice(i, newline))) {
            language = src.slice(i, newline) || undefined;
            i = newline + 1;
          }
          stack.push({ kind: 'Pre', start: out.length, at, language });
        } else {
          open('Code', 1);
        }
        break;
      default:
        throw reserved(c);
    }
  }
  if (quoteStart !== null) closeQuote();
  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) {
    throw new EntityParseError(`Can't find end of ${unclosed.kind} entity at byte offset ${utf8Offset(src, unclosed.at)}`);
  }
  return { text: out, entities: sortEntities(entities) };
}

function reserved(c: string): EntityParseError {
  return new EntityParseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
}

/** Width of the closing delimiter of the innermost entity at `i`, 0 when `i` does not close it. */
function endWidth(kind: V2Kind, src: string, i: number): number {
  const c = src[i];
  switch (kind) {
    case 'Bold':
      return c === '*' ? 1 : 0;
    case 'Italic':
      return c === '_' && src[i + 1] !== '_' ? 1 : 0;
    case 'Underline':
      return c === '_' && src[i + 1] === '_' ? 2 : 0;
    case 'Strikethrough':
      return c === '~' ? 1 : 0;
    case 'Spoiler':
      return c === '|' && src[i + 1] === '|' ? 2 : 0;
    case 'TextUrl':
    case 'CustomEmoji':
      return c === ']' ? 1 : 0;
    default:
      return 0;
  }
}

/** After `]`: reads `(url)` (where `)` and `\` are escaped) and emits the link; returns the next index. */
function closeLink(src: string, i: number, open: Open, end: number, entities: TgMessageEntity[]): number {
  if (src[i] !== '(') {
    if (open.kind === 'CustomEmoji') throw new EntityParseError(`Custom emoji entity must contain a tg://emoji URL`);
    return i;
  }
  let url = '';
  let j = i + 1;
  while (j < src.length && src[j] !== ')') {
    if (src[j] === '\\' && j + 1 < src.length) {
      url += src[j + 1];
      j += 2;
    } else {
      url += src[j++];
    }
  }
  if (j >= src.length) throw new EntityParseError(`Can't find end of a URL at byte offset ${utf8Offset(src, i)}`);
  if (open.kind === 'CustomEmoji') {
    const id = /^tg:\/\/emoji\?id=(\d{1,20})$/.exec(url);
    if (!id) throw new EntityParseError('Custom emoji URL must have an emoji identifier');
    emit(entities, { type: 'custom_emoji', custom_emoji_id: id[1] }, open.start, end);
  } else {
    const mention = /^tg:\/\/user\?id=(\d{1,15})$/.exec(url);
    emit(entities, mention ? { type: 'text_mention', user: { id: Number(mention[1]), is_bot: false, first_name: '' } } : { type: 'text_link', url }, open.start, end);
  }
  return j + 1;
}

function emit(entities: TgMessageEntity[], e: Omit<TgMessageEntity, 'offset' | 'length'>, start: number, end: number): void {
  if (end > start) entities.push({ ...e, offset: start, length: end - start });
}

const LEGACY_MARKS = '_*`[';

/**
 * Legacy Markdown: `*bold*`, `_italic_`, `` `code` ``, ```` ```pre``` ````, `[text](url)`, no
 * nesting; only `_*`[` can be escaped. An unclosed mark fails with the classic
 * `Can't find end of the entity starting at byte offset N`.
 * @throws EntityParseError
 */
export function parseMarkdownLegacy(src: string): ParsedText {
  let out = '';
  const entities: TgMessageEntity[] = [];
  let i = 0;
  const unclosed = (at: number) => new EntityParseError(`Can't find end of the entity starting at byte offset ${utf8Offset(src, at)}`);
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && LEGACY_MARKS.includes(src[i + 1] ?? '\n')) {
      out += src[i + 1];
      i += 2;
      continue;
    }
    if (!LEGACY_MARKS.includes(c)) {
      out += c;
      i++;
      continue;
    }
    if (c === '`' && src.startsWith('```', i)) {
      const end = src.indexOf('```', i + 3);
      if (end === -1) throw unclosed(i);
      let body = src.slice(i + 3, end);
      let language: string | undefined;
      const newline = body.indexOf('\n');
      if (newline > 0 && /^\S+$/.test(body.slice(0, newline))) {
        language = body.slice(0, newline);
        body = body.slice(newline + 1);
      }
      emit(entities, language ? { type: 'pre', language } : { type: 'pre' }, out.length, out.length + body.length);
      out += body;
      i = end + 3;
      continue;
    }
    const close = src.indexOf(c === '[' ? ']' : c, i + 1);
    if (close === -1) throw unclosed(i);
    const body = src.slice(i + 1, close);
    if (c === '[') {
      if (src[close + 1] === '(') {
        const urlEnd = src.indexOf(')', close + 2);
        if (urlEnd === -1) throw unclosed(i);
        emit(entities, { type: 'text_link', url: src.slice(close + 2, urlEnd) }, out.length, out.length + body.length);
        i = urlEnd + 1;
      } else {
        i = close + 1;
      }
    } else {
      emit(entities, { type: c === '*' ? 'bold' : c === '_' ? 'italic' : 'code' }, out.length, out.length + body.length);
      i = close + 1;
    }
    out += body;
  }
  return { text: out, entities: sortEntities(entities) };
}
