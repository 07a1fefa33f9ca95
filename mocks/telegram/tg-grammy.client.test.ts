import { Bot, GrammyError, HttpError } from 'grammy';
import { DEFAULT_BOT, startTelegramMock, type RunningTelegramMock } from './index';

/** The GrammyError a call fails with. */
async function grammyError(p: Promise<unknown>): Promise<GrammyError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(GrammyError);
    return err as GrammyError;
  }
  throw new Error('expected a GrammyError');
}

describe('Telegram mock through grammY', () => {
  let tg: RunningTelegramMock;
  let bot: Bot;
  beforeAll(async () => {
    tg = await startTelegramMock();
    bot = new Bot(DEFAULT_BOT.token, { client: { apiRoot: tg.apiRoot } });
  });
  afterAll(() => tg.close());
  beforeEach(() => tg.admin.reset());

  it('plugs in with client.apiRoot: getMe and sendMessage round-trip', async () => {
    expect((await bot.api.getMe()).username).toBe('cabinet_demo_bot');
    const chat = tg.chats.open({ firstName: 'Олена', languageCode: 'uk' });
    const msg = await bot.api.sendMessage(chat.id, 'Ваше звернення <b>№ 42</b> зареєстровано.', {
      parse_mode: 'HTML',
      reply_markup: { inline_keyboard: [[{ text: 'Відкрити кабінет', url: 'https://cabinet.example.gov.ua/appeals/42' }]] },
    });
    expect(msg).toMatchObject({
      message_id: 1,
      chat: { id: chat.id, type: 'private' },
      text: 'Ваше звернення № 42 зареєстровано.',
      entities: [{ type: 'bold', offset: 15, length: 4 }],
      reply_markup: { inline_keyboard: [[{ text: 'Відкрити кабінет', url: 'https://cabinet.example.gov.ua/appeals/42' }]] },
    });
    expect(tg.chats.messages(chat.id)[0]).toMatchObject({ parse_mode: 'HTML', text: 'Ваше звернення <b>№ 42</b> зареєстровано.' });
  });

  it('errors reach grammY as GrammyError with error_code, description and parameters', async () => {
    const chat = tg.chats.open({ firstName: 'Іван' });
    const notFound = await grammyError(bot.api.sendMessage(1, 'x'));
    expect([notFound.error_code, notFound.description]).toEqual([400, 'Bad Request: chat not found']);

    tg.chats.block(chat.id);
    const blocked = await grammyError(bot.api.sendMessage(chat.id, 'x'));
    expect([blocked.error_code, blocked.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
    tg.chats.unblock(chat.id);

    tg.admin.fault({ fault: 'rate-limit', retryAfterSeconds: 5, count: 1 });
    const limited = await grammyError(bot.api.sendMessage(chat.id, 'x'));
    expect(limited.error_code).toBe(429);
    expect(limited.parameters.retry_after).toBe(5);

    tg.throttle.set({ perChatPerSecond: 1, globalPerSecond: 1000 });
    const results = await Promise.allSettled([1, 2, 3].map((i) => bot.api.sendMessage(chat.id, `m${i}`)));
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].reason).toBeInstanceOf(GrammyError);
    expect((refused[0].reason as GrammyError).parameters.retry_after).toBeGreaterThanOrEqual(1);
  });

  it('a cut (malformed) answer or a reset connection is an HttpError, not a GrammyError', async () => {
    tg.admin.fault([
      { fault: 'malformed', count: 1 },
      { fault: 'reset', count: 1 },
    ]);
    await expect(bot.api.getMe()).rejects.toBeInstanceOf(HttpError);
    await expect(bot.api.getMe()).rejects.toBeInstanceOf(HttpError);
    expect((await bot.api.getMe()).id).toBe(123456789);
  });

  it('getUpdates (long polling) is not modelled: 404, as any method the mock does not implement', async () => {
    const e = await grammyError(bot.api.getUpdates());
    expect([e.error_code, e.description]).toEqual([404, 'Not Found']);
  });
});
