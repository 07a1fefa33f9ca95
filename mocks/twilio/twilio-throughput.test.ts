import http from 'node:http';
import { startTwilioMock } from './index';
import { basic, messagesPath, startReceiver } from './twilio-http.fixture';

/**
 * A scaled-down run of the 100 000-message benchmark: every message must reach `delivered` with
 * its three callbacks in order, while the request log and the callback log stay within their limits.
 */
describe('Twilio mock: sustained load', () => {
  it('delivers 600 messages with 1800 ordered callbacks and bounded logs', async () => {
    const N = 600;
    const tw = await startTwilioMock({
      autoProgress: { sentAfterMs: 1, deliveredAfterMs: 2 },
      recorder: { maxEntries: 100 },
      callbackLogLimit: 300,
      // A loaded CI box can take seconds to answer; a timeout would cause a (legitimate) retry.
      callbackTimeoutMs: 60_000,
    });
    const rx = await startReceiver();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    try {
      const target = new URL(tw.url + messagesPath());
      const auth = basic();
      const post = (i: number) =>
        new Promise<number>((resolve, reject) => {
          const body = new URLSearchParams({ To: `+38050${1000000 + (i % 50)}`, From: '+15005550006', Body: `Повідомлення ${i}`, StatusCallback: `${rx.url}/cb` }).toString();
          const headers = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) };
          const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end(body);
        });
      let next = 0;
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (next < N) statuses.push(await post(next++));
        }),
      );
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
      await rx.waitForCount(N * 3, 50_000);

      expect(tw.messages.count()).toBe(N);
      expect(tw.messages.list().filter((m) => m.status !== 'delivered')).toEqual([]);
      expect(tw.admin.requests().length).toBeLessThanOrEqual(100);
      expect(tw.callbacks.list().length).toBeLessThanOrEqual(300);
      const perMessage = new Map<string, string[]>();
      for (const c of rx.received) perMessage.set(c.params.MessageSid, [...(perMessage.get(c.params.MessageSid) ?? []), c.params.MessageStatus]);
      expect(perMessage.size).toBe(N);
      expect([...perMessage.values()].filter((s) => s.join() !== 'sending,sent,delivered')).toEqual([]);
      // A fan of 50 numbers: the per-recipient index must hold exactly their messages.
      expect(tw.messages.list({ to: '+380501000007' })).toHaveLength(N / 50);
    } finally {
      agent.destroy();
      await tw.close();
      await rx.close();
    }
  }, 90_000);
});
