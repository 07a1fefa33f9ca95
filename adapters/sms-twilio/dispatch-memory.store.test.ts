import { TransientError } from '../../contracts';
import { DispatchMemory } from './dispatch-memory.store';

describe('DispatchMemory', () => {
  it('evicts the least recently used dispatch beyond its capacity', () => {
    const m = new DispatchMemory<string>(2);
    m.remember('a', 'A');
    m.remember('b', 'B');
    m.get('a'); // a is now younger than b
    m.remember('c', 'C');
    expect(m.size).toBe(2);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'A' });
  });

  it('keeps the earliest uncertain attempt and never downgrades a done one', () => {
    const m = new DispatchMemory<string>();
    m.markUncertain('a', 200);
    m.markUncertain('a', 100);
    m.markUncertain('a', 300);
    expect(m.get('a')).toEqual({ kind: 'uncertain', sinceMs: 100 });
    m.remember('a', 'A');
    m.markUncertain('a', 400);
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'A' });
  });

  it('lets a concurrent duplicate wait for the call in flight instead of running again', async () => {
    const m = new DispatchMemory<string>();
    let runs = 0;
    let release!: (v: string) => void;
    const run = () => {
      runs++;
      return new Promise<string>((r) => (release = r));
    };
    const first = m.once('a', AbortSignal.timeout(5000), run);
    const second = m.once('a', AbortSignal.timeout(5000), run);
    release('A');
    expect(await first).toEqual({ outcome: 'A', joined: false });
    expect(await second).toEqual({ outcome: 'A', joined: true });
    expect(runs).toBe(1);
  });

  it('hands the first call’s error to the duplicate, and runs afresh once nothing is in flight', async () => {
    const m = new DispatchMemory<string>();
    let fail!: (e: Error) => void;
    const first = m.once('a', AbortSignal.timeout(5000), () => new Promise<string>((_, r) => (fail = r)));
    const second = m.once('a', AbortSignal.timeout(5000), async () => 'never');
    fail(new TransientError('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toThrow('boom');
    await expect(m.once('a', AbortSignal.timeout(5000), async () => 'again')).resolves.toEqual({ outcome: 'again', joined: false });
  });

  it('gives up waiting when the duplicate’s own signal aborts, with a transient error', async () => {
    const m = new DispatchMemory<string>();
    let release!: (v: string) => void;
    const first = m.once('a', AbortSignal.timeout(5000), () => new Promise<string>((r) => (release = r)));
    const ac = new AbortController();
    const second = m.once('a', ac.signal, async () => 'never');
    ac.abort();
    await expect(second).rejects.toBeInstanceOf(TransientError);
    release('A');
    await expect(first).resolves.toEqual({ outcome: 'A', joined: false });
  });
});
