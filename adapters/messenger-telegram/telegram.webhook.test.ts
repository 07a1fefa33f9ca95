import type { WebhookRequest } from '../../contracts';
import { readWebhook, SECRET_HEADER, secretMatches } from './telegram.webhook';

const SECRET = 'hook_Secret-123';
const update = { update_id: 900, message: { message_id: 1, date: 1, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'A' }, text: '/start abcdefghijklmnop1234' } };
const request = (body: string | Buffer, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }): WebhookRequest => ({
  method: 'POST',
  url: 'https://hub.example/v1/webhooks/telegram',
  headers: { 'content-type': 'application/json', ...headers },
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

describe('secretMatches', () => {
  it('matches the exact secret only', () => {
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(`${SECRET}x`, SECRET)).toBe(false);
    expect(secretMatches(SECRET.slice(0, -1), SECRET)).toBe(false);
    expect(secretMatches('', SECRET)).toBe(false);
    expect(secretMatches(undefined, SECRET)).toBe(false);
  });
});

describe('readWebhook', () => {
  it('reads a genuine update with update:<update_id> as dedup key and answers 200', () => {
    expect(readWebhook(request(JSON.stringify(update)), SECRET)).toEqual({
      verified: true,
      dedupKey: 'update:900',
      deliveries: [],
      inbound: [{ kind: 'start', channel: 'telegram', address: '42', token: 'abcdefghijklmnop1234' }],
      reply: { status: 200 },
    });
  });

  it('refuses a missing or wrong secret without reading the body, naming no secret', () => {
    const missing = readWebhook(request(JSON.stringify(update), {}), SECRET);
    expect(missing).toMatchObject({ verified: false, inbound: [], deliveries: [] });
    const wrong = readWebhook(request(JSON.stringify(update), { [SECRET_HEADER]: 'other' }), SECRET);
    expect(wrong).toMatchObject({ verified: false, inbound: [] });
    expect(JSON.stringify([missing, wrong])).not.toContain(SECRET);
  });

  it.each([
    ['broken JSON', '{'],
    ['binary', Buffer.from([0, 0xff, 0xfe])],
    ['a prototype key', '{"__proto__":{"x":1},"update_id":1}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"x":1}},"update_id":1}'],
    ['no update_id', '{"message":{}}'],
    ['an array', '[1]'],
    ['empty', ''],
  ])('answers 200 and reads nothing from a verified body with %s', (_name, body) => {
    const outcome = readWebhook(request(body), SECRET);
    expect(outcome).toMatchObject({ verified: true, deliveries: [], inbound: [], reply: { status: 200 } });
    expect(outcome.dedupKey).toBeUndefined();
  });

  it('does not pollute Object.prototype', () => {
    readWebhook(request('{"__proto__":{"polluted":1},"update_id":1}'), SECRET);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
