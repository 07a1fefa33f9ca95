import { MockAdminError } from '../_kit';
import { DEFAULT_BOT, resolveTelegramOptions } from './tg-mock.options';

const problems = (o: unknown): string[] => {
  try {
    resolveTelegramOptions(o as never);
  } catch (err) {
    expect(err).toBeInstanceOf(MockAdminError);
    return ((err as MockAdminError).details as { problems: string[] }).problems;
  }
  throw new Error('expected invalid options');
};

describe('Telegram mock options', () => {
  it('fills in the defaults: one demo bot whose id comes from its token, no throttle, plain-HTTP webhooks allowed', () => {
    const o = resolveTelegramOptions();
    expect(o.bots).toEqual([{ token: DEFAULT_BOT.token, username: 'cabinet_demo_bot', id: 123456789, firstName: 'cabinet_demo_bot' }]);
    expect(o).toMatchObject({ host: '127.0.0.1', port: 0, autoCreateChats: false, throttle: null, requireHttpsWebhook: false, webhookRetries: 3 });
  });

  it('reports every invalid option at once', () => {
    expect(problems({ port: 70000, autoCreateChats: 'yes', webhookRetries: -1, throttle: { globalPerSecond: 0 }, colour: 'red' })).toEqual([
      'colour is not an option (host, port, bots, autoCreateChats, throttle, requireHttpsWebhook, webhookRetries, webhookRetryDelayMs, webhookTimeoutMs, maxBodyBytes, recorder, clock)',
      'port must be an integer from 0 to 65535',
      'webhookRetries must be an integer from 0 to 20',
      'autoCreateChats must be a boolean',
      'throttle.globalPerSecond must be an integer from 1 to 1000000',
    ]);
    expect(problems({ throttle: {} })).toEqual(['throttle needs globalPerSecond or perChatPerSecond']);
  });

  it('validates bots: token shape, username shape, duplicates', () => {
    expect(problems({ bots: [] })[0]).toContain('bots must be a non-empty array');
    expect(problems({ bots: [{ token: 'nocolon', username: 'good_bot' }] })).toEqual(['bots[0].token must look like <digits>:<letters, digits, _ or ->']);
    expect(problems({ bots: [{ token: '1:abc', username: '@my_bot' }] })[0]).toContain('bots[0].username');
    expect(problems({ bots: [{ token: '1:abc', username: 'my_robot_x' }] })[0]).toContain('ending in "bot"');
    expect(
      problems({
        bots: [
          { token: '1:abc', username: 'one_bot' },
          { token: '1:abc', username: 'ONE_bot' },
        ],
      }),
    ).toEqual(['bots[1].token is used twice', 'bots[1].username is used twice']);
    expect(resolveTelegramOptions({ bots: [{ token: '42:x', username: 'cnap_bot', id: 7, firstName: 'ЦНАП' }] }).bots[0]).toEqual({
      token: '42:x',
      username: 'cnap_bot',
      id: 7,
      firstName: 'ЦНАП',
    });
  });
});
