import { PermanentError } from '../../contracts';
import { advanceCursor, decodeCursor, encodeCursor, FIRST_STAMP, freshKinds, MAX_REMEMBERED, PolledDocument, POLL_OVERLAP_MS, ResultKeys, shift, windowStart } from './poll-cursor.codec';

const T = '2026-12-04T10:00:00';
const DOC = '3f2c1a9e-5b7d-4e21-9c0a-1d2e3f4a5b6c';
const REG = { registered: 'ВХ-2026-000001\n2026-12-04T10:00:00Z' };

/** One poll as the adapter runs it: report what is fresh, then advance. */
function poll(cursor: string | undefined, docs: { id: string; stamp: string; keys: ResultKeys }[], truncatedAt?: string) {
  const state = decodeCursor(cursor);
  const reported: string[] = [];
  const documents: PolledDocument[] = docs.map((d) => {
    const fresh = freshKinds(state, d.id, d.keys);
    for (const k of fresh) reported.push(`${d.id}:${k}`);
    return { id: d.id, stamp: d.stamp, reported: Object.fromEntries(fresh.map((k) => [k, d.keys[k]])) };
  });
  return { reported, cursor: encodeCursor(advanceCursor(state, { documents, ...(truncatedAt ? { truncatedAt } : {}) })) };
}

