import { Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { DEFAULT_BOT, startTelegramMock, type RunningTelegramMock } from './index';

const PNG_2x3 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAADCAIAAAA2iEnWAAAAEklEQVR4nGP4z8DAxMDAwMDAAAAcBAMBWxzNNAAAAABJRU5ErkJggg==',
  'base64',
);

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
    const msg = await bot.api.sendMessage(chat.id, 'Ваше звернення *№ 42* зареєстровано\\.', {
      parse_mode: 'MarkdownV2',
      reply_markup: { inline_keyboard: [[{ text: 'Відкрити кабінет', url: 'https://cabinet.example.gov.ua/appeals/42' }]] },
    });
    expect(msg).toMatchObject({
      message_id: 1,
      chat: { id: chat.id, type: 'private' },
      text: 'Ваше звернення № 42 зареєстровано.',
      entities: [{ type: 'bold', offset: 15, length: 4 }],
      reply_markup: { inline_keyboard: [[{ text: 'Відкрити кабінет', url: 'https://cabinet.example.gov.ua/appeals/42' }]] },
    });
    expect(tg.chats.messages(chat.id)[0]).toMatchObject({ parse_mode: 'MarkdownV2', text: 'Ваше звернення *№ 42* зареєстровано\\.' });
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
    tg.admin.fault([{ fault: 'malformed', count: 1 }, { fault: 'reset', count: 1 }]);
    await expect(bot.api.getMe()).rejects.toBeInstanceOf(HttpError);
    await expect(bot.api.getMe()).rejects.toBeInstanceOf(HttpError);
    expect((await bot.api.getMe()).id).toBe(123456789);
  });

  it('uploads documents and photos as multipart: file name and size are recorded', async () => {
    const chat = tg.chats.open({ firstName: 'Марія' });
    const pdf = Buffer.from('%PDF-1.4\n% відповідь\n');
    const doc = await bot.api.sendDocument(chat.id, new InputFile(pdf, 'Відповідь ЦНАП.pdf'), { caption: '<b>Рішення</b>', parse_mode: 'HTML' });
    expect(doc.document).toMatchObject({ file_name: 'Відповідь ЦНАП.pdf', mime_type: 'application/pdf', file_size: pdf.length });
    expect(doc.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 7 }]);
    const photo = await bot.api.sendPhoto(chat.id, new InputFile(PNG_2x3, 'scan.png'));
    expect(photo.photo?.at(-1)).toMatchObject({ width: 2, height: 3, file_size: PNG_2x3.length });
    expect(tg.chats.messages(chat.id).map((m) => m.file)).toEqual([
      expect.objectContaining({ kind: 'document', fileName: 'Відповідь ЦНАП.pdf', size: pdf.length }),
      expect.objectContaining({ kind: 'photo', fileName: 'scan.png', size: PNG_2x3.length }),
    ]);
    const reused = await bot.api.sendDocument(chat.id, doc.document!.file_id);
    expect(reused.document?.file_unique_id).toBe(doc.document?.file_unique_id);
  });

  it('long polling: bot.start() receives a deep-link /start with its payload', async () => {
    const chat = tg.chats.open({ firstName: 'Олег', username: 'oleh_p' });
    const poller = new Bot(DEFAULT_BOT.token, { client: { apiRoot: tg.apiRoot } });
    const got = new Promise<{ payload: string; from: number | undefined; updateId: number }>((resolve) => {
      poller.command('start', (ctx) => resolve({ payload: ctx.match, from: ctx.from?.id, updateId: ctx.update.update_id }));
    });
    const running = poller.start({ timeout: 1 });
    await new Promise((r) => setTimeout(r, 100));
    const sent = tg.chats.start(chat.id, 'link_3f9a-77');
    const received = await got;
    expect(received).toEqual({ payload: 'link_3f9a-77', from: chat.id, updateId: sent.update?.update_id });
    await poller.stop();
    await running;
    expect(tg.updates.get(received.updateId).state).toMatch(/fetched|confirmed/);
  });

  it('getUpdates is refused with 409 while a webhook is set', async () => {
    await bot.api.setWebhook('http://127.0.0.1:9/hook');
    const e = await grammyError(bot.api.getUpdates());
    expect([e.error_code, e.description]).toEqual([
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ]);
    await bot.api.deleteWebhook();
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);
  });
});
