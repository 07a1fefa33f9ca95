import { whenAllAborted } from './abort-signal.helper';

// `untilAborted`, formerly here as well, is the shared kit's now (adapters/_kit/dispatch.memory.test.ts).
describe('whenAllAborted', () => {
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
});
