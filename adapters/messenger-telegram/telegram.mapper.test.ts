import type { NotificationDispatch } from '../../contracts';
import { chatIdOf, inboundOf, refusedReport, requestSummary, responseSummary, sendMessageCall, sentReport, updateIdOf } from './telegram.mapper';

const dispatch: NotificationDispatch = {
  notificationId: 'n-1',
  dispatchId: '6f1c2a52-8a57-4b0e-9c1e-2f6c0d9b7a11',
  channel: 'telegram',
  address: '123456789',
  locale: 'uk',
  text: 'Ваше звернення EP-1 зареєстровано <b>сьогодні</b>',
  priority: 'normal',
};
const now = new Date('2026-03-10T09:00:00.000Z');
const privateChat = { id: 123456789, type: 'private', first_name: 'Олена' };
const from = { id: 123456789, is_bot: false, first_name: 'Олена', language_code: 'uk' };
const message = (text: string, chat: Record<string, unknown> = privateChat) => ({ update_id: 10, message: { message_id: 5, date: 1_773_133_200, chat, from, text } });

describe('chatIdOf', () => {
  it('takes integer chat ids, refuses anything else', () => {
    expect(chatIdOf('123456789')).toBe(123456789);
    expect(chatIdOf('-1001234567890')).toBe(-1001234567890);
    expect(chatIdOf('+380501234567')).toBeUndefined();
    expect(chatIdOf('@channel')).toBeUndefined();
    expect(chatIdOf('0')).toBeUndefined();
    expect(chatIdOf('99999999999999999')).toBeUndefined();
  });
});

describe('sendMessageCall', () => {
  it('is plain text unless HTML is configured', () => {
    expect(sendMessageCall(dispatch, 123456789)).toEqual({ chatId: 123456789, text: dispatch.text, other: {} });
    expect(sendMessageCall(dispatch, 123456789, 'HTML').other).toEqual({ parse_mode: 'HTML' });
  });
});

describe('delivery reports', () => {
  it("a sent message is `sent` with <chat>:<message_id> and Telegram's date", () => {
    expect(sentReport(dispatch.dispatchId, { message_id: 42, date: 1_773_133_200, chat: { id: 123456789 } }, now)).toEqual({
      dispatchId: dispatch.dispatchId,
      providerMessageId: '123456789:42',
      status: 'sent',
      occurredAt: '2026-03-10T09:00:00.000Z',
    });
    expect(sentReport(dispatch.dispatchId, { message_id: 42, chat: { id: 1 } }, now).occurredAt).toBe(now.toISOString());
  });

  it('a refused recipient is `failed` with its code and the inactive flag', () => {
    expect(refusedReport(dispatch.dispatchId, { code: 'telegram:403', message: 'Forbidden: bot was blocked by the user', addressInactive: true }, now)).toEqual({
      dispatchId: dispatch.dispatchId,
      providerMessageId: `dispatch:${dispatch.dispatchId}`,
      status: 'failed',
      failure: { code: 'telegram:403', message: 'Forbidden: bot was blocked by the user' },
      addressInactive: true,
      occurredAt: now.toISOString(),
    });
    expect(refusedReport('d', { code: 'telegram:invalid-chat-id', message: 'x', addressInactive: false }, now)).not.toHaveProperty('addressInactive');
  });
});

describe('summaries', () => {
  it('hold ids, sizes and statuses, never the chat id or the text', () => {
    const request = requestSummary(dispatch);
    expect(request).toEqual({ method: 'sendMessage', dispatchId: dispatch.dispatchId, notificationId: 'n-1', priority: 'normal', locale: 'uk', textLength: dispatch.text.length, parseMode: 'none' });
    const response = responseSummary(sentReport(dispatch.dispatchId, { message_id: 42, chat: { id: 123456789 } }, now), { repeated: true });
    expect(response).toEqual({ status: 'sent', messageId: 42, repeated: true });
    const failed = responseSummary(refusedReport('d', { code: 'telegram:403', message: 'Forbidden', addressInactive: true }, now));
    expect(failed).toEqual({ status: 'failed', failureCode: 'telegram:403', addressInactive: true });
    const all = JSON.stringify([request, response, failed]);
    expect(all).not.toContain('123456789');
    expect(all).not.toContain('звернення');
  });
});

describe('inboundOf', () => {
  it('reads /start <token> in a private chat as a start with the token and language', () => {
    expect(inboundOf(message('/start abcdefghijklmnop1234'))).toEqual([{ kind: 'start', channel: 'telegram', address: '123456789', token: 'abcdefghijklmnop1234', language: 'uk' }]);
    expect(inboundOf(message('/start@cabinet_bot abcdefghijklmnop1234'))).toMatchObject([{ kind: 'start', token: 'abcdefghijklmnop1234' }]);
  });

  it('reads /start without (or with an impossible) payload as a start without a token', () => {
    expect(inboundOf(message('/start'))).toEqual([{ kind: 'start', channel: 'telegram', address: '123456789', language: 'uk' }]);
    expect(inboundOf(message('/start not a token!'))).toEqual([{ kind: 'start', channel: 'telegram', address: '123456789', language: 'uk' }]);
  });

  it('reads other text as text, /starting as text too', () => {
    expect(inboundOf(message('Який статус мого звернення?'))).toEqual([{ kind: 'text', channel: 'telegram', address: '123456789', text: 'Який статус мого звернення?', language: 'uk' }]);
    expect(inboundOf(message('/startover'))).toMatchObject([{ kind: 'text' }]);
  });

  it('ignores group chats, messages without text and unknown updates', () => {
    expect(inboundOf(message('/start abcdefghijklmnop1234', { id: -100123, type: 'supergroup', title: 'ОСББ' }))).toEqual([]);
    expect(inboundOf({ update_id: 1, message: { message_id: 1, date: 1, chat: privateChat, photo: [] } })).toEqual([]);
    expect(inboundOf({ update_id: 1, edited_message: { chat: privateChat, text: 'x' } })).toEqual([]);
    expect(inboundOf(null)).toEqual([]);
    expect(inboundOf([1, 2])).toEqual([]);
  });

  it('reads blocking the bot (my_chat_member → kicked) as unsubscribed; unblocking yields nothing', () => {
    const member = (status: string) => ({
      update_id: 11,
      my_chat_member: { chat: privateChat, from, date: 1, old_chat_member: { status: 'member', user: {} }, new_chat_member: { status, user: {} } },
    });
    expect(inboundOf(member('kicked'))).toEqual([{ kind: 'unsubscribed', channel: 'telegram', address: '123456789' }]);
    expect(inboundOf(member('member'))).toEqual([]);
  });

  it('leaves out a language code that is not one', () => {
    const update = message('/start');
    (update.message.from as Record<string, unknown>).language_code = '<script>';
    expect(inboundOf(update)).toEqual([{ kind: 'start', channel: 'telegram', address: '123456789' }]);
  });
});

describe('updateIdOf', () => {
  it('takes non-negative integers only', () => {
    expect(updateIdOf({ update_id: 7 })).toBe(7);
    expect(updateIdOf({ update_id: '7' })).toBeUndefined();
    expect(updateIdOf({ update_id: -1 })).toBeUndefined();
    expect(updateIdOf('x')).toBeUndefined();
  });
});
