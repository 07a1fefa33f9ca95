import { chunks, hubStatusOf, isMessageId, readSendResult, readStatusResult, recipientReport, sendBody, toTurboPhone } from './turbosms.mapper';

const ID1 = 'f83f8868-5e46-c6cf-e4fb-615e5a293754';
const ID2 = '17868fdf-d249-43a8-9b9b-3322062422ee';
const NOW = new Date('2026-11-23T10:00:00Z');

describe('TurboSMS mapping', () => {
  it('turns E.164 into digits without "+" and refuses what is not a phone number', () => {
    expect(toTurboPhone('+380501234567')).toBe('380501234567');
    expect(toTurboPhone('380501234567')).toBe('380501234567');
    expect(toTurboPhone(' +14155550123 ')).toBe('14155550123');
    for (const bad of ['', '+', '+0501234567', 'citizen@example.org', '+38 050 123 45 67', '+3805012345678901234']) expect(toTurboPhone(bad)).toBeUndefined();
  });

  it('builds the same bytes for the same batch, whatever the order of its recipients', () => {
    const a = sendBody(['380671111111', '380501234567'], 'CityInfo', 'Текст');
    expect(a).toBe(sendBody(['380501234567', '380671111111'], 'CityInfo', 'Текст'));
    expect(JSON.parse(a)).toEqual({ recipients: ['380501234567', '380671111111'], sms: { sender: 'CityInfo', text: 'Текст' } });
    expect(a).not.toContain('start_time');
    expect(sendBody(['380501234567'], 'CityInfo', 'Текст ')).not.toBe(sendBody(['380501234567'], 'CityInfo', 'Текст'));
  });

  it('reads per-recipient results by phone, by position when the phone is missing, and ignores junk', () => {
    const result = [
      { phone: '380501234567', response_code: 0, message_id: ID1, response_status: 'OK' },
      { phone: '380931112233', response_code: 404, message_id: null, response_status: 'NOT_ALLOWED_NUMBER_STOPLIST' },
      { response_code: 0, message_id: ID2, response_status: 'OK' },
    ];
    const read = readSendResult(result, ['380501234567', '380931112233', '380671111111']);
    expect(read.get('380501234567')).toEqual({ code: 0, status: 'OK', messageId: ID1 });
    expect(read.get('380931112233')).toEqual({ code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' });
    expect(read.get('380671111111')).toEqual({ code: 0, status: 'OK', messageId: ID2 });
    expect(readSendResult(null, []).size).toBe(0);
    expect(readSendResult([null, 'x', { phone: '1', response_code: 'zz' }], ['1', '2', '3']).size).toBe(0);
    expect(readSendResult([{ phone: 380501234567, response_code: '0', message_id: ID1 }], ['380501234567']).get('380501234567')?.messageId).toBe(ID1);
  });

  it('maps a recipient result to sent, failed, or nothing when an OK carries no message id', () => {
    const at = NOW.toISOString();
    expect(recipientReport('d1', { code: 0, status: 'OK', messageId: ID1 }, at)).toEqual({ dispatchId: 'd1', providerMessageId: ID1, status: 'sent', occurredAt: at });
    expect(recipientReport('d1', { code: 404, status: 'NOT_ALLOWED_NUMBER_STOPLIST' }, at)).toEqual({
      dispatchId: 'd1',
      providerMessageId: 'refused:d1',
      status: 'failed',
      failure: { code: 'turbosms:404', message: expect.stringContaining('stop list') },
      addressInactive: true,
      occurredAt: at,
    });
    for (const code of [305, 406, 407]) {
      const r = recipientReport('d1', { code, status: 'X' }, at);
      expect(r).toMatchObject({ status: 'failed', failure: { code: `turbosms:${code}` } });
      expect(r?.addressInactive).toBeUndefined();
    }
    expect(recipientReport('d1', { code: 0, status: 'OK' }, at)).toBeUndefined();
  });

  it('maps TurboSMS statuses and raw DLR codes to hub statuses', () => {
    expect(['Queued', 'Accepted', 'Sent'].map(hubStatusOf)).toEqual(['sent', 'sent', 'sent']);
    expect(['Delivered', 'DELIVRD'].map(hubStatusOf)).toEqual(['delivered', 'delivered']);
    expect(hubStatusOf('Read')).toBe('read');
    expect(['Undelivered', 'UNDELIV', 'Rejected', 'REJECTD', 'Expired', 'Failed', 'Cancelled'].map(hubStatusOf)).toEqual(Array(7).fill('failed'));
    expect(hubStatusOf('Teleported')).toBeUndefined();
    expect(hubStatusOf(undefined)).toBeUndefined();
  });

  it('reads a status answer: Kyiv times with their offset, failures with codes, unknown ids left out', () => {
    const reports = readStatusResult(
      [
        {
          message_id: ID1,
          response_code: 0,
          response_status: 'OK',
          recipient: '380501234567',
          sent: '2026-07-01 12:00:00',
          updated: '2026-07-01 12:00:05',
          status: 'Delivered',
          type: 'sms',
          rejected_status: null,
          click_time: null,
        },
        { message_id: ID2, response_code: 0, response_status: 'OK', sent: '2026-01-10 08:00:00', updated: null, status: 'REJECTD', rejected_status: 'BLOCKED' },
        { message_id: '00000000-0000-4000-8000-000000000000', response_code: 414, response_status: 'NOT_ALLOWED_MESSAGE_ID' },
        { message_id: ID1, response_code: 0, status: 'Teleported' },
        { message_id: 'nope', response_code: 0, status: 'Delivered' },
      ],
      NOW,
    );
    expect(reports).toEqual([
      { providerMessageId: ID1, status: 'delivered', occurredAt: '2026-07-01T12:00:05+03:00' },
      { providerMessageId: ID2, status: 'failed', failure: { code: 'turbosms:REJECTD', message: 'TurboSMS reports the message as REJECTD, BLOCKED' }, occurredAt: '2026-01-10T08:00:00+02:00' },
    ]);
    expect(readStatusResult([{ message_id: ID1, response_code: 0, status: 'Sent', sent: null, updated: null }], NOW)[0].occurredAt).toBe(NOW.toISOString());
    expect(readStatusResult({ not: 'an array' }, NOW)).toEqual([]);
  });

  it('recognises message ids and splits status polls into chunks', () => {
    expect(isMessageId(ID1)).toBe(true);
    expect(isMessageId('refused:abc')).toBe(false);
    expect(isMessageId(42)).toBe(false);
    expect(chunks(Array.from({ length: 1001 }, (_, i) => i)).map((c) => c.length)).toEqual([500, 500, 1]);
    expect(chunks([])).toEqual([]);
  });
});
