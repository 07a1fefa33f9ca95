import { badRequest } from './tg-envelope.codec';
import { EntityParseError, parseHtml, sortEntities, type ParsedText } from './tg-html.parser';
import type { TgMessageEntity } from './tg-types.model';

export type { ParsedText } from './tg-html.parser';

/** Limits and error texts of one formatted field (the message text; captions went with media uploads). */
export interface FormattedFieldRules {
  /** Most UTF-16 code units after parsing and trimming (4096 for text). */
  maxLength: number;
  /** Description after "Bad Request: " when the field is too long. */
  tooLong: string;
  /** Description after "Bad Request: " when it is empty after trimming; null when empty is allowed. */
  empty: string | null;
}

/** Rules of `sendMessage.text`. */
export const MESSAGE_TEXT_RULES: FormattedFieldRules = { maxLength: 4096, tooLong: 'message is too long', empty: 'message text is empty' };

const EXPLICIT_TYPES = new Set(['bold', 'italic', 'underline', 'strikethrough', 'spoiler', 'code', 'pre', 'text_link', 'text_mention', 'custom_emoji', 'blockquote', 'expandable_blockquote']);
// Sent explicitly, these are dropped: Telegram detects them itself.
const DETECTED_TYPES = new Set(['mention', 'hashtag', 'cashtag', 'bot_command', 'url', 'email', 'phone_number', 'bank_card_number']);

/** parse_mode values Telegram accepts that the mock does not parse (no adapter sends them; README). */
const NOT_IMPLEMENTED_MODES = new Set(['markdownv2', 'markdown']);

/**
 * Turns a sent text into what the recipient gets: markup parsed by `parse_mode` (HTML,
 * case-insensitive; empty or `none` = plain text with the optional `entities` JSON), then
 * leading and trailing whitespace trimmed, then the length checked.
 * @throws TgApiError(400) `unsupported parse_mode`, `can't parse entities: …`, the rule's empty / too-long errors;
 *   for MarkdownV2 / Markdown a 400 saying the mock does not implement them, so nobody mistakes it for Telegram's answer
 */
export function formatText(raw: string, parseMode: string, entitiesJson: string, rules: FormattedFieldRules): ParsedText {
  const mode = parseMode.trim().toLowerCase();
  let parsed: ParsedText;
  if (raw !== '' && mode !== '' && mode !== 'none') {
    if (NOT_IMPLEMENTED_MODES.has(mode)) throw badRequest(`parse_mode ${parseMode.trim()} is not implemented by the mock (HTML only)`);
    const parse = mode === 'html' ? parseHtml : null;
    if (parse === null) throw badRequest('unsupported parse_mode');
    try {
      parsed = parse(raw);
    } catch (err) {
      if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
      throw err;
    }
  } else {
    parsed = { text: raw, entities: explicitEntities(entitiesJson, raw.length) };
  }
  const result = trim(parsed);
  if (result.text.length === 0 && rules.empty !== null) throw badRequest(rules.empty);
  if (result.text.length > rules.maxLength) throw badRequest(rules.tooLong);
  return result;
}

/** Telegram strips leading and trailing whitespace; entities are shifted and clipped to match. */
function trim(p: ParsedText): ParsedText {
  const lead = p.text.length - p.text.replace(/^[\s\u0000]+/, '').length;
  const text = p.text.replace(/^[\s\u0000]+/, '').replace(/[\s\u0000]+$/, '');
  const entities: TgMessageEntity[] = [];
  for (const e of p.entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(text.length, e.offset + e.length - lead);
    if (end > start) entities.push({ ...e, offset: start, length: end - start });
  }
  return { text, entities: sortEntities(entities) };
}

/**
 * The `entities` parameter. Unparseable JSON is ignored, as the Bot API
 * server ignores it; a malformed entity is an error.
 */
function explicitEntities(json: string, textLength: number): TgMessageEntity[] {
  if (json.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const out: TgMessageEntity[] = [];
  for (const item of value.slice(0, 10_000)) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badRequest("can't parse MessageEntity: expected an Object");
    const e = item as Record<string, unknown>;
    for (const f of ['offset', 'length']) {
      if (!Number.isInteger(e[f])) throw badRequest(`can't parse MessageEntity: Field "${f}" must be of type Number`);
    }
    if (typeof e.type !== 'string' || e.type === '') throw badRequest('can\'t parse MessageEntity: Field "type" must be of type String');
    if (DETECTED_TYPES.has(e.type)) continue;
    if (!EXPLICIT_TYPES.has(e.type)) throw badRequest("can't parse MessageEntity: Unsupported type specified");
    const offset = Math.max(0, e.offset as number);
    const end = Math.min(textLength, (e.offset as number) + (e.length as number));
    if (end <= offset) continue;
    const entity: TgMessageEntity = { type: e.type, offset, length: end - offset };
    if (e.type === 'text_link') {
      if (typeof e.url !== 'string' || e.url === '') throw badRequest('can\'t parse MessageEntity: Field "url" must be of type String');
      entity.url = e.url;
    }
    if (e.type === 'pre' && typeof e.language === 'string' && e.language !== '') entity.language = e.language;
    if (e.type === 'custom_emoji' && typeof e.custom_emoji_id === 'string') entity.custom_emoji_id = e.custom_emoji_id;
    out.push(entity);
  }
  return out;
}
