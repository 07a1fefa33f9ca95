import { TgApiError } from './tg-envelope.codec';
import { checkReplyMarkup } from './tg-reply-markup.validator';

const error = (raw: string): string => {
  try {
    checkReplyMarkup(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(TgApiError);
    return (err as TgApiError).description;
  }
  throw new Error('expected an error');
};

describe('reply_markup', () => {
  it('accepts inline keyboards (echoed) and reply keyboards / removal (not echoed)', () => {
    const inline = {
      inline_keyboard: [
        [
          { text: 'Відкрити', url: 'https://cabinet.example.gov.ua/a/1' },
          { text: 'OK', callback_data: 'ack:1' },
        ],
      ],
    };
    expect(checkReplyMarkup(JSON.stringify(inline))).toEqual({ markup: inline, isInline: true });
    expect(checkReplyMarkup('{"keyboard":[["Так","Ні"]],"one_time_keyboard":true}')?.isInline).toBe(false);
    expect(checkReplyMarkup('{"remove_keyboard":true}')?.isInline).toBe(false);
    expect(checkReplyMarkup('')).toBeNull();
    expect(checkReplyMarkup('{}')).toBeNull();
  });

  it('words JSON and structure errors as the Bot API server does', () => {
    expect(error('{oops')).toBe("Bad Request: can't parse reply keyboard markup JSON object");
    expect(error('[1]')).toBe('Bad Request: object expected as reply markup');
    expect(error('{"inline_keyboard":{}}')).toBe('Bad Request: Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
    expect(error('{"inline_keyboard":[{}]}')).toBe('Bad Request: Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    expect(error('{"inline_keyboard":[[{"text":"x"}]]}')).toBe("Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    expect(error('{"inline_keyboard":[[{"url":"https://a.b"}]]}')).toBe('Bad Request: can\'t parse inline keyboard button: Can\'t find field "text"');
    expect(error('{"keyboard":[[1]]}')).toBe("Bad Request: can't parse keyboard button: KeyboardButton must be a String or an Object");
    expect(error('{"remove_keyboard":"yes"}')).toBe('Bad Request: Field "remove_keyboard" of the ReplyKeyboardRemove must be of the type Boolean');
  });

  it('refuses callback_data over 64 bytes and URLs Telegram does not accept', () => {
    const data = (s: string) => JSON.stringify({ inline_keyboard: [[{ text: 'x', callback_data: s }]] });
    expect(checkReplyMarkup(data('я'.repeat(32)))).not.toBeNull(); // 64 bytes
    expect(error(data('я'.repeat(33)))).toBe('Bad Request: BUTTON_DATA_INVALID');
    const url = (u: string) => JSON.stringify({ inline_keyboard: [[{ text: 'x', url: u }]] });
    expect(error(url('http://localhost:3000/x'))).toBe("Bad Request: inline keyboard button URL 'http://localhost:3000/x' is invalid: Wrong HTTP URL");
    expect(error(url('javascript:alert(1)'))).toContain('Wrong HTTP URL');
    expect(checkReplyMarkup(url('tg://resolve?domain=x'))).not.toBeNull();
  });
});
