import { badRequest, TgApiError } from './tg-envelope.codec';

/** A reply markup as the bot sent it, after validation. */
export interface CheckedReplyMarkup {
  /** The markup object as sent. */
  markup: Record<string, unknown>;
  /** Inline keyboards are echoed in the returned Message; the other kinds are not. */
  isInline: boolean;
}

const INLINE_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];
const BOOLEAN_FIELDS: Readonly<Record<string, string>> = {
  resize_keyboard: 'Field "resize_keyboard" of the ReplyKeyboardMarkup must be of the type Boolean',
  one_time_keyboard: 'Field "one_time_keyboard" of the ReplyKeyboardMarkup must be of the type Boolean',
  is_persistent: 'Field "is_persistent" of the ReplyKeyboardMarkup must be of the type Boolean',
  remove_keyboard: 'Field "remove_keyboard" of the ReplyKeyboardRemove must be of the type Boolean',
  selective: 'Field "selective" of the reply markup must be of the type Boolean',
  force_reply: 'Field "force_reply" of the reply markup must be of the type Boolean',
};

/**
 * Validates the `reply_markup` parameter the way the Bot API server does (its error texts), plus
 * the two server-side checks adapters trip over: `callback_data` over 64 bytes
 * (`BUTTON_DATA_INVALID`) and a button URL that is not http(s)/tg.
 * @returns null when the parameter is absent or describes no markup
 * @throws TgApiError(400)
 */
export function checkReplyMarkup(raw: string): CheckedReplyMarkup | null {
  if (raw === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('object expected as reply markup');
  const markup = value as Record<string, unknown>;
  for (const [field, error] of Object.entries(BOOLEAN_FIELDS)) {
    if (Object.hasOwn(markup, field) && typeof markup[field] !== 'boolean') throw badRequest(error);
  }
  let rows = 0;
  if (Object.hasOwn(markup, 'keyboard')) rows += checkRows(markup.keyboard, 'keyboard', 'ReplyKeyboardMarkup', checkKeyboardButton);
  let inlineRows = 0;
  if (Object.hasOwn(markup, 'inline_keyboard')) {
    inlineRows = checkRows(markup.inline_keyboard, 'inline_keyboard', 'InlineKeyboardMarkup', checkInlineButton);
  }
  if (rows > 0) return { markup, isInline: false };
  if (inlineRows > 0) return { markup, isInline: true };
  if (markup.remove_keyboard === true || markup.force_reply === true) return { markup, isInline: false };
  return null;
}

function checkRows(value: unknown, field: string, type: string, checkButton: (b: unknown) => void): number {
  if (!Array.isArray(value)) throw badRequest(`Field "${field}" of the ${type} must be an Array`);
  for (const row of value) {
    if (!Array.isArray(row)) throw badRequest(`Field "${field}" of the ${type} must be an Array of Arrays`);
    for (const button of row) checkButton(button);
  }
  return value.length;
}

function checkKeyboardButton(button: unknown): void {
  if (typeof button === 'string') return;
  if (typeof button !== 'object' || button === null || Array.isArray(button)) {
    throw badRequest("can't parse keyboard button: KeyboardButton must be a String or an Object");
  }
  checkText(button as Record<string, unknown>, "can't parse keyboard button");
}

function checkInlineButton(button: unknown): void {
  const where = "can't parse inline keyboard button";
  if (typeof button !== 'object' || button === null || Array.isArray(button)) throw badRequest(`${where}: InlineKeyboardButton must be an Object`);
  const b = button as Record<string, unknown>;
  checkText(b, where);
  const action = INLINE_ACTIONS.find((k) => Object.hasOwn(b, k) && b[k] !== '' && b[k] !== null);
  if (action === undefined) throw badRequest(`${where}: Text buttons are unallowed in the inline keyboard`);
  if (action === 'callback_data') {
    if (typeof b.callback_data !== 'string') throw badRequest(`${where}: Field "callback_data" must be of type String`);
    const bytes = Buffer.byteLength(b.callback_data, 'utf8');
    if (bytes > 64) throw new TgApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
  }
  if (action === 'url') {
    if (typeof b.url !== 'string') throw badRequest(`${where}: Field "url" must be of type String`);
    if (!isButtonUrl(b.url)) throw badRequest(`inline keyboard button URL '${b.url.slice(0, 200)}' is invalid: Wrong HTTP URL`);
  }
}

function checkText(b: Record<string, unknown>, where: string): void {
  if (!Object.hasOwn(b, 'text')) throw badRequest(`${where}: Can't find field "text"`);
  if (typeof b.text !== 'string') throw badRequest(`${where}: Field "text" must be of type String`);
}

function isButtonUrl(url: string): boolean {
  if (/^tg:\/\/\S+$/i.test(url)) return true;
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.includes('.');
  } catch {
    return false;
  }
}
