import { failureClassOf, PermanentError, TransientError } from '../../contracts';
import { classifyHttpStatus, classifyNetworkError, classifyStatus, RATE_LIMIT_RETRY_MS, retryAfterMs, statusName } from './viber.errors';

describe('Viber failure classification', () => {
  it('status 0 is ok', () => expect(classifyStatus('send_message', 0)).toEqual({ kind: 'ok' }));

  it.each([
    [5, true],
    [6, true],
    [11, false],
  ])('status %i is a refused recipient (failed delivery viber:%i, addressInactive %s)', (status, inactive) => {
    const v = classifyStatus('send_message', status);
    expect(v).toMatchObject({ kind: 'recipient', code: `viber:${status}`, addressInactive: inactive });
  });

  it.each([12, 18])('status %i is a rate limit: transient with a pause', (status) => {
    const v = classifyStatus('send_message', status);
    if (v.kind !== 'error') throw new Error('expected an error');
    expect(v.error).toBeInstanceOf(TransientError);
    expect((v.error as TransientError).retryAfterMs).toBe(RATE_LIMIT_RETRY_MS);
  });

  it.each([1, 2, 3, 4, 7, 8, 9, 10, 13, 14, 15, 16, 17, 19, 20, 99])('status %i is permanent', (status) => {
    const v = classifyStatus('send_message', status);
    if (v.kind !== 'error') throw new Error('expected an error');
    expect(failureClassOf(v.error)).toBe('permanent');
    expect(v.error.message).toContain(`status ${status} (${statusName(status)})`);
  });

  it('HTTP: 401/403 permanent, 429/5xx/others transient with Retry-After honoured', () => {
    expect(classifyHttpStatus('send_message', 401, null)).toBeInstanceOf(PermanentError);
    expect(classifyHttpStatus('send_message', 403, null)).toBeInstanceOf(PermanentError);
    const limited = classifyHttpStatus('send_message', 429, '3');
    expect(limited).toBeInstanceOf(TransientError);
    expect((limited as TransientError).retryAfterMs).toBe(3000);
    for (const s of [400, 404, 500, 502, 503, 504]) expect(failureClassOf(classifyHttpStatus('send_message', s, null))).toBe('transient');
  });

  it('network failures and aborts are transient and name only the system error code', () => {
    const reset = classifyNetworkError('send_message', Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'secret detail' } }), new AbortController().signal);
    expect(reset).toBeInstanceOf(TransientError);
    expect(reset.message).toBe('Viber send_message: network error (ECONNRESET)');
    const ac = new AbortController();
    ac.abort();
    expect(classifyNetworkError('send_message', new Error('x'), ac.signal).message).toMatch(/timed out/);
    expect(classifyNetworkError('send_message', Object.assign(new Error('t'), { name: 'TimeoutError' }), new AbortController().signal).message).toMatch(/timed out/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
