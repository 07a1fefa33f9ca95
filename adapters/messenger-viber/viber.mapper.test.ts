import type { NotificationDispatch } from '../../contracts';
import { parseViberJson } from './viber-json.codec';
import { readCallback, requestSummary, sendMessageBody, timestampOf, welcomeReplyBody, welcomeTextFor } from './viber.mapper';

const NOW = new Date('2026-11-23T10:00:00Z');
const read = (json: string) => readCallback(parseViberJson(json), NOW);

const dispatch: NotificationDispatch = {
  notificationId: 'n-1',
  dispatchId: '6f1d3a52-8c1e-4d55-9a0b-0c2f6f1b7e11',
  channel: 'viber',
  address: '01234567890A=',
  locale: 'uk',
  text: 'Ваше звернення EP-1 зареєстровано.',
  priority: 'normal',
};

describe('Viber send mapping', () => {
  it('builds a text send_message with the dispatch id as tracking_data', () => {
    expect(sendMessageBody(dispatch, { senderName: 'Міська рада', senderAvatar: 'https://city.example/a.jpg' })).toEqual({
      receiver: '01234567890A=',
      sender: { name: 'Міська рада', avatar: 'https://city.example/a.jpg' },
      tracking_data: dispatch.dispatchId,
      type: 'text',
      text: dispatch.text,
      min_api_version: 1,
    });
    expect(sendMessageBody(dispatch, { senderName: 'Рада' }).sender).toEqual({ name: 'Рада' });
  });

  it('summarises without the receiver or the text', () => {
    const s = JSON.stringify(requestSummary(dispatch));
    expect(s).not.toContain(dispatch.address);
    expect(s).not.toContain('звернення');
    expect(requestSummary(dispatch)).toMatchObject({ dispatchId: dispatch.dispatchId, textLength: dispatch.text.length });
  });
});

describe('Viber callbacks', () => {
  it('delivered / seen / failed become delivery reports of the exact token', () => {
    const base = '"timestamp":1457764197627,"chat_hostname":"SN-CHAT-05_","message_token":5098034272017990001,"user_id":"01234567890A="';
    expect(read(`{"event":"delivered",${base}}`)).toEqual({
      event: 'delivered',
      dedupKey: 'delivered:5098034272017990001',
      deliveries: [{ providerMessageId: '5098034272017990001', status: 'delivered', occurredAt: '2016-03-12T06:29:57.627Z' }],
      inbound: [],
    });
    expect(read(`{"event":"seen",${base}}`).deliveries[0]).toMatchObject({ status: 'read', providerMessageId: '5098034272017990001' });
    expect(read(`{"event":"failed",${base},"desc":"Receiver is not subscribed\\nany more"}`).deliveries[0]).toEqual({
      providerMessageId: '5098034272017990001',
      status: 'failed',
      failure: { code: 'viber:failed', message: 'Receiver is not subscribed any more' },
      occurredAt: '2016-03-12T06:29:57.627Z',
    });
    expect(read(`{"event":"failed",${base}}`).deliveries[0].failure?.message).toBe('Viber reported the message as failed');
  });

  it('the verification callback is acknowledged and reports nothing', () => {
    expect(read('{"event":"webhook","timestamp":1595347748566,"chat_hostname":"SN-CHAT-22_","message_token":5466394344559121456}')).toEqual({
      event: 'webhook',
      dedupKey: 'webhook:5466394344559121456',
      deliveries: [],
      inbound: [],
    });
  });

  it('conversation_started with a link token becomes a start with the token and language', () => {
    const r = read(
      '{"event":"conversation_started","timestamp":1457764197627,"message_token":4912661846655238145,"type":"open","context":"AbCdEfGh_1234-5678","user":{"id":"01234567890A=","name":"John","language":"uk","country":"UA","api_version":8},"subscribed":false}',
    );
    expect(r.inbound).toEqual([{ kind: 'start', channel: 'viber', address: '01234567890A=', token: 'AbCdEfGh_1234-5678', language: 'uk' }]);
    expect(r.dedupKey).toBe('conversation_started:4912661846655238145');
  });

  it('a context that is not a link token is left out', () => {
    for (const context of ['short', 'has spaces in it ok?', 'x'.repeat(65)]) {
      const r = read(`{"event":"conversation_started","timestamp":1,"message_token":1,"context":${JSON.stringify(context)},"user":{"id":"u1"}}`);
      expect(r.inbound).toEqual([{ kind: 'start', channel: 'viber', address: 'u1' }]);
    }
  });

  it('a text message becomes text; other message types are ignored', () => {
    const msg = (m: string) =>
      read(`{"event":"message","timestamp":1457764197627,"message_token":4912661846655238145,"sender":{"id":"01234567890A=","name":"John","language":"ru"},"message":${m},"silent":false}`);
    expect(msg('{"type":"text","text":"статус","tracking_data":"x"}').inbound).toEqual([{ kind: 'text', channel: 'viber', address: '01234567890A=', text: 'статус', language: 'ru' }]);
    expect(msg('{"type":"picture","media":"https://x/y.jpg"}').inbound).toEqual([]);
  });

  it('unsubscribed becomes unsubscribed; subscribed reports nothing', () => {
    expect(read('{"event":"unsubscribed","timestamp":1457764197627,"user_id":"01234567890A=","message_token":4912661846655238145}').inbound).toEqual([
      { kind: 'unsubscribed', channel: 'viber', address: '01234567890A=' },
    ]);
    const sub = read('{"event":"subscribed","timestamp":1457764197627,"user":{"id":"01234567890A="}}');
    expect(sub.inbound).toEqual([]);
    expect(sub.dedupKey).toBe('subscribed:1457764197627:01234567890A=');
  });

  it('reads what is not a callback as nothing', () => {
    for (const json of ['[]', '"x"', '{}', '{"event":5}', '{"event":"DROP TABLE"}']) {
      expect(read(json)).toMatchObject({ deliveries: [], inbound: [], detail: 'not a Viber callback' });
    }
    expect(read('{"event":"delivered","timestamp":1}').deliveries).toEqual([]);
  });

  it('falls back to now for a missing timestamp', () => {
    expect(timestampOf(undefined, NOW)).toBe(NOW.toISOString());
    expect(timestampOf('1457764197627', NOW)).toBe('2016-03-12T06:29:57.627Z');
    expect(timestampOf(1e20, NOW)).toBe(NOW.toISOString());
  });
});

describe('welcome reply', () => {
  it('picks the citizen language, else the first configured', () => {
    expect(welcomeTextFor({ uk: 'Вітаємо', en: 'Welcome' }, 'en-US')).toBe('Welcome');
    expect(welcomeTextFor({ uk: 'Вітаємо', en: 'Welcome' }, 'de')).toBe('Вітаємо');
    expect(welcomeTextFor({ en: 'Welcome' }, undefined)).toBe('Welcome');
    expect(welcomeTextFor(undefined, 'uk')).toBeUndefined();
  });

  it('is a text message from the configured sender', () => {
    expect(JSON.parse(welcomeReplyBody({ senderName: 'Рада' }, 'Вітаємо'))).toEqual({ sender: { name: 'Рада' }, type: 'text', text: 'Вітаємо', min_api_version: 1 });
  });
});
