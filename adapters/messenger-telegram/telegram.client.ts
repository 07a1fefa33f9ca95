import { Api } from 'grammy';
import { TransientError } from '../../contracts';
import type { SendMessageCall, SentMessage } from './telegram.mapper';

/** Updates the bot needs: citizens' messages (`/start <token>`, text) and blocking the bot. */
export const ALLOWED_UPDATES = ['message', 'my_chat_member'] as const;

/** grammY types signals with the `abort-controller` polyfill's class; Node's own works at runtime. */
type GrammySignal = Parameters<Api['getMe']>[0];
const g = (signal: AbortSignal) => signal as unknown as GrammySignal;

/**
 * The Bot API calls the adapter makes, through grammY (`POST {apiRoot}/bot{token}/{method}`,
 * JSON). Errors are grammY's `GrammyError` (an `ok: false` answer) and `HttpError` (no usable
 * answer); `telegram.errors.ts` classifies them. grammY's own timeout is a backstop only: the
 * hub's AbortSignal is the call timeout.
 */
export class TelegramClient {
  private readonly api: Api;

  /** @param apiRoot without a trailing slash */
  constructor(token: string, apiRoot: string) {
    this.api = new Api(token, { apiRoot, timeoutSeconds: 120 });
  }

  /**
   * sendMessage; returns the sent message's ids.
   * @throws TransientError when Telegram says ok but the message has no ids (outcome unknown, like a cut answer)
   */
  async sendMessage(call: SendMessageCall, signal: AbortSignal): Promise<SentMessage> {
    const m = (await this.api.sendMessage(call.chatId, call.text, call.other, g(signal))) as unknown as Partial<SentMessage> | undefined;
    const chatId = m?.chat?.id;
    if (typeof m?.message_id !== 'number' || (typeof chatId !== 'number' && typeof chatId !== 'string')) {
      throw new TransientError('Telegram answered sendMessage ok without a message_id and chat id');
    }
    return { message_id: m.message_id, chat: { id: chatId }, ...(typeof m.date === 'number' ? { date: m.date } : {}) };
  }

  /** getMe: the bot's username when the token is accepted. */
  async getMe(signal: AbortSignal): Promise<{ username?: string }> {
    const me = await this.api.getMe(g(signal));
    return { username: typeof me?.username === 'string' ? me.username : undefined };
  }

  /** setWebhook with the secret Telegram is to echo and the updates the bot needs. */
  async setWebhook(url: string, secretToken: string, signal: AbortSignal): Promise<void> {
    await this.api.setWebhook(url, { secret_token: secretToken, allowed_updates: [...ALLOWED_UPDATES] }, g(signal));
  }
}
