import { deliveryOfMessage, deliveryStatusOf, errorCodeOf, isEarlierAttempt, messageForm, parseRawDlrDoneDate, parseTwilioDate, readStatusCallback, toE164 } from './twilio.mapper';

const SID = `SM${'0123456789abcdef'.repeat(2)}`;
const NOW = new Date('2026-03-10T09:00:00.000Z');

describe('toE164', () => {
  it('keeps E.164 numbers and strips separators', () => {
    expect(toE164('+380501234567')).toBe('+380501234567');
    expect(toE164(' +38 (050) 123-45-67 ')).toBe('+380501234567');
  });
  it.each(['380501234567', '+0501234567', '+1234', 'user@example.org', '+3805012345678901'])('refuses %s', (a) => expect(toE164(a)).toBeUndefined());
});

describe('deliveryStatusOf', () => {
  it.each([
    ['queued', 'sent'],
    ['accepted', 'sent'],
    ['scheduled', 'sent'],
    ['sending', 'sent'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
    ['undelivered', 'failed'],
    ['failed', 'failed'],
    ['canceled', 'failed'],
  ])('%s → %s', (twilio, hub) => expect(deliveryStatusOf(twilio)).toBe(hub));
  it.each(['received', 'receiving', 'toString', '__proto__', 42])('%p is not an outbound status', (s) => expect(deliveryStatusOf(s)).toBeUndefined());
});

describe('dates', () => {
  it('reads RFC 2822 resource dates', () => {
    expect(parseTwilioDate('Thu, 30 Jul 2015 20:12:31 +0000')).toBe('2015-07-30T20:12:31.000Z');
    expect(parseTwilioDate('Tue, 10 Mar 2026 12:00:00 +0300')).toBe('2026-03-10T09:00:00.000Z');
    expect(parseTwilioDate(null)).toBeUndefined();
    expect(parseTwilioDate('yesterday')).toBeUndefined();
  });
  it('reads RawDlrDoneDate as UTC YYMMDDhhmm(ss)', () => {
    expect(parseRawDlrDoneDate('2603100912')).toBe('2026-03-10T09:12:00.000Z');
    expect(parseRawDlrDoneDate('260310091245')).toBe('2026-03-10T09:12:45.000Z');
    expect(parseRawDlrDoneDate('2602310912')).toBeUndefined(); // 31 February
    expect(parseRawDlrDoneDate('2603102512')).toBeUndefined();
    expect(parseRawDlrDoneDate('26031009')).toBeUndefined();
    expect(parseRawDlrDoneDate(undefined)).toBeUndefined();
  });
});

describe('errorCodeOf', () => {
  it('reads numbers and numeric strings only', () => {
    expect(errorCodeOf(30003)).toBe(30003);
    expect(errorCodeOf('30005')).toBe(30005);
    expect(errorCodeOf(null)).toBeUndefined();
    expect(errorCodeOf('')).toBeUndefined();
    expect(errorCodeOf('3e4')).toBeUndefined();
  });
});

describe('messageForm', () => {
  it('maps the dispatch to CreateMessage parameters', () => {
    const form = messageForm('+380501234567', 'Привіт', { from: '+15005550006', validityPeriodSeconds: 600 }, 'https://hub.example/v1/webhooks/sms');
    expect(Object.fromEntries(form)).toEqual({ To: '+380501234567', Body: 'Привіт', From: '+15005550006', StatusCallback: 'https://hub.example/v1/webhooks/sms', ValidityPeriod: '600' });
  });
  it('uses the Messaging Service and leaves out what is not configured', () => {
    const mg = `MG${'a'.repeat(32)}`;
    expect(Object.fromEntries(messageForm('+380501234567', 'x', { messagingServiceSid: mg }))).toEqual({ To: '+380501234567', Body: 'x', MessagingServiceSid: mg });
  });
});

describe('deliveryOfMessage', () => {
  it('reports a queued message as sent with its SID and date', () => {
    expect(deliveryOfMessage({ sid: SID, status: 'queued', date_created: 'Tue, 10 Mar 2026 09:00:01 +0000', date_updated: 'Tue, 10 Mar 2026 09:00:02 +0000' }, 'd-1', NOW)).toEqual({
      dispatchId: 'd-1',
      providerMessageId: SID,
      status: 'sent',
      occurredAt: '2026-03-10T09:00:02.000Z',
    });
  });
  it('reports a failed message with its code', () => {
    expect(deliveryOfMessage({ sid: SID, status: 'failed', error_code: 30006 }, 'd-1', NOW)).toMatchObject({
      status: 'failed',
      failure: { code: 'twilio:30006' },
      addressInactive: true,
      occurredAt: NOW.toISOString(),
    });
  });
  it('refuses a resource without a valid SID or with an inbound status', () => {
    expect(deliveryOfMessage({ sid: 'SMxyz', status: 'queued' }, 'd-1', NOW)).toBeUndefined();
    expect(deliveryOfMessage({ sid: SID, status: 'received' }, 'd-1', NOW)).toBeUndefined();
  });
});

describe('isEarlierAttempt', () => {
  const since = Date.parse('2026-03-10T09:00:00Z');
  const m = { sid: SID, to: '+380501234567', body: 'text', direction: 'outbound-api', date_created: 'Tue, 10 Mar 2026 09:00:05 +0000' };
  it('matches the same recipient and body created since the attempt', () => expect(isEarlierAttempt(m, '+380501234567', 'text', since)).toBe(true));
  it.each([[{ ...m, body: 'other' }], [{ ...m, to: '+380501234568' }], [{ ...m, direction: 'inbound' }], [{ ...m, date_created: 'Tue, 10 Mar 2026 08:55:00 +0000' }], [{ ...m, date_created: null }]])(
    'does not match %p',
    (x) => expect(isEarlierAttempt(x, '+380501234567', 'text', since)).toBe(false),
  );
});

describe('readStatusCallback', () => {
  const base = { MessageSid: SID, SmsSid: SID, AccountSid: `AC${'a'.repeat(32)}`, ApiVersion: '2010-04-01' };
  it.each([
    ['sent', 'sent'],
    ['sending', 'sent'],
    ['queued', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'read'],
  ])('maps %s to %s', (tw, hub) => {
    expect(readStatusCallback({ ...base, MessageStatus: tw }, undefined, NOW)).toEqual({
      dedupKey: `${SID}:${tw}`,
      deliveries: [{ providerMessageId: SID, status: hub, occurredAt: NOW.toISOString() }],
    });
  });
  it('maps undelivered with its error code; 30003 keeps the address, 30005 does not', () => {
    const r = readStatusCallback({ ...base, MessageStatus: 'undelivered', ErrorCode: '30003' }, undefined, NOW);
    expect(r.deliveries[0]).toEqual({ providerMessageId: SID, status: 'failed', failure: { code: 'twilio:30003', message: 'the handset is unreachable' }, occurredAt: NOW.toISOString() });
    expect(readStatusCallback({ ...base, MessageStatus: 'failed', ErrorCode: '30005' }, undefined, NOW).deliveries[0]).toMatchObject({ addressInactive: true, failure: { code: 'twilio:30005' } });
  });
  it('names the status when a failure comes without ErrorCode', () => {
    expect(readStatusCallback({ ...base, MessageStatus: 'failed' }, undefined, NOW).deliveries[0].failure?.code).toBe('twilio:failed');
  });
  it('takes occurredAt from RawDlrDoneDate', () => {
    expect(readStatusCallback({ ...base, MessageStatus: 'delivered', RawDlrDoneDate: '2603100901' }, undefined, NOW).deliveries[0].occurredAt).toBe('2026-03-10T09:01:00.000Z');
  });
  it('prefers the idempotency token as the de-duplication key', () => {
    expect(readStatusCallback({ ...base, MessageStatus: 'sent' }, 'tok-123', NOW).dedupKey).toBe('tok-123');
  });
  it('falls back to SmsStatus and reports nothing for inbound or unknown callbacks', () => {
    expect(readStatusCallback({ SmsSid: SID, SmsStatus: 'delivered' }, undefined, NOW).deliveries).toHaveLength(1);
    expect(readStatusCallback({ ...base, SmsStatus: 'received' }, undefined, NOW).deliveries).toEqual([]);
    expect(readStatusCallback({ MessageStatus: 'delivered' }, undefined, NOW)).toEqual({ dedupKey: undefined, deliveries: [] });
  });
  it('reads the first of repeated parameters', () => {
    expect(readStatusCallback({ ...base, MessageStatus: ['delivered', 'sent'] }, undefined, NOW).deliveries[0].status).toBe('delivered');
  });
});
