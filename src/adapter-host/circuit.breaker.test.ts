import { CircuitBreaker } from './circuit.breaker';
import { RateLimiter } from './rate.limiter';

describe('CircuitBreaker', () => {
  it('opens after consecutive transient failures, lets one trial through after the pause, closes on success', () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker(
      { failureThreshold: 3, openMs: 10_000 },
      () => now,
      (s) => changes.push(s),
    );
    b.failure();
    b.failure();
    expect(b.acquire()).toEqual({ allowed: true });
    b.failure();
    expect(b.state()).toBe('open');
    expect(b.acquire()).toEqual({ allowed: false, retryAfterMs: 10_000 });
    now = 10_000;
    expect(b.state()).toBe('half-open');
    expect(b.acquire()).toEqual({ allowed: true });
    expect(b.acquire()).toMatchObject({ allowed: false }); // only one trial at a time
    b.success();
    expect(b.state()).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
  });

  it('a failed trial opens the circuit again', () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 1, openMs: 1000 }, () => now);
    b.failure();
    now = 1000;
    expect(b.acquire()).toEqual({ allowed: true });
    b.failure();
    expect(b.state()).toBe('open');
  });

  it('a success resets the failure count', () => {
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 });
    b.failure();
    b.success();
    b.failure();
    expect(b.state()).toBe('closed');
  });
});

describe('RateLimiter', () => {
  it('lets a burst through, then spaces calls at the configured rate', async () => {
    const limiter = new RateLimiter(20, 5);
    const start = Date.now();
    await Promise.all(Array.from({ length: 15 }, () => limiter.take()));
    const elapsed = Date.now() - start;
    // 5 immediately, 10 more at 20/s: about 500 ms.
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
  });

  it('lets an ordinary call go before bulk calls that were waiting longer', async () => {
    const limiter = new RateLimiter(20, 1);
    const order: string[] = [];
    await limiter.take();
    const bulk = Array.from({ length: 5 }, (_, i) => limiter.take(true).then(() => order.push(`bulk-${i}`)));
    const normal = limiter.take().then(() => order.push('normal'));
    await Promise.all([...bulk, normal]);
    expect(order[0]).toBe('normal');
    expect(order.slice(1)).toEqual(['bulk-0', 'bulk-1', 'bulk-2', 'bulk-3', 'bulk-4']);
  });
});

describe('CircuitBreaker opened by hand', () => {
  it('stays open whatever the calls say until released; release closes it and forgets the failures', async () => {
    let now = 0;
    const changes: string[] = [];
    const b = new CircuitBreaker(
      { failureThreshold: 2, openMs: 1000 },
      () => now,
      (s) => changes.push(s),
    );
    b.failure();
    b.forceOpen();
    expect(b.state()).toBe('open');
    expect(b.isForced()).toBe(true);
    now = 10_000; // long past openMs: no half-open trial while forced
    expect(b.state()).toBe('open');
    expect(b.acquire()).toMatchObject({ allowed: false });
    b.success();
    expect(b.state()).toBe('open');
    let released = false;
    const wait = b.whenReleased().then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    b.release();
    await wait;
    expect(released).toBe(true);
    expect(b.state()).toBe('closed');
    b.failure(); // the failure before the opening was forgotten: one more does not open it
    expect(b.state()).toBe('closed');
    expect(changes).toEqual(['open', 'closed']);
  });

  it('abandons waits on shutdown', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, openMs: 1000 });
    b.forceOpen();
    const wait = b.whenReleased();
    b.abandonWaits(new Error('stopping'));
    await expect(wait).rejects.toThrow('stopping');
    await expect(new CircuitBreaker({ failureThreshold: 1, openMs: 1 }).whenReleased()).resolves.toBeUndefined();
  });
});
