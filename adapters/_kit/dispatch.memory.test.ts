import { failureClassOf, TransientError, type HandleOutcome } from '../../contracts';
import { DEFAULT_DISPATCH_MEMORY_CAPACITY, DispatchMemory, markReplayed, untilAborted } from './dispatch.memory';

/** A promise with its resolve/reject handles, to hold a call in flight. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A signal that never aborts. */
const never = () => new AbortController().signal;

describe('DispatchMemory: what is remembered', () => {
  it('evicts the least recently used dispatch beyond its capacity; reading refreshes', () => {
    const m = new DispatchMemory<string>({ capacity: 3 });
    ['a', 'b', 'c'].forEach((id) => m.remember(id, id.toUpperCase()));
    m.get('a'); // a becomes the youngest; b is the oldest now
    m.remember('d', 'D');
    expect(m.size).toBe(3);
    expect(m.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => m.get(id))).toEqual([
      { kind: 'done', outcome: 'A' },
      { kind: 'done', outcome: 'C' },
      { kind: 'done', outcome: 'D' },
    ]);
  });

  it('holds 20 000 dispatches by default', () => {
    expect(DEFAULT_DISPATCH_MEMORY_CAPACITY).toBe(20_000);
    const m = new DispatchMemory<number>();
    for (let i = 0; i < 20_001; i += 1) m.remember(`d-${i}`, i);
    expect(m.size).toBe(20_000);
    expect(m.get('d-0')).toBeUndefined();
    expect(m.get('d-20000')).toEqual({ kind: 'done', outcome: 20_000 });
  });

  it('refuses a useless capacity', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => new DispatchMemory({ capacity })).toThrow(RangeError);
  });

  it('replaces an uncertain note by default and never downgrades a final outcome; forget drops either', () => {
    const m = new DispatchMemory<string, { body: string }>();
    const first = { body: '{"a":1}' };
    const second = { body: '{"a":2}' };
    m.markUncertain('a', first);
    m.markUncertain('a', second);
    expect(m.get('a')).toEqual({ kind: 'uncertain', note: second });
    m.remember('a', 'sent');
    m.markUncertain('a', first);
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'sent' });
    m.forget('a');
    expect(m.get('a')).toBeUndefined();
    m.markUncertain('b', first);
    m.forget('b');
    expect(m.get('b')).toBeUndefined();
  });

  it('merges uncertain notes when asked (the earliest attempt’s start is kept)', () => {
    const m = new DispatchMemory<string, number>();
    m.markUncertain('a', 200, Math.min);
    m.markUncertain('a', 100, Math.min);
    m.markUncertain('a', 300, Math.min);
    expect(m.get('a')).toEqual({ kind: 'uncertain', note: 100 });
    m.remember('a', 'A');
    m.markUncertain('a', 400, Math.min);
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'A' });
  });

  it('counts uncertain marks against the capacity and evicts them like outcomes', () => {
    const m = new DispatchMemory<string, true>({ capacity: 2 });
    m.markUncertain('a', true);
    m.remember('b', 'B');
    m.remember('c', 'C');
    expect(m.size).toBe(2);
    expect(m.get('a')).toBeUndefined();
  });

  it('lists final outcomes oldest first without touching recency', () => {
    const m = new DispatchMemory<string, number>({ capacity: 3 });
    m.remember('a', 'A');
    m.markUncertain('b', 1);
    m.remember('c', 'C');
    expect([...m.outcomes()]).toEqual(['A', 'C']);
    m.remember('d', 'D'); // a is still the oldest: listing did not refresh it
    expect(m.get('a')).toBeUndefined();
  });

  it('forgets everything on clear', () => {
    const m = new DispatchMemory<string>();
    m.remember('a', 'A');
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get('a')).toBeUndefined();
  });
});