describe('1C poll cursor', () => {
  it('starts at the beginning and keeps an empty idle cursor unchanged', () => {
    expect(windowStart(decodeCursor(undefined))).toBe(FIRST_STAMP);
    const first = poll(undefined, []);
    expect(windowStart(decodeCursor(first.cursor))).toBe(FIRST_STAMP);
    expect(poll(first.cursor, []).cursor).toBe(first.cursor);
  });

  it('reads the bare stamp older versions stored: window from 5 s before it, nothing remembered', () => {
    const old = decodeCursor(T);
    expect(windowStart(old)).toBe('2026-12-04T09:59:55');
    expect(freshKinds(old, DOC, REG)).toEqual(['registered']);
    // The first poll after the upgrade repeats the window once, then remembers it.
    const first = poll(T, [{ id: DOC, stamp: T, keys: REG }]);
    expect(first.reported).toEqual([`${DOC}:registered`]);
    expect(poll(first.cursor, [{ id: DOC, stamp: T, keys: REG }])).toEqual({ reported: [], cursor: first.cursor });
  });

  it('an idle poll over the overlap reports nothing and returns the same text', () => {
    const docs = [
      { id: DOC, stamp: T, keys: REG },
      { id: 'b', stamp: '2026-12-04T10:00:02', keys: { status: 'in-progress' } },
      { id: 'c', stamp: '2026-12-04T10:00:03', keys: {} }, // not registered yet: nothing to remember
    ];
    const first = poll('2026-12-04T09:59:00', docs);
    expect(first.reported).toEqual([`${DOC}:registered`, 'b:status']);
    const again = poll(first.cursor, docs);
    expect(again).toEqual({ reported: [], cursor: first.cursor });
    expect(poll(again.cursor, docs).cursor).toBe(first.cursor);
    expect(encodeCursor(decodeCursor(first.cursor))).toBe(first.cursor);
    expect(windowStart(decodeCursor(first.cursor))).toBe('2026-12-04T09:59:58');
  });

  it('two changes in the same second: the second is reported, the first is not repeated', () => {
    // Registered at 10:00:00.2 and read; put in progress at 10:00:00.7, same whole-second stamp.
    const first = poll(T, [{ id: DOC, stamp: T, keys: REG }]);
    const second = poll(first.cursor, [{ id: DOC, stamp: T, keys: { ...REG, status: 'in-progress' } }]);
    expect(second.reported).toEqual([`${DOC}:status`]);
    expect(second.cursor).not.toBe(first.cursor);
    expect(poll(second.cursor, [{ id: DOC, stamp: T, keys: { ...REG, status: 'in-progress' } }]).reported).toEqual([]);
  });

  it('a document changed again after being reported: only what changed, and a status that comes back', () => {
    let c = poll(T, [{ id: DOC, stamp: T, keys: REG }]).cursor;
    // A responsible assigned: new stamp, nothing the hub reports changed.
    let p = poll(c, [{ id: DOC, stamp: '2026-12-04T10:00:03', keys: REG }]);
    expect(p.reported).toEqual([]);
    c = p.cursor;
    p = poll(c, [{ id: DOC, stamp: '2026-12-04T10:00:04', keys: { ...REG, status: 'in-progress' } }]);
    expect(p.reported).toEqual([`${DOC}:status`]);
    p = poll(p.cursor, [{ id: DOC, stamp: '2026-12-04T10:00:05', keys: { ...REG, status: 'postponed' } }]);
    expect(p.reported).toEqual([`${DOC}:status`]);
    p = poll(p.cursor, [{ id: DOC, stamp: '2026-12-04T10:00:06', keys: { ...REG, status: 'in-progress' } }]);
    expect(p.reported).toEqual([`${DOC}:status`]);
    p = poll(p.cursor, [{ id: DOC, stamp: '2026-12-04T10:00:07', keys: { ...REG, answered: 'answer-guid' } }]);
    expect(p.reported).toEqual([`${DOC}:answered`]);
  });

  it('remembers a document as long as its current version is in the window, and forgets it after', () => {
    let c = poll(T, [{ id: DOC, stamp: T, keys: REG }]).cursor;
    c = poll(c, [{ id: DOC, stamp: '2026-12-04T10:00:04', keys: REG }]).cursor;
    // Another document moves the window past 10:00:00 but not past 10:00:04.
    c = poll(c, [
      { id: DOC, stamp: '2026-12-04T10:00:04', keys: REG },
      { id: 'b', stamp: '2026-12-04T10:00:08', keys: {} },
    ]).cursor;
    expect(windowStart(decodeCursor(c))).toBe('2026-12-04T10:00:03');
    expect(poll(c, [{ id: DOC, stamp: '2026-12-04T10:00:04', keys: REG }]).reported).toEqual([]);
    c = poll(c, [{ id: 'b', stamp: '2026-12-04T10:00:20', keys: {} }]).cursor;
    expect(decodeCursor(c).docs.size).toBe(0);
  });

  it('stays bounded: the oldest stamps are forgotten and the window starts after them', () => {
    const docs = Array.from({ length: 6 * 300 }, (_, i) => ({ id: `doc-${i}`, stamp: shift(T, Math.floor(i / 300) * 1000), keys: { status: 'in-progress' } }));
    const first = poll(T, docs);
    expect(first.reported).toHaveLength(1800);
    const c = decodeCursor(first.cursor);
    expect(c.docs.size).toBeLessThanOrEqual(MAX_REMEMBERED);
    expect(c.docs.size).toBe(900); // 10:00:03, :04 and :05, 300 each
    expect(windowStart(c)).toBe('2026-12-04T10:00:03');
    expect(first.cursor.length).toBeLessThan(MAX_REMEMBERED * 40);
    // What 1C returns for that window is all remembered: the next poll is idle.
    const again = poll(
      first.cursor,
      docs.filter((d) => d.stamp >= windowStart(c)),
    );
    expect(again).toEqual({ reported: [], cursor: first.cursor });
  });

  it('stays bounded when more documents than the bound change in one second', () => {
    const docs = Array.from({ length: MAX_REMEMBERED + 1 }, (_, i) => ({ id: `doc-${i}`, stamp: T, keys: { status: 'in-progress' } }));
    const c = decodeCursor(poll(T, docs).cursor);
    expect(c.docs.size).toBe(0);
    expect(windowStart(c)).toBe('2026-12-04T10:00:01');
  });

  it('after a list 1C cut short, the window starts at its newest stamp until the overlap passes it', () => {
    const page = Array.from({ length: 3 }, (_, i) => ({ id: `doc-${i}`, stamp: shift(T, i * 1000), keys: { status: 'in-progress' } }));
    const cut = poll(T, page, '2026-12-04T10:00:02');
    expect(windowStart(decodeCursor(cut.cursor))).toBe('2026-12-04T10:00:02');
    const idle = poll(cut.cursor, page.slice(2));
    expect(idle).toEqual({ reported: [], cursor: cut.cursor });
    const later = poll(cut.cursor, [{ id: 'x', stamp: '2026-12-04T10:00:09', keys: {} }]);
    expect(decodeCursor(later.cursor).from).toBeUndefined();
    expect(windowStart(decodeCursor(later.cursor))).toBe(shift('2026-12-04T10:00:09', -POLL_OVERLAP_MS));
  });

  it('refuses text it did not write, with a clear permanent error', () => {
    for (const bad of [
      'yesterday',
      '2026-13-45T99:00:00',
      '{"v":3,"high":"2026-12-04T10:00:00","seen":{}}',
      '{"v":2,"high":"2026-12-04T10:00:00","seen":{"x":[]}}',
      '{"v":2,"high":"2026-12-04T10:00:00","seen":{"2026-12-04T10:00:00":["short"]}}',
      '[]',
      'null',
    ]) {
      expect(() => decodeCursor(bad)).toThrow(PermanentError);
    }
    expect(() => decodeCursor('yesterday')).toThrow(/poll cursor/);
  });
});
