import { MicroBatcher } from './micro-batch.queue';

interface Item {
  phone: string;
  n: number;
}

/** A batcher whose sender records each batch and answers `<key>:<n>` per item. */
function recording(maxSize: number, windowMs: number) {
  const batches: { key: string; items: Item[] }[] = [];
  const batcher = new MicroBatcher<Item, string>({ maxSize, windowMs, memberOf: (i) => i.phone }, async (key, items) => {
    batches.push({ key, items: [...items] });
    return items.map((i) => `${key}:${i.n}`);
  });
  return { batcher, batches };
}

describe('MicroBatcher', () => {
  it('collects items of one key within the window and gives each caller its own result', async () => {
    const { batcher, batches } = recording(10, 20);
    const results = await Promise.all([1, 2, 3].map((n) => batcher.add('a', { phone: `p${n}`, n })));
    expect(results).toEqual(['a:1', 'a:2', 'a:3']);
    expect(batches).toHaveLength(1);
  });

  it('sends at once when a batch is full, and keeps keys apart', async () => {
    const { batcher, batches } = recording(2, 10_000);
    const full = Promise.all([batcher.add('a', { phone: 'p1', n: 1 }), batcher.add('a', { phone: 'p2', n: 2 })]);
    expect(await full).toEqual(['a:1', 'a:2']);
    const other = batcher.add('b', { phone: 'p1', n: 3 });
    expect(batcher.waiting).toBe(1);
    await batcher.flushAll();
    expect(await other).toBe('b:3');
    expect(batches.map((b) => [b.key, b.items.length])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('starts a new batch rather than put one member in twice', async () => {
    const { batcher, batches } = recording(10, 10);
    await Promise.all([batcher.add('a', { phone: 'p1', n: 1 }), batcher.add('a', { phone: 'p2', n: 2 }), batcher.add('a', { phone: 'p1', n: 3 })]);
    expect(batches.map((b) => b.items.map((i) => i.n))).toEqual([[1, 2], [3]]);
  });

  it('rejects every caller of a batch whose send fails, and only them', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<Item, string>({ maxSize: 10, windowMs: 0, memberOf: (i) => i.phone }, async (_key, items) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return items.map(() => 'ok');
    });
    const failed = await Promise.allSettled([batcher.add('a', { phone: 'p1', n: 1 }), batcher.add('a', { phone: 'p2', n: 2 })]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batcher.add('a', { phone: 'p1', n: 3 })).toBe('ok');
  });

  it('rejects a caller the sender returned no result for', async () => {
    const batcher = new MicroBatcher<Item, string>({ maxSize: 10, windowMs: 0, memberOf: (i) => i.phone }, async () => ['only one']);
    const settled = await Promise.allSettled([batcher.add('a', { phone: 'p1', n: 1 }), batcher.add('a', { phone: 'p2', n: 2 })]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });
});
