import { MockAdminError } from '../_kit';
import { resolveTurboOptions, type TurboSmsMockOptions } from './turbo-mock.options';

describe('TurboSMS mock options', () => {
  it('applies the documented defaults', () => {
    const o = resolveTurboOptions();
    expect(o).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      tokens: ['turbosms-demo-token'],
      senders: ['CityInfo', 'Cabinet'],
      duplicateWindowMs: 600_000,
      autoProgress: { enabled: true, deliveredAfterMs: 50, readAfterMs: 100 },
      balance: 100_000,
      maxRecipients: 5000,
    });
  });

  it('merges a partial autoProgress', () => {
    expect(resolveTurboOptions({ autoProgress: { readAfterMs: 7 } }).autoProgress).toEqual({ enabled: true, deliveredAfterMs: 50, readAfterMs: 7 });
  });

  it('lists every problem at once', () => {
    const bad = {
      port: 70_000,
      tokens: [],
      senders: [''],
      duplicateWindowMs: -1,
      autoProgress: { enabled: 1, later: true },
      balance: Number.NaN,
      maxRecipients: 0,
      colour: 'red',
    } as unknown as TurboSmsMockOptions;
    try {
      resolveTurboOptions(bad);
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(MockAdminError);
      const problems = ((err as MockAdminError).details as { problems: string[] }).problems;
      expect(problems).toHaveLength(9);
      expect(problems.join('\n')).toMatch(/colour is not an option/);
    }
  });

  it('refuses tokens with spaces', () => {
    expect(() => resolveTurboOptions({ tokens: ['a b'] })).toThrow(/tokens/);
  });
});
