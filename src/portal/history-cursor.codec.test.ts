import { decodeCursor, encodeCursor } from './history-cursor.codec';

describe('history cursor', () => {
  const position = { at: '2026-12-01T10:00:00.123456Z', id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };

  it('round-trips a journal position through opaque URL-safe text', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['another version', Buffer.from('h0|2026-12-01T10:00:00.123456Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').toString('base64url')],
    ['milliseconds only', Buffer.from('h1|2026-12-01T10:00:00.123Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').toString('base64url')],
    ['no instant', Buffer.from('h1|2026-13-45T10:00:00.123456Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').toString('base64url')],
    ['30 February', Buffer.from('h1|2026-02-30T10:00:00.123456Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').toString('base64url')],
    ["24 o'clock", Buffer.from('h1|2026-02-28T24:00:00.000000Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b').toString('base64url')],
    ['no uuid', Buffer.from('h1|2026-12-01T10:00:00.123456Z|1 OR 1=1').toString('base64url')],
    ['extra parts', Buffer.from('h1|2026-12-01T10:00:00.123456Z|0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b|x').toString('base64url')],
    ['too long', 'A'.repeat(201)],
  ])('refuses %s', (_label, text) => {
    expect(decodeCursor(text)).toBeUndefined();
  });
});
