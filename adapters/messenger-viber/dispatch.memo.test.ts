import { TransientError } from '../../contracts';
import { DispatchMemo } from './dispatch.memo';

const never = new AbortController().signal;

describe('dispatch memo', () => {
  it('runs once per id and replays the remembered outcome', async () => {
    const memo = new DispatchMemo<string>();
    const fn = jest.fn(async () => 'sent');
    expect(await memo.run('a', never, fn)).toEqual({ value: 'sent', replayed: false });
    expect(await memo.run('a', never, fn)).toEqual({ value: 'sent', replayed: true });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('makes a concurrent duplicate wait for the call in flight', async () => {
    const memo = new DispatchMemo<string>();
    let release!: (v: string) => void;
    const fn = jest.fn(() => new Promise<string>((r) => (release = r)));
    const first = memo.run('a', never, fn);
    const second = memo.run('a', never, fn);
    release('sent');
    expect(await first).toEqual({ value: 'sent', replayed: false });
    expect(await second).toEqual({ value: 'sent', replayed: true });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not remember failures, and hands the first failure to a waiting duplicate', async () => {
    const memo = new DispatchMemo<string>();
    let fail!: (e: Error) => void;
    const first = memo.run('a', never, () => new Promise<string>((_, j) => (fail = j)));
    const second = memo.run('a', never, async () => 'unused');
    fail(new TransientError('down'));
    await expect(first).rejects.toThrow('down');
    await expect(second).rejects.toThrow('down');
    expect(await memo.run('a', never, async () => 'sent')).toEqual({ value: 'sent', replayed: false });
  });

  it("a waiting duplicate gives up on its own deadline with a TransientError", async () => {
    const memo = new DispatchMemo<string>();
    let release!: (v: string) => void;
    const first = memo.run('a', never, () => new Promise<string>((r) => (release = r)));
    const ac = new AbortController();
    const second = memo.run('a', ac.signal, async () => 'unused');
    ac.abort();
    await expect(second).rejects.toBeInstanceOf(TransientError);
    release('sent');
    expect((await first).value).toBe('sent');
  });

  it('is bounded, evicting the least recently used', async () => {
    const memo = new DispatchMemo<number>(3);
    for (const id of ['a', 'b', 'c']) await memo.run(id, never, async () => 1);
    memo.get('a');
    await memo.run('d', never, async () => 1);
    expect(memo.size).toBe(3);
    expect(memo.get('b')).toBeUndefined();
    expect(memo.get('a')).toBe(1);
  });

  it('notes an unknown outcome once, and forgets it when the dispatch succeeds', async () => {
    const memo = new DispatchMemo<number>();
    memo.markUnknown('a');
    expect(memo.takeUnknown('a')).toBe(true);
    expect(memo.takeUnknown('a')).toBe(false);
    memo.markUnknown('b');
    await memo.run('b', never, async () => 1);
    expect(memo.takeUnknown('b')).toBe(false);
  });
});
