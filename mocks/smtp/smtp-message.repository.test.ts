import { MessageRepository, type CapturedMessage } from './smtp-message.repository';
import type { ParsedContent } from './smtp-message.parser';

const content = (messageId: string | null): ParsedContent => ({
  messageId,
  subject: null,
  from: [],
  to: [],
  cc: [],
  replyTo: [],
  inReplyTo: null,
  date: null,
  headers: {},
  text: null,
  html: null,
  bodyTruncated: false,
  attachments: [],
  parseError: null,
});

const input = (messageId: string | null, to: string[] = ['a@example.org']) => ({
  ...content(messageId),
  queueId: 'Q',
  receivedAt: '2026-04-01T10:00:00.000Z',
  envelope: { from: 'hub@example.org', to },
  size: 10,
  authUser: null,
  secure: false,
  heloName: 'client',
  remoteAddress: '127.0.0.1',
});

const limits = { maxMessages: 1000, maxRawBytes: 1024, maxTotalRawBytes: 1024 * 1024 };
const indexes = (ms: CapturedMessage[]) => ms.map((m) => m.index);

describe('SMTP mock: the message store', () => {
  it('assigns indexes from 0, marks repeats of a Message-ID and keeps them all', () => {
    const store = new MessageRepository(limits);
    store.add(input('<a@hub>'), Buffer.from('1'));
    store.add(input('<b@hub>'), Buffer.from('2'));
    const again = store.add(input(' a@hub '), Buffer.from('3'));
    store.add(input(null), Buffer.from('4'));
    store.add(input(null), Buffer.from('5'));
    expect(again).toMatchObject({ index: 2, duplicateOf: 0 });
    expect(store.duplicates()).toEqual([{ messageId: '<a@hub>', count: 2, indexes: [0, 2] }]);
    expect(store.byMessageId('a@hub')?.index).toBe(0);
    expect(indexes(store.list({ messageId: '<a@hub>' }))).toEqual([0, 2]);
    expect(store.stats()).toMatchObject({ messages: 5, received: 5, uniqueMessageIds: 2, duplicateMessageIds: 1 });
  });

  it('filters by envelope recipient case-insensitively, counting a message once however often a recipient repeats', () => {
    const store = new MessageRepository(limits);
    store.add(input('<1@h>', ['A@example.org', 'a@example.org']), Buffer.from('x'));
    store.add(input('<2@h>', ['b@example.org']), Buffer.from('x'));
    store.add(input('<3@h>', ['b@example.org', 'a@EXAMPLE.org']), Buffer.from('x'));
    expect(indexes(store.list({ to: 'a@example.org' }))).toEqual([0, 2]);
    expect(indexes(store.list({ to: 'a@example.org', fromIndex: 1 }))).toEqual([2]);
    expect(indexes(store.list({ to: 'b@example.org', messageId: '<3@h>' }))).toEqual([2]);
    expect(indexes(store.list({ limit: 2 }))).toEqual([0, 1]);
    expect(store.list({ to: 'nobody@example.org' })).toEqual([]);
  });

  it('evicts the oldest beyond maxMessages, with their Message-ID and recipient entries', () => {
    const store = new MessageRepository({ ...limits, maxMessages: 3 });
    for (let i = 0; i < 5; i++) store.add(input(i % 2 === 0 ? '<even@h>' : `<odd-${i}@h>`, [`r${i % 2}@example.org`]), Buffer.from(`m${i}`));
    expect(indexes(store.list())).toEqual([2, 3, 4]);
    expect(store.get(1)).toBeUndefined();
    expect(store.raw(0)).toBeUndefined();
    expect(store.duplicates()).toEqual([{ messageId: '<even@h>', count: 2, indexes: [2, 4] }]);
    expect(store.byMessageId('<even@h>')?.index).toBe(2);
    expect(store.byMessageId('<odd-1@h>')).toBeUndefined();
    expect(indexes(store.list({ to: 'r1@example.org' }))).toEqual([3]);
    expect(store.stats()).toMatchObject({ messages: 3, received: 5 });
  });

  it('stays consistent through many evictions (prefix compaction)', () => {
    const store = new MessageRepository({ ...limits, maxMessages: 10 });
    for (let i = 0; i < 5000; i++) store.add(input(`<${i % 7}@h>`), Buffer.from('x'));
    expect(indexes(store.list())).toEqual(Array.from({ length: 10 }, (_, k) => 4990 + k));
    expect(store.get(4995)?.index).toBe(4995);
    // 4990..4999 carry ids 6,0,1,2,3,4,5,6,0,1 (i % 7): three of them twice.
    expect(store.duplicates()).toEqual([
      { messageId: '<6@h>', count: 2, indexes: [4990, 4997] },
      { messageId: '<0@h>', count: 2, indexes: [4991, 4998] },
      { messageId: '<1@h>', count: 2, indexes: [4992, 4999] },
    ]);
    expect(store.stats()).toMatchObject({ messages: 10, uniqueMessageIds: 7, duplicateMessageIds: 3 });
  });

  it('cuts raw sources at maxRawBytes and drops the oldest ones beyond maxTotalRawBytes, never the newest', () => {
    const store = new MessageRepository({ maxMessages: 100, maxRawBytes: 100, maxTotalRawBytes: 250 });
    const cut = store.add(input('<1@h>'), Buffer.alloc(150, 'a'));
    expect(cut.rawTruncated).toBe(true);
    expect(store.raw(0)).toEqual({ raw: Buffer.alloc(100, 'a'), truncated: true });
    store.add(input('<2@h>'), Buffer.alloc(100, 'b'));
    store.add(input('<3@h>'), Buffer.alloc(100, 'c'));
    expect(store.raw(0)?.raw).toBeNull();
    expect(store.raw(1)?.raw?.length).toBe(100);
    expect(store.stats().rawBytesKept).toBe(200);
    const tiny = new MessageRepository({ maxMessages: 100, maxRawBytes: 1000, maxTotalRawBytes: 10 });
    tiny.add(input('<big@h>'), Buffer.alloc(500));
    expect(tiny.raw(0)?.raw?.length).toBe(500);
  });

  it('freezes what it returns and starts over on clear', () => {
    const store = new MessageRepository(limits);
    const m = store.add(input('<1@h>'), Buffer.from('x'));
    expect(() => {
      (m.envelope.to as string[]).push('intruder@example.org');
    }).toThrow(TypeError);
    store.clear();
    expect(store.list()).toEqual([]);
    expect(store.add(input('<1@h>'), Buffer.from('x'))).toMatchObject({ index: 0, duplicateOf: null });
  });
});
