import { startTelegramMock, type RunningTelegramMock } from './index';
import { call, raw, TOKEN } from './tg-http.fixture';

describe('Telegram mock: Bot API over HTTP', () => {
  let tg: RunningTelegramMock;
  let chatId: number;
  beforeAll(async () => {
    tg = await startTelegramMock();
  });
  afterAll(() => tg.close());
  beforeEach(() => {
    tg.admin.reset();
    chatId = tg.chats.open({ firstName: 'Олена', lastName: 'Коваль', username: 'olena_k', languageCode: 'uk' }).id;
  });

  describe('routing and the envelope', () => {
    it('apiRoot has no trailing slash and getMe answers the bot', async () => {
      expect(tg.apiRoot).toBe(tg.baseUrl);
      expect(tg.apiRoot.endsWith('/')).toBe(false);
      const r = await call(tg.baseUrl, 'getMe');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.body).toEqual({
        ok: true,
        result: {
          id: 123456789,
          is_bot: true,
          first_name: 'cabinet_demo_bot',
          username: 'cabinet_demo_bot',
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: false,
        },
      });
    });

    it('answers 401 for an unknown token (checked before the method) and 404 for an unknown method or path', async () => {
      for (const token of ['999:nope', '', 'garbage']) {
        const r = await call(tg.baseUrl, 'noSuchMethod', {}, token);
        expect([r.status, r.body]).toEqual([401, { ok: false, error_code: 401, description: 'Unauthorized' }]);
      }
      const unknown = await call(tg.baseUrl, 'sendTelepathy', {});
      expect([unknown.status, unknown.body]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
      for (const path of ['/', '/api/getMe', `/bot${TOKEN}`, `/bot${TOKEN}/`]) {
        const r = await raw(tg.baseUrl + path, { method: 'GET' });
        expect([r.status, r.body]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
      }
      expect((await raw(`${tg.baseUrl}/bot${TOKEN}/getMe`, { method: 'DELETE' })).status).toBe(404);
    });

    it('treats method names case-insensitively and records the canonical name', async () => {
      expect((await call(tg.baseUrl, 'GETME')).body.ok).toBe(true);
      expect((await call(tg.baseUrl, 'sendmessage', { chat_id: chatId, text: 'x' })).body.ok).toBe(true);
      expect(tg.admin.requests().map((r) => r.type)).toEqual(['getMe', 'sendMessage']);
    });

    it('takes parameters from the query string, a form or JSON, and refuses multipart (uploads are not modelled)', async () => {
      const q = await raw(`${tg.baseUrl}/bot${TOKEN}/sendMessage?chat_id=${chatId}&text=${encodeURIComponent('з рядка запиту')}`, { method: 'GET' });
      expect(q.body.result.text).toBe('з рядка запиту');
      const form = await raw(`${tg.baseUrl}/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ chat_id: String(chatId), text: 'з форми', reply_markup: '{"inline_keyboard":[[{"text":"OK","callback_data":"ok"}]]}' }),
      });
      expect(form.body.result).toMatchObject({ text: 'з форми', reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] } });
      const fd = new FormData();
      fd.set('chat_id', String(chatId));
      fd.set('text', 'з multipart');
      const mp = await raw(`${tg.baseUrl}/bot${TOKEN}/sendMessage`, { method: 'POST', body: fd });
      expect([mp.status, mp.body.description]).toEqual([400, 'Bad Request: multipart/form-data (file uploads) is not implemented by the mock']);
      expect((await call(tg.baseUrl, 'sendMessage', { chat_id: String(chatId), text: 12345 })).body.result.text).toBe('12345');
    });
  });

  describe('sendMessage', () => {
    it('returns a Message with per-chat message ids, unix date, chat, from = the bot, and records it', async () => {
      const before = Math.floor(Date.now() / 1000);
      const a = await call(tg.baseUrl, 'sendMessage', { chat_id: chatId, text: '<b>Заяву № 12</b> прийнято', parse_mode: 'HTML', disable_notification: true });
      const b = await call(tg.baseUrl, 'sendMessage', { chat_id: chatId, text: 'Друге' });
      expect(a.body.result).toMatchObject({
        message_id: 1,
        from: { id: 123456789, is_bot: true, first_name: 'cabinet_demo_bot', username: 'cabinet_demo_bot' },
        chat: { id: chatId, first_name: 'Олена', last_name: 'Коваль', username: 'olena_k', type: 'private' },
        text: 'Заяву № 12 прийнято',
        entities: [{ type: 'bold', offset: 0, length: 10 }],
      });
      expect(a.body.result.date).toBeGreaterThanOrEqual(before);
      expect(b.body.result.message_id).toBe(2);
      const other = tg.chats.open({ firstName: 'Іван' }).id;
      expect((await call(tg.baseUrl, 'sendMessage', { chat_id: other, text: 'x' })).body.result.message_id).toBe(1);

      const sent = tg.chats.messages(chatId);
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatchObject({
        message_id: 1,
        method: 'sendMessage',
        text: '<b>Заяву № 12</b> прийнято',
        parse_mode: 'HTML',
        rendered: { text: 'Заяву № 12 прийнято' },
        disable_notification: true,
        bot: 'cabinet_demo_bot',
      });
    });

    it('answers the Bot API errors for bad text, unknown chats and a blocked bot', async () => {
      const cases: [unknown, number, string][] = [
        [{ chat_id: chatId }, 400, 'Bad Request: message text is empty'],
        [{ chat_id: chatId, text: '   ' }, 400, 'Bad Request: message text is empty'],
        [{ chat_id: chatId, text: 'x'.repeat(4097) }, 400, 'Bad Request: message is too long'],
        [{ text: 'x' }, 400, 'Bad Request: chat_id is empty'],
        [{ chat_id: 42, text: 'x' }, 400, 'Bad Request: chat not found'],
        [{ chat_id: '@some_channel', text: 'x' }, 400, 'Bad Request: chat not found'],
        [{ chat_id: { nested: 1 }, text: 'x' }, 400, 'Bad Request: chat not found'],
        [{ chat_id: chatId, text: 'x', parse_mode: 'BBCode' }, 400, 'Bad Request: unsupported parse_mode'],
        [{ chat_id: chatId, text: 'x', reply_markup: '{' }, 400, "Bad Request: can't parse reply keyboard markup JSON object"],
      ];
      for (const [params, status, description] of cases) {
        const r = await call(tg.baseUrl, 'sendMessage', params);
        expect([r.status, r.body]).toEqual([status, { ok: false, error_code: status, description }]);
      }
      tg.chats.block(chatId);
      const blocked = await call(tg.baseUrl, 'sendMessage', { chat_id: chatId, text: 'x' });
      expect([blocked.status, blocked.body]).toEqual([403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' }]);
      expect(tg.chats.messages(chatId)).toEqual([]);
    });

    it('getChat describes a private chat', async () => {
      const r = await call(tg.baseUrl, 'getChat', { chat_id: chatId });
      expect(r.body.result).toMatchObject({ id: chatId, type: 'private', first_name: 'Олена', username: 'olena_k' });
    });
  });

  describe('hostile input', () => {
    it('answers malformed JSON, non-object JSON and prototype keys in the envelope', async () => {
      const post = (body: string, type = 'application/json') => raw(`${tg.baseUrl}/bot${TOKEN}/sendMessage`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post('{"chat_id":')).body).toEqual({ ok: false, error_code: 400, description: "Bad Request: can't parse JSON object" });
      expect((await post('[1,2]')).body.description).toBe("Bad Request: can't parse JSON object");
      const proto = await post(`{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"chat_id":${chatId},"text":"ok"}`);
      expect(proto.body.ok).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const deep = await post('['.repeat(100_000));
      expect(deep.body.error_code).toBe(400);
    });

    it('refuses a body over the cap with 413 in the envelope', async () => {
      const small = await startTelegramMock({ maxBodyBytes: 2048 });
      try {
        const r = await call(small.baseUrl, 'sendMessage', { chat_id: 1, text: 'x'.repeat(5000) });
        expect([r.status, r.body]).toEqual([413, { ok: false, error_code: 413, description: 'Request Entity Too Large' }]);
      } finally {
        await small.close();
      }
    });
  });

  describe('faults', () => {
    it('renders injected http-error and rate-limit faults in the Bot API envelope', async () => {
      tg.admin.fault([
        { fault: 'http-error', status: 502, count: 1 },
        { fault: 'rate-limit', retryAfterSeconds: 3, count: 1, match: { type: 'sendMessage' } },
        { fault: 'http-error', status: 500, count: 1, message: 'Internal Server Error: restart' },
      ]);
      const a = await call(tg.baseUrl, 'getMe');
      expect([a.status, a.body]).toEqual([502, { ok: false, error_code: 502, description: 'Bad Gateway' }]);
      const b = await call(tg.baseUrl, 'sendMessage', { chat_id: chatId, text: 'x' });
      expect([b.status, b.body]).toEqual([429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } }]);
      expect(b.headers.get('retry-after')).toBe('3');
      const c = await call(tg.baseUrl, 'getMe');
      expect(c.body).toEqual({ ok: false, error_code: 500, description: 'Internal Server Error: restart' });
      expect((await call(tg.baseUrl, 'getMe')).status).toBe(200);
    });

    it('renders an http-error 429 fault like a rate limit, and 401/403/409 with their Bot API texts', async () => {
      tg.admin.fault([
        { fault: 'http-error', status: 429, count: 1 },
        { fault: 'http-error', status: 401, count: 1 },
        { fault: 'http-error', status: 409, count: 1 },
      ]);
      expect((await call(tg.baseUrl, 'getMe')).body).toEqual({
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      });
      expect((await call(tg.baseUrl, 'getMe')).body.description).toBe('Unauthorized');
      expect((await call(tg.baseUrl, 'getMe')).body.description).toBe('Conflict');
    });

    it('uses the retryAfterSeconds of the rate-limit fault that matched', async () => {
      tg.admin.fault([
        { fault: 'rate-limit', retryAfterSeconds: 9, match: { type: 'getChat' } },
        { fault: 'rate-limit', retryAfterSeconds: 4, match: 'getMe' },
      ]);
      expect((await call(tg.baseUrl, 'getMe')).body.parameters).toEqual({ retry_after: 4 });
      expect((await call(tg.baseUrl, 'getChat', {})).body.parameters).toEqual({ retry_after: 9 });
    });

    it('a malformed fault cuts the body (the message is still sent)', async () => {
      tg.admin.fault({ fault: 'malformed', count: 1 });
      const res = await fetch(`${tg.baseUrl}/bot${TOKEN}/sendMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: chatId, text: 'x' }),
      });
      await expect(res.json()).rejects.toThrow();
      expect(tg.chats.messages(chatId)).toHaveLength(1);
    });
  });

  describe('throttle and benchmark modes', () => {
    it('throttle counts per second with an injected clock: global and per chat', async () => {
      let now = 1_700_000_000_000;
      const t = await startTelegramMock({ clock: () => now, autoCreateChats: true, throttle: { globalPerSecond: 3, perChatPerSecond: 1 } });
      try {
        const send = (chat: number) => call(t.baseUrl, 'sendMessage', { chat_id: chat, text: 'x' });
        expect((await send(1)).status).toBe(200);
        expect((await send(1)).body.parameters).toEqual({ retry_after: 1 });
        expect((await send(2)).status).toBe(200);
        expect((await send(3)).status).toBe(200);
        expect((await send(4)).status).toBe(429); // 3 per second for the bot
        now += 1000;
        expect((await send(4)).status).toBe(200);
      } finally {
        await t.close();
      }
    });

    it('autoCreateChats makes any positive chat id a private chat', async () => {
      const t = await startTelegramMock({ autoCreateChats: true, recorder: { maxEntries: 10 } });
      try {
        const r = await call(t.baseUrl, 'sendMessage', { chat_id: 987654321, text: 'x' });
        expect(r.body.result.chat).toEqual({ id: 987654321, first_name: 'Citizen 987654321', type: 'private' });
        expect((await call(t.baseUrl, 'sendMessage', { chat_id: -100123, text: 'x' })).body.description).toBe('Bad Request: chat not found');
        expect(t.chats.get(987654321).autoCreated).toBe(true);
      } finally {
        await t.close();
      }
    });
  });
});
