import { RateLimiter } from './viber-rate.limiter';

describe('RateLimiter', () => {
  it('allows perSecond calls per key and second, then refuses until the next second', () => {
    let now = 1_700_000_000_000;
    const rl = new RateLimiter(() => now);
    expect([1, 2, 3].map(() => rl.allow('bot', 2))).toEqual([true, true, false]);
    expect(rl.allow('other-bot', 2)).toBe(true);
    now += 1000;
    expect(rl.allow('bot', 2)).toBe(true);
    expect(rl.allow('bot', null)).toBe(true);
    rl.reset();
    expect(rl.allow('bot', 1)).toBe(true);
    expect(rl.allow('bot', 1)).toBe(false);
  });
});
