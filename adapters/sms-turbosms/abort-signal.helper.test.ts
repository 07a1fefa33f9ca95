import { failureClassOf } from '../../contracts';
import { untilAborted, whenAllAborted } from './abort-signal.helper';

describe('abort helpers', () => {
  it('aborts a group only when every member has aborted', () => {
    const a = new AbortController();
    const b = new AbortController();
    const group = whenAllAborted([a.signal, b.signal]);
    a.abort();
    expect(group.signal.aborted).toBe(false);
    b.abort();
    expect(group.signal.aborted).toBe(true);
    group.dispose();
    expect(whenAllAborted([AbortSignal.abort()]).signal.aborted).toBe(true);
  });

  it('stops waiting with a transient error when the caller aborts, and passes results and errors through', async () => {
    const c = new AbortController();
    const never = new Promise<string>(() => undefined);
    const waiting = untilAborted(never, c.signal).catch((e: unknown) => e);
    c.abort();
    expect(failureClassOf(await waiting)).toBe('transient');
    expect(await untilAborted(Promise.resolve('ok'), new AbortController().signal)).toBe('ok');
    await expect(untilAborted(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
    await expect(untilAborted(Promise.resolve('late'), AbortSignal.abort())).rejects.toThrow(/aborted/);
  });
});
