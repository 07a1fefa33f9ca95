import { startTurboSmsMock, type RunningTurboSmsMock } from './index';
import { phones, send, smsBody, status } from './turbo-http.fixture';

describe('TurboSMS mock: benchmark-sized load', () => {
  let sms: RunningTurboSmsMock;
  beforeAll(async () => {
    sms = await startTurboSmsMock({ recorder: { maxEntries: 100, maxBodyBytes: 1024 } });
  });
  afterAll(() => sms.close());

  it('takes 100 000 messages in 20 sends of 5000 recipients and answers status polls of 5000 ids', async () => {
    const started = Date.now();
    const ids: string[] = [];
    let slowest = 0;
    for (let batch = 0; batch < 20; batch++) {
      const t = Date.now();
      const r = await send(sms.url, smsBody(phones(5000, batch * 5000), `Повідомлення ${batch}`));
      slowest = Math.max(slowest, Date.now() - t);
      expect(r.body.response_code).toBe(800);
      expect(r.body.response_result).toHaveLength(5000);
      for (const e of r.body.response_result!) ids.push(e.message_id!);
    }
    expect(new Set(ids).size).toBe(100_000);
    expect(sms.account.stats()).toEqual({ sendRequests: 20, recipients: 100_000, duplicates: 0, messages: 100_000 });
    expect(sms.account.balance()).toBe(0);

    const t = Date.now();
    const polled = await status(sms.url, ids.slice(95_000));
    const pollMs = Date.now() - t;
    expect(polled.body.response_result).toHaveLength(5000);
    expect(polled.body.response_result!.every((e) => e.response_code === 0)).toBe(true);
    expect(sms.messages.list({ phone: phones(1, 99_999)[0] })).toHaveLength(1);

    // Generous bounds: these are O(n) per request; a quadratic regression would blow far past them.
    expect(slowest).toBeLessThan(2000);
    expect(pollMs).toBeLessThan(2000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a duplicate 5000-recipient send is answered from the window without new messages', async () => {
    sms.account.setBalance(10_000);
    const body = smsBody(phones(5000, 200_000), 'Дубль');
    const first = await send(sms.url, body);
    const again = await send(sms.url, body);
    expect(again.body.response_code).toBe(507);
    expect(again.body.response_result).toEqual(first.body.response_result);
    expect(sms.account.stats().messages).toBe(105_000);
  });
});
