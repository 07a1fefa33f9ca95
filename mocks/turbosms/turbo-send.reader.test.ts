import { checkRecipient, readSendRequest } from './turbo-send.reader';

const limits = { senders: new Set(['CityInfo', 'Cabinet']), maxRecipients: 3 };
const code = (body: unknown) => {
  const r = readSendRequest(body, limits);
  return r.ok ? 'ok' : `${r.error.code} ${r.error.status}`;
};
const sms = { sender: 'CityInfo', text: 'Привіт' };
const viber = { sender: 'Cabinet', text: 'Привіт' };

describe('send request checks', () => {
  it('needs content, recipients and a message', () => {
    expect(code(undefined)).toBe('104 REQUIRED_CONTENT');
    expect(code([1])).toBe('300 INVALID_REQUEST');
    expect(code({ sms })).toBe('202 REQUIRED_MESSAGE_RECIPIENT');
    expect(code({ recipients: [], sms })).toBe('202 REQUIRED_MESSAGE_RECIPIENT');
    expect(code({ recipients: '380501234567', sms })).toBe('300 INVALID_REQUEST');
    expect(code({ recipients: ['380501234567'] })).toBe('201 REQUIRED_MESSAGE_TEXT');
    expect(code({ recipients: ['380501234567'], sms: 'text' })).toBe('300 INVALID_REQUEST');
  });

  it('limits the number of recipients (405)', () => {
    expect(code({ recipients: ['1', '2', '3'], sms })).toBe('ok');
    expect(code({ recipients: ['1', '2', '3', '4'], sms })).toBe('405 NOT_ALLOWED_RECIPIENTS_LIMIT');
  });

  it('checks sender and text of each part', () => {
    const r = ['380501234567'];
    expect(code({ recipients: r, sms: { text: 'x' } })).toBe('200 REQUIRED_MESSAGE_SENDER');
    expect(code({ recipients: r, sms: { sender: 7, text: 'x' } })).toBe('302 INVALID_MESSAGE_SENDER');
    expect(code({ recipients: r, sms: { sender: 'Other', text: 'x' } })).toBe('400 NOT_ALLOWED_MESSAGE_SENDER');
    expect(code({ recipients: r, sms: { sender: 'CityInfo', text: '   ' } })).toBe('201 REQUIRED_MESSAGE_TEXT');
    expect(code({ recipients: r, sms: { sender: 'CityInfo' } })).toBe('201 REQUIRED_MESSAGE_TEXT');
    expect(code({ recipients: r, sms: { sender: 'CityInfo', text: ['x'] } })).toBe('304 INVALID_MESSAGE_TEXT');
    expect(code({ recipients: r, viber: { ...viber, text: 'я'.repeat(1001) } })).toBe('413 NOT_ALLOWED_MESSAGE_TEXT_LENGTH');
  });

  it('checks the Viber button, image and ttl', () => {
    const r = ['380501234567'];
    expect(code({ recipients: r, viber: { ...viber, caption: 'Відкрити' } })).toBe('206 REQUIRED_MESSAGE_BUTTON_ACTION');
    expect(code({ recipients: r, viber: { ...viber, action: 'https://x' } })).toBe('205 REQUIRED_MESSAGE_BUTTON_CAPTION');
    expect(code({ recipients: r, viber: { ...viber, caption: 'x'.repeat(31), action: 'https://x' } })).toBe('408 NOT_ALLOWED_MESSAGE_BUTTON_TEXT_LENGTH');
    expect(code({ recipients: r, viber: { ...viber, caption: 'x'.repeat(30), action: 'https://x', image_url: 'https://i' } })).toBe('ok');
    expect(code({ recipients: r, viber: { ...viber, image_url: 5 } })).toBe('300 INVALID_REQUEST');
    expect(code({ recipients: r, viber: { ...viber, ttl: '3600' } })).toBe('306 INVALID_TTL');
    expect(code({ recipients: r, viber: { ...viber, ttl: 59 } })).toBe('409 NOT_ALLOWED_MESSAGE_TTL');
    expect(code({ recipients: r, viber: { ...viber, ttl: 86_400 } })).toBe('ok');
  });

  it('reads start_time as Kyiv local time', () => {
    const r = readSendRequest({ recipients: ['380501234567'], sms, start_time: '2030-01-07 17:00' }, limits);
    expect(r.ok && r.value.startAt).toBe(Date.UTC(2030, 0, 7, 15, 0));
    expect(code({ recipients: ['380501234567'], sms, start_time: '07.01.2030' })).toBe('303 INVALID_START_TIME');
    expect(code({ recipients: ['380501234567'], sms, start_time: 1 })).toBe('303 INVALID_START_TIME');
  });
});

describe('recipient checks', () => {
  it('accepts 380 + 9 digits, also as a JSON number', () => {
    expect(checkRecipient('380501234567')).toEqual({ echo: '380501234567', phone: '380501234567', error: null });
    expect(checkRecipient(380501234567).phone).toBe('380501234567');
  });

  it('refuses "+", spaces, local and short numbers with 305 and foreign numbers with 406', () => {
    for (const bad of ['+380501234567', '380 50 123 45 67', '0501234567', '38050123456', 'abc', '', null, { a: 1 }, -380501234567]) {
      expect(checkRecipient(bad).error?.code).toBe(305);
    }
    expect(checkRecipient('+380501234567').echo).toBe('+380501234567');
    expect(checkRecipient('48501234567').error).toEqual({ code: 406, status: 'NOT_ALLOWED_RECIPIENT_COUNTRY' });
  });
});
