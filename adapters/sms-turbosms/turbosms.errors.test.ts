import { failureClassOf, TransientError } from '../../contracts';
import { readEnvelope } from './turbosms.client';
import { BALANCE_RETRY_AFTER_MS, classifyEnvelope, classifyHttpStatus, isSendAccepted, recipientFailure } from './turbosms.errors';

describe('TurboSMS failure classification', () => {
  it('accepts 800–803 and the 507 duplicate answer as a taken send', () => {
    for (const code of [800, 801, 802, 803, 507]) expect(isSendAccepted(code)).toBe(true);
    for (const code of [0, 105, 203, 502, 804, 999]) expect(isSendAccepted(code)).toBe(false);
  });

  it.each([
    [103, 'permanent'],
    [105, 'permanent'],
    [301, 'permanent'],
    [104, 'permanent'],
    [200, 'permanent'],
    [201, 'permanent'],
    [202, 'permanent'],
    [300, 'permanent'],
    [400, 'permanent'],
    [405, 'permanent'],
    [502, 'permanent'],
    [203, 'transient'],
    [500, 'transient'],
    [503, 'transient'],
    [504, 'transient'],
    [999, 'transient'],
    [12345, 'transient'],
  ])('envelope code %i is %s', (code, expected) => {
    expect(failureClassOf(classifyEnvelope(code, 'SOME_STATUS', 'send'))).toBe(expected);
  });

  it('asks to come back after a minute when the balance is too low', () => {
    const e = classifyEnvelope(203, 'REQUIRED_BALANCE', 'send');
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(BALANCE_RETRY_AFTER_MS);
    expect(e.message).toContain('REQUIRED_BALANCE');
  });

  it('keeps anything but a constant status name out of messages', () => {
    expect(classifyEnvelope(300, '+380501234567 is wrong', 'send').message).not.toContain('380');
  });

  it('classifies HTTP statuses of the front proxy; a 4xx with an envelope is left to its code', () => {
    expect(failureClassOf(classifyHttpStatus(500, null, true))).toBe('transient');
    expect(failureClassOf(classifyHttpStatus(502, null, false))).toBe('transient');
    expect(failureClassOf(classifyHttpStatus(408, null, false))).toBe('transient');
    const limited = classifyHttpStatus(429, '7', false) as TransientError;
    expect(failureClassOf(limited)).toBe('transient');
    expect(limited.retryAfterMs).toBe(7000);
    expect(failureClassOf(classifyHttpStatus(401, null, false))).toBe('permanent');
    expect(failureClassOf(classifyHttpStatus(413, null, false))).toBe('permanent');
    expect(classifyHttpStatus(404, null, true)).toBeUndefined();
  });

  it('describes refused recipients; only the stop list makes the address inactive', () => {
    expect(recipientFailure(404, 'NOT_ALLOWED_NUMBER_STOPLIST')).toEqual({
      failure: { code: 'turbosms:404', message: 'the number is on the TurboSMS stop list (NOT_ALLOWED_NUMBER_STOPLIST)' },
      addressInactive: true,
    });
    expect(recipientFailure(305, 'INVALID_PHONE')).toMatchObject({ failure: { code: 'turbosms:305' }, addressInactive: false });
    expect(recipientFailure(999, null).failure.message).toBe('TurboSMS refused the recipient');
  });

  it('reads envelopes defensively', () => {
    expect(readEnvelope('{"response_code":800,"response_status":"SUCCESS_MESSAGE_ACCEPTED","response_result":[]}')).toEqual({
      response_code: 800,
      response_status: 'SUCCESS_MESSAGE_ACCEPTED',
      response_result: [],
    });
    expect(readEnvelope('{"response_code":"507","response_result":null}')).toEqual({ response_code: 507, response_status: '', response_result: null });
    expect(readEnvelope('{"response_code":800,"__proto__":{"polluted":1}}')).toMatchObject({ response_code: 800 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const bad of ['', '{"response_code":8', '[]', 'null', '{"response_status":"OK"}', '{"response_code":1.5}']) expect(readEnvelope(bad)).toBeUndefined();
  });
});