describe('DispatchMemory.once', () => {
  it('runs once per id and answers repeats from memory', async () => {
    const m = new DispatchMemory<string>();
    const run = jest.fn(async () => 'report');
    expect(await m.once('a', never(), run)).toEqual({ outcome: 'report', from: 'run' });
    expect(await m.once('a', never(), run)).toEqual({ outcome: 'report', from: 'memory' });
    expect(run).toHaveBeenCalledTimes(1);
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'report' });
  });

  it('answers an outcome remembered by hand (another member of a batch) without running', async () => {
    const m = new DispatchMemory<string>();
    m.remember('a', 'from the batch');
    const run = jest.fn(async () => 'never');
    expect(await m.once('a', never(), run)).toEqual({ outcome: 'from the batch', from: 'memory' });
    expect(run).not.toHaveBeenCalled();
  });

  it('refreshes a remembered dispatch it answers', async () => {
    const m = new DispatchMemory<number>({ capacity: 3 });
    for (const id of ['a', 'b', 'c']) await m.once(id, never(), async () => 1);
    await m.once('a', never(), async () => 2); // touches a
    await m.once('d', never(), async () => 1); // evicts b
    expect(m.size).toBe(3);
    expect((await m.once('a', never(), async () => 9)).from).toBe('memory');
    expect((await m.once('b', never(), async () => 9)).from).toBe('run');
  });

  it('runs again for a dispatch that is only uncertain, and the outcome replaces the mark', async () => {
    const m = new DispatchMemory<string, true>();
    m.markUncertain('a', true);
    expect(await m.once('a', never(), async () => 'sent')).toEqual({ outcome: 'sent', from: 'run' });
    expect(m.get('a')).toEqual({ kind: 'done', outcome: 'sent' });
  });

  it('lets a concurrent duplicate wait for the call in flight instead of running again', async () => {
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const run = jest.fn(() => gate.promise);
    const first = m.once('a', never(), run);
    const second = m.once('a', never(), run);
    gate.resolve('sent');
    expect(await first).toEqual({ outcome: 'sent', from: 'run' });
    expect(await second).toEqual({ outcome: 'sent', from: 'in-flight' });
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('hands the first call’s error to the duplicate, does not remember it, and runs afresh afterwards', async () => {
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const first = m.once('a', never(), () => gate.promise);
    const second = m.once('a', never(), async () => 'never');
    gate.reject(new TransientError('503'));
    await expect(first).rejects.toThrow('503');
    await expect(second).rejects.toThrow('503');
    expect(m.get('a')).toBeUndefined();
    expect(await m.once('a', never(), async () => 'again')).toEqual({ outcome: 'again', from: 'run' });
  });

  it('keeps an uncertain mark the failing call made, for its retry', async () => {
    const m = new DispatchMemory<string, number>();
    const err = m.once('a', never(), async () => {
      m.markUncertain('a', 42);
      throw new TransientError('reset');
    });
    await expect(err).rejects.toThrow('reset');
    expect(m.get('a')).toEqual({ kind: 'uncertain', note: 42 });
  });

  it('turns a run that throws at once into a rejection, leaving nothing in flight', async () => {
    const m = new DispatchMemory<string>();
    await expect(
      m.once('a', never(), () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(await m.once('a', never(), async () => 'ok')).toEqual({ outcome: 'ok', from: 'run' });
  });

  it('gives up waiting when the duplicate’s own signal aborts, with a TransientError; the first call goes on', async () => {
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const first = m.once('a', never(), () => gate.promise);
    const ac = new AbortController();
    const second = m.once('a', ac.signal, async () => 'never');
    ac.abort();
    await expect(second).rejects.toBeInstanceOf(TransientError);
    await expect(second).rejects.toThrow('gave up waiting for the same dispatch already in flight');
    gate.resolve('sent');
    expect(await first).toEqual({ outcome: 'sent', from: 'run' });
  });

  it('rejects at once a duplicate whose signal has already aborted', async () => {
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const first = m.once('a', never(), () => gate.promise);
    await expect(m.once('a', AbortSignal.abort(), async () => 'never')).rejects.toBeInstanceOf(TransientError);
    gate.resolve('sent');
    await first;
  });

  it('words the give-up error as the adapter asks, with the signal at hand', async () => {
    const fixed = new DispatchMemory<string>({ abortedWait: 'Viber send_message: timed out waiting' });
    const byReason = new DispatchMemory<string>({ abortedWait: (s) => `aborted while waiting (${(s.reason as Error).name})` });
    for (const m of [fixed, byReason]) void m.once('a', never(), () => new Promise<string>(() => undefined));
    await expect(fixed.once('a', AbortSignal.abort(), async () => 'x')).rejects.toThrow('Viber send_message: timed out waiting');
    const ac = new AbortController();
    const waiting = byReason.once('a', ac.signal, async () => 'x');
    ac.abort(Object.assign(new Error('deadline'), { name: 'TimeoutError' }));
    await expect(waiting).rejects.toThrow('aborted while waiting (TimeoutError)');
  });

  it('remembers the outcome of a call whose caller stopped waiting, for the retry', async () => {
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const ac = new AbortController();
    const caller = untilAborted(
      m.once('a', ac.signal, () => gate.promise),
      ac.signal,
      'gave up',
    );
    ac.abort();
    await expect(caller).rejects.toThrow('gave up');
    gate.resolve('sent');
    await m.settled();
    expect(await m.once('a', never(), async () => 'never')).toEqual({ outcome: 'sent', from: 'memory' });
  });

  it('leaves no unhandled rejection when every caller stopped waiting and the call then fails', async () => {
    // Jest fails the test on an unhandled rejection surfacing while it runs: the waits below let it surface.
    const m = new DispatchMemory<string>();
    const gate = deferred<string>();
    const ac = new AbortController();
    const caller = untilAborted(
      m.once('a', ac.signal, () => gate.promise),
      ac.signal,
      'gave up',
    );
    ac.abort();
    await expect(caller).rejects.toThrow('gave up');
    gate.reject(new TransientError('late failure'));
    await m.settled();
    for (let i = 0; i < 3; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(m.get('a')).toBeUndefined();
  });

  it('settles once every call in flight has', async () => {
    const m = new DispatchMemory<string>();
    const ok = deferred<string>();
    const bad = deferred<string>();
    void m.once('a', never(), () => ok.promise);
    m.once('b', never(), () => bad.promise).catch(() => undefined);
    let settled = false;
    const all = m.settled().then(() => (settled = true));
    ok.resolve('sent');
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    bad.reject(new Error('down'));
    await all;
    expect(settled).toBe(true);
    await expect(new DispatchMemory().settled()).resolves.toBeUndefined();
  });

  it('keeps dispatches apart', async () => {
    const m = new DispatchMemory<string>();
    const [a, b] = await Promise.all([m.once('a', never(), async () => 'A'), m.once('b', never(), async () => 'B')]);
    expect([a, b]).toEqual([
      { outcome: 'A', from: 'run' },
      { outcome: 'B', from: 'run' },
    ]);
  });
});

describe('untilAborted', () => {
  it('stops waiting with a transient error when the caller aborts, and passes results and errors through', async () => {
    const c = new AbortController();
    const waiting = untilAborted(new Promise<string>(() => undefined), c.signal, 'the call was aborted').catch((e: unknown) => e);
    c.abort();
    expect(failureClassOf(await waiting)).toBe('transient');
    expect(await untilAborted(Promise.resolve('ok'), never(), 'x')).toBe('ok');
    await expect(untilAborted(Promise.reject(new Error('boom')), never(), 'x')).rejects.toThrow('boom');
    await expect(untilAborted(Promise.resolve('late'), AbortSignal.abort(), 'the call was aborted')).rejects.toThrow(/aborted/);
  });

  it('stops listening to the signal once the promise settles', async () => {
    const c = new AbortController();
    const remove = jest.spyOn(c.signal, 'removeEventListener');
    await untilAborted(Promise.resolve(1), c.signal, 'x');
    await expect(untilAborted(Promise.reject(new Error('e')), c.signal, 'x')).rejects.toThrow('e');
    expect(remove).toHaveBeenCalledTimes(2);
  });
});

describe('markReplayed', () => {
  it('marks where a repeated outcome came from, keeping the rest and the original untouched', () => {
    const outcome: HandleOutcome = { results: [], deliveries: [], summary: { request: { dispatchId: 'd' }, response: { status: 'sent' } } };
    expect(markReplayed(outcome, 'memory').summary).toEqual({ request: { dispatchId: 'd' }, response: { status: 'sent', replayed: 'memory' } });
    expect(markReplayed(outcome, 'in-flight').summary?.response).toMatchObject({ replayed: 'in-flight' });
    expect(outcome.summary?.response).toEqual({ status: 'sent' });
    expect(markReplayed({ results: [] }, 'memory').summary).toEqual({ request: undefined, response: { replayed: 'memory' } });
  });
});
