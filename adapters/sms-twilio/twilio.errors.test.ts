import { failureClassOf, PermanentError, TransientError } from '../../contracts';
import { classifyCreateError, classifyReadError, DEFAULT_RETRY_AFTER_MS, describeTwilioCode, OutcomeUnknownError, parseRetryAfter, transportFailure, TwilioApiError } from './twilio.errors';

describe('classifyCreateError', () => {
  const cls = (status: number, code?: number, retryAfterMs?: number) => classifyCreateError(new TwilioApiError(status, code, retryAfterMs));
  const errorOf = (r: ReturnType<typeof cls>) => {
    if (r.kind !== 'error') throw new Error(`expected an error, got ${r.kind}`);
    return r.error;
  };

  it.each([
    [429, 20429, undefined, DEFAULT_RETRY_AFTER_MS],
    [429, undefined, 2000, 2000],
    [400, 20429, undefined, DEFAULT_RETRY_AFTER_MS],
  ])('HTTP %i / code %s is transient with retryAfterMs', (status, code, header, expected) => {
    const e = errorOf(cls(status, code, header));
    expect(e).toBeInstanceOf(TransientError);
    expect((e as TransientError).retryAfterMs).toBe(expected);
  });

  it.each([500, 502, 503, 504])('HTTP %i is transient', (status) => {
    expect(failureClassOf(errorOf(cls(status, 20500)))).toBe('transient');
  });

  it.each([
    [401, 20003],
    [401, undefined],
    [403, 20003],
    [400, 21617],
    [400, 21606],
    [404, 20404],
    [400, undefined],
  ])('HTTP %i / code %s is permanent', (status, code) => {
    expect(errorOf(cls(status, code))).toBeInstanceOf(PermanentError);
  });

  it.each([
    [21211, false],
    [21408, false],
    [21610, true],
    [21612, false],
    [21614, false],
  ])('code %i refuses the recipient only (addressInactive %s)', (code, inactive) => {
    const r = cls(400, code);
    expect(r).toEqual({ kind: 'recipient', code, failure: { code: `twilio:${code}`, message: expect.any(String) }, addressInactive: inactive });
  });
});

describe('classifyReadError', () => {
  it('treats 4xx as permanent and 429 / 5xx as transient', () => {
    expect(classifyReadError(new TwilioApiError(401, 20003))).toBeInstanceOf(PermanentError);
    expect(classifyReadError(new TwilioApiError(429, 20429))).toMatchObject({ name: 'TransientError', retryAfterMs: DEFAULT_RETRY_AFTER_MS });
    expect(classifyReadError(new TwilioApiError(503, undefined))).toBeInstanceOf(TransientError);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-10T09:00:00Z');
  it('reads seconds and HTTP dates, and ignores junk', () => {
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Tue, 10 Mar 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 10 Mar 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
  it('caps absurd values at an hour', () => {
    expect(parseRetryAfter('99999999', now)).toBe(3_600_000);
  });
});

describe('transportFailure', () => {
  const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
  it('calls a refused connection transient with a known outcome (nothing was sent)', () => {
    const e = transportFailure(fetchFailed('ECONNREFUSED'), 'create message');
    expect(e).toBeInstanceOf(TransientError);
    expect(e).not.toBeInstanceOf(OutcomeUnknownError);
  });
  it.each([[fetchFailed('ECONNRESET')], [fetchFailed('UND_ERR_SOCKET')], [new DOMException('timed out', 'TimeoutError')], [new DOMException('aborted', 'AbortError')]])(
    'calls %p an unknown outcome',
    (e) => {
      const t = transportFailure(e, 'create message');
      expect(t).toBeInstanceOf(OutcomeUnknownError);
      expect(failureClassOf(t)).toBe('transient');
    },
  );
});

describe('messages', () => {
  it('never carry Twilio text, only the status and code', () => {
    const e = new TwilioApiError(400, 21211);
    expect(e.message).toBe("Twilio answered HTTP 400 with error 21211: the 'To' number is not a valid phone number");
    expect(describeTwilioCode(39999)).toBe('Twilio error 39999 (https://www.twilio.com/docs/errors/39999)');
  });
});
