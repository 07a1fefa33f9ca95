import { TransientError } from '../../contracts';
import { DispatchLedger } from './dispatch-ledger.cache';

/** A promise with its resolve/reject handles, to hold a "send" in flight. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('dispatch ledger', () => {
  it('remembers outcomes and evicts the least recently used beyond capacity', () => {
    const ledger = new DispatchLedger<string>(2);
    ledger.remember('a', 'A');
    ledger.remember('b', 'B');
    expect(ledger.get('a')).toBe('A'); // a is now the most recent
    ledger.remember('c', 'C');
    expect(ledger.get('b')).toBeUndefined();
    expect(ledger.get('a')).toBe('A');
    expect(ledger.get('c')).toBe('C');
    expect(ledger.size).toBe(2);
  });

  it('holds 20 000 dispatches by default', () => {
    const ledger = new DispatchLedger<number>();
    for (let i = 0; i < 20_001; i++) ledger.remember(`d-${i}`, i);
    expect(ledger.size).toBe(20_000);
    expect(ledger.get('d-0')).toBeUndefined();
    expect(ledger.get('d-20000')).toBe(20_000);
  });

  it('refuses a useless capacity', () => {
    expect(() => new DispatchLedger(0)).toThrow(RangeError);
  });

  it('lets a concurrent duplicate wait for the first run instead of running again', async () => {
    const ledger = new DispatchLedger<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = () => (runs++, gate.promise);
    const first = ledger.once('d', AbortSignal.timeout(5_000), work);
    const second = ledger.once('d', AbortSignal.timeout(5_000), work);
    gate.resolve('sent');
    expect(await first).toEqual({ value: 'sent', joined: false });
    expect(await second).toEqual({ value: 'sent', joined: true });
    expect(runs).toBe(1);
  });

  it('shares the first run`s failure, then lets a later call run again', async () => {
    const ledger = new DispatchLedger<string>();
    const gate = deferred<string>();
    const first = ledger.once('d', AbortSignal.timeout(5_000), () => gate.promise);
    const second = ledger.once('d', AbortSignal.timeout(5_000), () => Promise.resolve('never'));
    gate.reject(new TransientError('451'));
    await expect(first).rejects.toThrow('451');
    await expect(second).rejects.toThrow('451');
    expect(await ledger.once('d', AbortSignal.timeout(5_000), async () => 'sent')).toEqual({ value: 'sent', joined: false });
  });

  it('lets a waiting duplicate give up on its own signal while the first run goes on', async () => {
    const ledger = new DispatchLedger<string>();
    const gate = deferred<string>();
    const first = ledger.once('d', AbortSignal.timeout(5_000), () => gate.promise);
    const ctl = new AbortController();
    const second = ledger.once('d', ctl.signal, () => Promise.resolve('never'));
    ctl.abort();
    await expect(second).rejects.toBeInstanceOf(TransientError);
    gate.resolve('sent');
    expect((await first).value).toBe('sent');
  });
});
