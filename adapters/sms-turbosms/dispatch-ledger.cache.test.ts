import { DispatchLedger } from './dispatch-ledger.cache';

describe('DispatchLedger', () => {
  it('remembers outcomes and pending batches; a final outcome is never replaced by a pending mark', () => {
    const ledger = new DispatchLedger<string, { body: string }>();
    const batch = { body: '{}' };
    ledger.markPending('a', batch);
    expect(ledger.get('a')).toEqual({ kind: 'pending', batch });
    ledger.remember('a', 'sent');
    ledger.markPending('a', batch);
    expect(ledger.get('a')).toEqual({ kind: 'done', value: 'sent' });
    ledger.forget('a');
    expect(ledger.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its capacity', () => {
    const ledger = new DispatchLedger<number, never>(3);
    ['a', 'b', 'c'].forEach((id, i) => ledger.remember(id, i));
    ledger.get('a'); // a becomes the youngest; b is the oldest now
    ledger.remember('d', 3);
    expect(ledger.size).toBe(3);
    expect(ledger.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => ledger.get(id)?.kind)).toEqual(['done', 'done', 'done']);
  });

  it('holds 20 000 dispatches by default', () => {
    const ledger = new DispatchLedger<number, never>();
    for (let i = 0; i < 20_001; i += 1) ledger.remember(String(i), i);
    expect(ledger.size).toBe(20_000);
    expect(ledger.get('0')).toBeUndefined();
    expect(ledger.get('20000')).toEqual({ kind: 'done', value: 20_000 });
  });
});
