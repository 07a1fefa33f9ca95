import { AckTracker } from './ack.tracker';

describe('AckTracker', () => {
  const make = () => {
    const sent: number[] = [];
    const t = new AckTracker((tag) => sent.push(tag));
    return { t, sent };
  };

  it('acks a finished run of deliveries with one frame naming the last tag', () => {
    const { t, sent } = make();
    [1, 2, 3, 4].forEach((n) => t.delivered(n));
    t.finish(1, true);
    t.finish(2, true);
    expect(sent).toEqual([1, 2]);
    t.finish(4, true); // 3 still open: nothing may be acked past it
    expect(sent).toEqual([1, 2]);
    t.finish(3, true);
    expect(sent).toEqual([1, 2, 4]);
  });

  it('never names a tag that was settled by nack; acks stop at the last acked tag', () => {
    const { t, sent } = make();
    [10, 11, 12].forEach((n) => t.delivered(n));
    t.finish(12, false);
    t.finish(11, true);
    expect(sent).toEqual([]);
    t.finish(10, true);
    expect(sent).toEqual([11]);
  });

  it('keeps working over many deliveries (internal compaction)', () => {
    const { t, sent } = make();
    for (let i = 1; i <= 5000; i++) t.delivered(i);
    for (let i = 5000; i >= 1; i--) t.finish(i, true);
    expect(sent).toEqual([5000]);
    t.delivered(5001);
    t.finish(5001, true);
    expect(sent).toEqual([5000, 5001]);
  });
});
