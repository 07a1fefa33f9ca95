import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoff, CallbackClient } from './callback.client';
import { startHookReceiver } from './hook-receiver.fixture';

describe('CallbackClient', () => {
  it('signs, retries with the backoff until a 2xx and reports every attempt', async () => {
    const rx = await startHookReceiver();
    const client = new CallbackClient({ timeoutMs: 2000 });
    try {
      rx.answers.push({ status: 500 }, { status: 502 });
      const attempts: [number, number | null][] = [];
      const pauses: number[] = [];
      const outcome = await client.deliver({
        url: rx.url,
        body: '{"event":"delivered"}',
        headers: { 'content-type': 'application/json' },
        sign: (url, body) => ({ 'x-signature': `${url.length}:${String(body).length}` }),
        retries: 3,
        delayMs: (n) => (pauses.push(backoff.exponential(5)(n)), backoff.exponential(5)(n)),
        onAttempt: (n, _at, reply) => void attempts.push([n, reply.status]),
      });
      expect(outcome).toMatchObject({ delivered: true, cancelled: false, attempts: 3 });
      expect(attempts).toEqual([
        [1, 500],
        [2, 502],
        [3, 200],
      ]);
      expect(pauses).toEqual([5, 10]);
      expect(rx.received.map((h) => h.headers['x-signature'])).toEqual(Array(3).fill(`${rx.url.length}:21`));
      expect(backoff.linear(100)(3)).toBe(300);
      expect(backoff.fixed(50)()).toBe(50);
    } finally {
      client.close();
      await rx.close();
    }
  });

  it('never throws: refused connections, timeouts and bad URLs are replies with an errorCode', async () => {
    const rx = await startHookReceiver();
    const url = rx.url;
    await rx.close();
    const client = new CallbackClient({ timeoutMs: 200 });
    try {
      expect((await client.post(url, 'x', {})).errorCode).toBe('ECONNREFUSED');
      expect((await client.post('not a url', 'x', {})).errorCode).toBe('INVALID_URL');
      // A receiver that takes the request and never answers.
      const held = createServer(() => undefined);
      await new Promise<void>((r) => held.listen(0, '127.0.0.1', r));
      const slow = await client.post(`http://127.0.0.1:${(held.address() as AddressInfo).port}/`, 'x', {});
      expect([slow.status, slow.errorCode]).toEqual([null, 'TIMEOUT']);
      held.closeAllConnections();
      held.close();
    } finally {
      client.close();
    }
  });

  it('cancelAll stops a pause between retries: the delivery ends cancelled and is not retried', async () => {
    const rx = await startHookReceiver({ answer: () => ({ status: 500 }) });
    const client = new CallbackClient({ timeoutMs: 2000 });
    try {
      let attempts = 0;
      const pending = client.deliver({ url: rx.url, body: 'x', headers: {}, retries: 5, delayMs: () => 10_000, onAttempt: () => void attempts++ });
      await rx.waitForCount(1);
      await new Promise((r) => setTimeout(r, 20));
      client.cancelAll();
      expect(await pending).toMatchObject({ delivered: false, cancelled: true, attempts: 1 });
      expect(attempts).toBe(1);
      expect(rx.received).toHaveLength(1);
    } finally {
      client.close();
      await rx.close();
    }
  });
});
