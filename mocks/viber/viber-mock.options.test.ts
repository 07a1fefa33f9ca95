import { DEFAULT_SETTINGS, resolveViberOptions, mergeSettings, type ViberMockOptions } from './viber-mock.options';

describe('viber mock options', () => {
  it('defaults to one bot with a realistic token and autoProgress 40/120 ms', () => {
    const o = resolveViberOptions();
    expect(o.accounts).toEqual([expect.objectContaining({ authToken: '4453b6ac12345678-e02c5f12174805f9-9f4c5d6e7a8b9c0d', name: 'Cabinet Demo', uri: 'cabinetdemo' })]);
    expect(o.settings).toEqual({
      autoCreateUsers: false,
      autoProgress: { enabled: true, deliveredAfterMs: 40, seenAfterMs: 120 },
      ratePerSecond: null,
      callbackRetries: 3,
      requireHttpsWebhook: false,
      webhookRequiredToSend: true,
    });
    expect(o.host).toBe('127.0.0.1');
  });

  it('merges partial autoProgress', () => {
    expect(resolveViberOptions({ autoProgress: { seenAfterMs: 5 } }).settings.autoProgress).toEqual({ enabled: true, deliveredAfterMs: 40, seenAfterMs: 5 });
  });

  it('lists every problem of invalid options', () => {
    const bad = {
      accounts: [
        { authToken: 'short', name: '' },
        { authToken: 'short', name: 'x', extra: 1 },
      ],
      ratePerSecond: 0,
      autoProgress: { enabled: 'yes', later: 1 },
      callbackRetries: -1,
      port: 70000,
      nonsense: true,
    } as unknown as ViberMockOptions;
    try {
      resolveViberOptions(bad);
      throw new Error('expected a throw');
    } catch (err) {
      const problems = (err as { details: { problems: string[] } }).details.problems;
      expect(err).toMatchObject({ status: 400 });
      expect(problems.join('\n')).toMatch(/nonsense is not an option/);
      expect(problems.join('\n')).toMatch(/accounts\[0\]\.authToken/);
      expect(problems.join('\n')).toMatch(/accounts\[1\]\.extra is unknown/);
      expect(problems.join('\n')).toMatch(/ratePerSecond/);
      expect(problems.join('\n')).toMatch(/autoProgress\.enabled/);
      expect(problems.join('\n')).toMatch(/autoProgress\.later/);
      expect(problems.join('\n')).toMatch(/callbackRetries/);
      expect(problems.join('\n')).toMatch(/port/);
    }
    expect(() => resolveViberOptions({ accounts: [] })).toThrow(/non-empty/);
    expect(() =>
      resolveViberOptions({
        accounts: [
          { authToken: 'aaaaaaaaaa', name: 'a' },
          { authToken: 'aaaaaaaaaa', name: 'b' },
        ],
      }),
    ).toThrow(/used twice/);
  });

  it('refuses non-object settings patches', () => {
    expect(() => mergeSettings(DEFAULT_SETTINGS, [1])).toThrow(/JSON object/);
    expect(mergeSettings(DEFAULT_SETTINGS, { ratePerSecond: null, autoCreateUsers: true })).toMatchObject({ ratePerSecond: null, autoCreateUsers: true });
  });
});
