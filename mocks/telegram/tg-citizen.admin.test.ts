import { MockAdminError } from '../_kit';
import { startTelegramMock, type RunningTelegramMock } from './index';
import { call, raw } from './tg-http.fixture';

describe('Telegram mock: admin API (the citizen side)', () => {
  let tg: RunningTelegramMock;
  const admin = (method: string, path: string, body?: unknown) =>
    raw(`${tg.baseUrl}/__admin${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    tg = await startTelegramMock({
      bots: [
        { token: '123456789:AAHdemo-cabinet-hub-bot-token_000000', username: 'cabinet_demo_bot' },
        { token: '555:second-bot-token', username: 'cnap_notify_bot', firstName: 'ЦНАП' },
      ],
    });
  });
  afterAll(() => tg.close());
  beforeEach(() => tg.admin.reset());

  it('opens a chat (chat id = user id, generated when absent) and lists it', async () => {
    const opened = await admin('POST', '/chats', { firstName: 'Олена', lastName: 'Коваль', username: 'olena_k', languageCode: 'uk' });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual({ id: 700000001, first_name: 'Олена', last_name: 'Коваль', username: 'olena_k', type: 'private' });
    const chosen = await admin('POST', '/chats', { chatId: 42, firstName: 'Іван' });
    expect(chosen.body.id).toBe(42);
    const list = await admin('GET', '/chats');
    expect(list.body.chats.map((c: { chat: { id: number } }) => c.chat.id)).toEqual([700000001, 42]);
    expect((await admin('GET', '/chats/42')).body).toMatchObject({
      bot: 'cabinet_demo_bot',
      user: { id: 42, is_bot: false, first_name: 'Іван' },
      blocked: false,
      sentCount: 0,
      receivedCount: 0,
    });
  });

  it('a citizen message becomes a message update with a bot_command entity for /commands', async () => {
    const chat = tg.chats.open({ firstName: 'Олена', languageCode: 'uk' });
    const start = await admin('POST', `/chats/${chat.id}/messages`, { text: '/start abc-123' });
    expect(start.status).toBe(201);
    expect(start.body.update).toEqual({
      update_id: start.body.update.update_id,
      message: {
        message_id: 1,
        from: { id: chat.id, is_bot: false, first_name: 'Олена', language_code: 'uk' },
        chat: { id: chat.id, first_name: 'Олена', type: 'private' },
        date: expect.any(Number),
        text: '/start abc-123',
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    });
    const plain = await admin('POST', `/chats/${chat.id}/messages`, { text: 'Дякую' });
    expect(plain.body.update.update_id).toBe(start.body.update.update_id + 1);
    expect(plain.body.message.entities).toBeUndefined();
    const mention = tg.chats.send(chat.id, '/status@cabinet_demo_bot 12');
    expect(mention.message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 24 }]);
    const deep = await admin('POST', `/chats/${chat.id}/start`, { payload: 'link_token-9' });
    expect(deep.body.message.text).toBe('/start link_token-9');
    expect((await admin('POST', `/chats/${chat.id}/start`, { payload: 'bad token!' })).status).toBe(400);
  });

  it('blocking emits my_chat_member (kicked), makes sends fail with 403, unblocking restores them', async () => {
    const chat = tg.chats.open({ firstName: 'Марко' });
    const blocked = await admin('POST', `/chats/${chat.id}/block`);
    expect(blocked.body.blocked).toBe(true);
    const updates = (await admin('GET', '/updates')).body.updates;
    expect(updates).toHaveLength(1);
    expect(updates[0].update.my_chat_member).toEqual({
      chat: { id: chat.id, first_name: 'Марко', type: 'private' },
      from: { id: chat.id, is_bot: false, first_name: 'Марко' },
      date: expect.any(Number),
      old_chat_member: { user: { id: 123456789, is_bot: true, first_name: 'cabinet_demo_bot', username: 'cabinet_demo_bot' }, status: 'member' },
      new_chat_member: { user: { id: 123456789, is_bot: true, first_name: 'cabinet_demo_bot', username: 'cabinet_demo_bot' }, status: 'kicked', until_date: 0 },
    });
    expect((await call(tg.baseUrl, 'sendMessage', { chat_id: chat.id, text: 'x' })).status).toBe(403);
    await admin('POST', `/chats/${chat.id}/block`); // already blocked: no second update
    await admin('POST', `/chats/${chat.id}/unblock`);
    const after = (await admin('GET', '/updates')).body.updates;
    expect(after.map((u: { update: { my_chat_member: { new_chat_member: { status: string } } } }) => u.update.my_chat_member.new_chat_member.status)).toEqual(['kicked', 'member']);
    expect((await call(tg.baseUrl, 'sendMessage', { chat_id: chat.id, text: 'x' })).status).toBe(200);
  });

  it('shows what the bot sent per chat and in bulk with since/limit', async () => {
    const a = tg.chats.open({ firstName: 'A' });
    const b = tg.chats.open({ firstName: 'B' });
    for (const [chat, text] of [
      [a.id, 'a1'],
      [b.id, 'b1'],
      [a.id, 'a2'],
    ] as const) {
      await call(tg.baseUrl, 'sendMessage', { chat_id: chat, text, parse_mode: 'HTML' });
    }
    const perChat = (await admin('GET', `/chats/${a.id}/messages`)).body.messages;
    expect(perChat.map((m: { message_id: number; text: string; parse_mode: string }) => [m.message_id, m.text, m.parse_mode])).toEqual([
      [1, 'a1', 'HTML'],
      [2, 'a2', 'HTML'],
    ]);
    const all = (await admin('GET', '/sent')).body;
    expect([all.count, all.total]).toEqual([3, 3]);
    const page = (await admin('GET', `/sent?since=${all.messages[0].seq}&limit=1`)).body;
    expect(page.messages.map((m: { text: string }) => m.text)).toEqual(['b1']);
    expect(page.lastSeq).toBe(all.messages[1].seq);
    expect((await admin('GET', '/sent?since=-1')).status).toBe(400);
  });

  it('targets another bot with ?bot= and keeps bots apart', async () => {
    const opened = await admin('POST', '/chats?bot=cnap_notify_bot', { firstName: 'Ніна', chatId: 77 });
    expect(opened.status).toBe(201);
    expect((await admin('GET', '/chats/77')).status).toBe(404);
    expect((await call(tg.baseUrl, 'sendMessage', { chat_id: 77, text: 'x' })).body.description).toBe('Bad Request: chat not found');
    const sent = await call(tg.baseUrl, 'sendMessage', { chat_id: 77, text: 'Ваша черга' }, '555:second-bot-token');
    expect(sent.body.result.from).toEqual({ id: 555, is_bot: true, first_name: 'ЦНАП', username: 'cnap_notify_bot' });
    expect(tg.chats.messages(77, { bot: 'cnap_notify_bot' })[0].bot).toBe('cnap_notify_bot');
    expect((await admin('GET', '/chats?bot=nobody_bot')).status).toBe(404);
    expect((await admin('GET', '/bots')).body.bots.map((b: { username: string; chats: number }) => [b.username, b.chats])).toEqual([
      ['cabinet_demo_bot', 0],
      ['cnap_notify_bot', 1],
    ]);
  });

  it('redeliver needs a webhook (409) and an existing update (404); list and get show attempts', async () => {
    const chat = tg.chats.open({ firstName: 'Олег' });
    const { update } = tg.chats.send(chat.id, 'x');
    const r = await admin('POST', `/updates/${update!.update_id}/redeliver`);
    expect(r.status).toBe(409);
    expect(r.body.error).toContain('has no webhook');
    expect((await admin('POST', '/updates/1/redeliver')).status).toBe(404);
    expect((await admin('GET', `/updates/${update!.update_id}`)).body).toMatchObject({ update_id: update!.update_id, type: 'message', state: 'pending', attempts: [] });
    await expect(tg.updates.redeliver(update!.update_id)).rejects.toBeInstanceOf(MockAdminError);
  });

  it('switches throttle mode at run time and validates it', async () => {
    expect((await admin('GET', '/throttle')).body).toEqual({ throttle: null });
    expect((await admin('POST', '/throttle', { perChatPerSecond: 1 })).body).toEqual({ throttle: { perChatPerSecond: 1 } });
    expect((await admin('POST', '/throttle', { perChatPerSecond: 0 })).status).toBe(400);
    expect((await admin('POST', '/throttle', {})).status).toBe(400);
    expect((await admin('DELETE', '/throttle')).status).toBe(204);
    expect(tg.throttle.get()).toBeNull();
  });

  it('refuses invalid admin input with 400 and never crashes', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/chats', {}],
      ['POST', '/chats', { firstName: '' }],
      ['POST', '/chats', { firstName: 'A', username: '@bad' }],
      ['POST', '/chats', { firstName: 'A', chatId: -5 }],
      ['POST', '/chats', { firstName: 'A', colour: 'red' }],
      ['POST', '/chats', '{"firstName":"A","__proto__":{"x":1}}'],
      ['POST', '/chats', '{not json'],
      ['POST', '/chats', [1, 2]],
      ['POST', '/chats', { firstName: 'A', bot: 5 }],
      ['POST', '/chats/abc/messages', { text: 'x' }],
      ['POST', '/chats/700000001/messages', { text: '   ' }],
    ];
    tg.chats.open({ firstName: 'A' });
    const statuses = [];
    for (const [method, path, body] of cases) statuses.push((await admin(method, path, body)).status);
    expect(statuses).toEqual(Array(cases.length).fill(400));
    expect((await admin('POST', '/chats/123/messages', { text: 'x' })).status).toBe(404);
    expect((await admin('POST', '/chats/700000001/messages', { text: 5 })).status).toBe(400);
  });

  it('reset clears chats, messages, updates and the webhook; update ids keep increasing', async () => {
    const chat = tg.chats.open({ firstName: 'A' });
    const before = tg.chats.send(chat.id, 'x').update!.update_id;
    await call(tg.baseUrl, 'sendMessage', { chat_id: chat.id, text: 'x' });
    await call(tg.baseUrl, 'setWebhook', { url: 'http://127.0.0.1:9/x' });
    expect((await admin('POST', '/reset')).status).toBe(204);
    expect(tg.chats.list()).toEqual([]);
    expect(tg.chats.sent().total).toBe(0);
    expect(tg.updates.list()).toEqual([]);
    expect((await call(tg.baseUrl, 'getWebhookInfo')).body.result.url).toBe('');
    const again = tg.chats.open({ firstName: 'B' });
    expect(tg.chats.send(again.id, 'y').update!.update_id).toBeGreaterThan(before);
  });
});
