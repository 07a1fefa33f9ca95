import { TransientError } from '../../contracts';
import { DispatchLedger } from './dispatch-ledger.cache';

const never = () => new AbortController().signal;

describe('DispatchLedger', () => {
  it('runs once per key and answers repeats from memory', async () => {
    const ledger = new DispatchLedger<string>();
    const fn = jest.fn(async () => 'report');
    expect(await ledger.once('d1', fn, never())).toEqual({ value: 'report', repeated: false });
    expect(await ledger.once('d1', fn, never())).toEqual({ value: 'report', repeated: true });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('makes a concurrent duplicate wait for the first call', async () => {
    const ledger = new DispatchLedger<string>();
    let release!: (v: string) => void;
    const fn = jest.fn(() => new Promise<string>((r) => (release = r)));
    const first = ledger.once('d1', fn, never());
    const second = ledger.once('d1', fn, never());
    release('report');
    expect(await first).toEqual({ value: 'report', repeated: false });
    expect(await second).toEqual({ value: 'report', repeated: true });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('forgets failures, so the retry really runs; a concurrent duplicate shares the failure', async () => {
    const ledger = new DispatchLedger<string>();
    let fail!: (e: Error) => void;
    const first = ledger.once('d1', () => new Promise<string>((_, rej) => (fail = rej)), never());
    const second = ledger.once('d1', async () => 'never called', never());
    fail(new TransientError('503'));
    await expect(first).rejects.toThrow('503');
    await expect(second).rejects.toThrow('503');
    expect(await ledger.once('d1', async () => 'ok', never())).toEqual({ value: 'ok', repeated: false });
  });

  it('stops a waiting duplicate when its own signal aborts', async () => {
    const ledger = new DispatchLedger<string>();
    void ledger.once('d1', () => new Promise<string>(() => undefined), never());
    const ac = new AbortController();
    const waiting = ledger.once('d1', async () => 'x', ac.signal);
    ac.abort();
    await expect(waiting).rejects.toBeInstanceOf(TransientError);
  });

  it('is bounded, evicting the least recently used key', async () => {
    const ledger = new DispatchLedger<number>(3);
    for (const k of ['a', 'b', 'c']) await ledger.once(k, async () => 1, never());
    await ledger.once('a', async () => 2, never()); // touches a
    await ledger.once('d', async () => 1, never()); // evicts b
    expect(ledger.size).toBe(3);
    expect((await ledger.once('a', async () => 9, never())).repeated).toBe(true);
    expect((await ledger.once('b', async () => 9, never())).repeated).toBe(false);
  });
});
