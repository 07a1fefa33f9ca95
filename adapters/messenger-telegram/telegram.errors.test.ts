import { GrammyError, HttpError } from 'grammy';
import { failureClassOf, PermanentError, TransientError } from '../../contracts';
import { classifySendError, networkReason, safeDescription } from './telegram.errors';

const apiError = (error_code: number, description: string, parameters: Record<string, number> = {}) =>
  new GrammyError(`Call to 'sendMessage' failed!`, { ok: false, error_code, description, parameters }, 'sendMessage', { chat_id: 123456789, text: 'Ваше звернення зареєстровано' });

describe('classifySendError', () => {
  it('429 is transient with retry_after in milliseconds', () => {
    const f = classifySendError(apiError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }));
    expect(f).toBeInstanceOf(TransientError);
    expect((f as TransientError).retryAfterMs).toBe(7000);
  });

  it('429 without parameters is transient without a hint', () => {
    const f = classifySendError(apiError(429, 'Too Many Requests'));
    expect(f).toBeInstanceOf(TransientError);
    expect((f as TransientError).retryAfterMs).toBeUndefined();
  });

  it.each([['Forbidden: bot was blocked by the user'], ['Forbidden: user is deactivated'], ["Forbidden: bot can't initiate conversation with a user"]])(
    '403 %s is a refused recipient whose address is inactive',
    (description) => {
      expect(classifySendError(apiError(403, description))).toEqual({ kind: 'refused', code: 'telegram:403', message: description, addressInactive: true });
    },
  );

  it('400 chat not found is a refused recipient whose address is inactive', () => {
    expect(classifySendError(apiError(400, 'Bad Request: chat not found'))).toMatchObject({ kind: 'refused', code: 'telegram:400', addressInactive: true });
  });

  it('a migrated group chat is refused as telegram:migrated', () => {
    expect(classifySendError(apiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: -1001234567890 }))).toMatchObject({
      kind: 'refused',
      code: 'telegram:migrated',
      addressInactive: true,
    });
  });

  it.each([
    [400, 'Bad Request: message is too long'],
    [400, 'Bad Request: can\'t parse entities: Unsupported start tag "b2" at byte offset 3'],
    [401, 'Unauthorized'],
    [404, 'Not Found'],
  ])('%i %s is permanent', (code, description) => {
    const f = classifySendError(apiError(code, description));
    expect(f).toBeInstanceOf(PermanentError);
    expect(failureClassOf(f)).toBe('permanent');
  });

  it.each([500, 502, 503, 409])('%i is transient', (code) => {
    expect(classifySendError(apiError(code, 'Internal Server Error'))).toBeInstanceOf(TransientError);
  });

  it('a network failure is transient and does not repeat the URL (it carries the token)', () => {
    const cause = Object.assign(new Error('request to http://127.0.0.1:1/bot123:SECRETSECRETSECRETSECRET/sendMessage failed, reason: reset'), { code: 'ECONNRESET', type: 'system' });
    const f = classifySendError(new HttpError("Network request for 'sendMessage' failed!", cause));
    expect(f).toBeInstanceOf(TransientError);
    expect(f.message).toContain('ECONNRESET');
    expect(f.message).not.toContain('SECRET');
  });

  it('an envelope without error_code, or anything unexpected, is transient', () => {
    expect(classifySendError(new GrammyError('x', { ok: false } as never, 'sendMessage', {}))).toBeInstanceOf(TransientError);
    expect(classifySendError(new TypeError('boom'))).toBeInstanceOf(TransientError);
  });

  it('messages never carry the payload (chat id, text)', () => {
    for (const code of [400, 401, 403, 429, 500]) {
      const f = classifySendError(apiError(code, 'Bad Request: something'));
      expect(f.message).not.toContain('123456789');
      expect(f.message).not.toContain('звернення');
    }
  });
});

describe('safeDescription', () => {
  it('cuts quoted fragments and long digit runs', () => {
    expect(safeDescription('Bad Request: can\'t parse entities: Unsupported start tag "Іванов" at byte offset 12')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "…" at byte offset 12',
    );
    expect(safeDescription('chat 380501234567 not found')).toBe('chat … not found');
    expect(safeDescription(undefined)).toBe('no description');
    expect(safeDescription('x'.repeat(1000))).toHaveLength(200);
  });
});

describe('networkReason', () => {
  it('names aborts, bad JSON and socket codes, never the message', () => {
    expect(networkReason(Object.assign(new Error('The user aborted a request.'), { name: 'AbortError', type: 'aborted' }))).toBe('aborted or timed out');
    expect(networkReason({ type: 'invalid-json', message: 'invalid json response body at http://x/botTOKEN/sendMessage' })).toBe('the answer is not JSON');
    expect(networkReason({ code: 'ECONNREFUSED', message: 'http://x/botTOKEN' })).toBe('ECONNREFUSED');
    expect(networkReason(new Error("Request to 'sendMessage' timed out after 120 seconds"))).toBe('timed out');
    expect(networkReason(undefined)).toBe('unknown');
  });
});
