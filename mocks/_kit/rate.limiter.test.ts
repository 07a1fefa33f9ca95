import { FixedWindowLimiter } from './rate.limiter';

describe('FixedWindowLimiter', () => {
  it('allows perSecond calls per key and second, then refuses until the next second', () => {
    let now = 1_700_000_000_000;
    const rl = new FixedWindowLimiter(() => now);
    expect([1, 2, 3].map(() => rl.take('bot', 2))).toEqual([true, true, false]);
    expect(rl.take('other-bot', 2)).toBe(true);
    now += 1000;
    expect(rl.take('bot', 2)).toBe(true);
    expect(rl.take('bot', null)).toBe(true);
    rl.reset();
    expect(rl.take('bot', 1)).toBe(true);
    expect(rl.take('bot', 1)).toBe(false);
  });

  it('does not count a refused call, answers allows() without counting, and says how long until the window ends', () => {
    let now = 1_700_000_000_250;
    const rl = new FixedWindowLimiter(() => now);
    expect(rl.allows('chat', 1)).toBe(true);
    expect(rl.take('chat', 1)).toBe(true);
    expect(rl.allows('chat', 1)).toBe(false);
    expect(rl.take('chat', 1)).toBe(false);
    expect(rl.retryAfterSeconds()).toBe(1);
    now += 750;
    expect(rl.take('chat', 1)).toBe(true);
  });
});
