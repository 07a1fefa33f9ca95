import { MockAdminError } from '../_kit';
import { DEFAULT_ACCOUNT, resolveTwilioOptions } from './twilio-mock.options';

describe('resolveTwilioOptions', () => {
  it('fills in the defaults', () => {
    const o = resolveTwilioOptions({});
    expect(o.accounts).toEqual([DEFAULT_ACCOUNT]);
    expect(DEFAULT_ACCOUNT.sid).toMatch(/^AC[0-9a-f]{32}$/);
    expect(o.autoProgress).toEqual({ enabled: true, sentAfterMs: 20, deliveredAfterMs: 60 });
    expect(o).toMatchObject({ host: '127.0.0.1', port: 0, outOfOrderCallbacks: false, ratePerSecond: null, callbackRetries: 3, messagingServices: null });
  });

  it('keeps deliveredAfterMs at least sentAfterMs when only sentAfterMs is given', () => {
    expect(resolveTwilioOptions({ autoProgress: { sentAfterMs: 500 } }).autoProgress.deliveredAfterMs).toBe(500);
  });

  it('reports every problem at once, unknown keys included', () => {
    let err: unknown;
    try {
      resolveTwilioOptions({
        accounts: [{ sid: 'AC123', authToken: '' }],
        autoProgress: { enabled: 'yes', sentAfterMs: 100, deliveredAfterMs: 50, extra: 1 },
        ratePerSecond: 0,
        callbackRetries: -1,
        messagingServices: ['XX'],
        outOfOrderCallback: true,
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MockAdminError);
    const problems = ((err as MockAdminError).details as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^outOfOrderCallback is not an option \(host, port, /),
        'accounts[0].sid must be AC followed by 32 lower-case hex digits',
        'autoProgress.extra is not an option (enabled, sentAfterMs, deliveredAfterMs)',
        'autoProgress.enabled must be a boolean',
        'autoProgress.deliveredAfterMs must not be less than sentAfterMs',
        'ratePerSecond must be an integer from 1 to 1000000',
        'callbackRetries must be an integer from 0 to 10',
        'messagingServices must be an array of MG followed by 32 hex digits',
      ]),
    );
  });

  it('refuses repeated account SIDs, empty tokens and a non-object', () => {
    const sid = 'AC' + 'b'.repeat(32);
    expect(() =>
      resolveTwilioOptions({
        accounts: [
          { sid, authToken: 'x' },
          { sid, authToken: 'y' },
        ],
      }),
    ).toThrow(/repeated/);
    expect(() => resolveTwilioOptions({ accounts: [{ sid, authToken: '' }] })).toThrow(/authToken/);
    expect(() => resolveTwilioOptions({ accounts: [] })).toThrow(/non-empty/);
    expect(() => resolveTwilioOptions('x')).toThrow(MockAdminError);
  });
});
