import { startHookReceiver } from './hook-receiver.fixture';

describe('startHookReceiver', () => {
  it('keeps raw bodies, answers scripted statuses then the default, and waits by predicate or count', async () => {
    const rx = await startHookReceiver({ path: '/hook', headers: { 'content-type': 'application/json' }, decode: (h) => ({ raw: h.raw, answered: h.answered, url: h.url }) });
    try {
      rx.answers.push({ status: 503 });
      const post = (body: string) => fetch(rx.url, { method: 'POST', body });
      expect(await rx.waitForCount(0)).toEqual([]);
      const first = await post('{"n":1}');
      expect(first.status).toBe(503);
      expect(first.headers.get('content-type')).toBe('application/json');
      const later = rx.waitFor((h) => h.raw.includes('"n":2'));
      expect((await post('{"n":2}')).status).toBe(200);
      expect(await later).toEqual({ raw: '{"n":2}', answered: 200, url: '/hook' });
      expect((await rx.waitForCount(2)).map((h) => h.answered)).toEqual([503, 200]);
      await expect(rx.waitForCount(3, 50)).rejects.toThrow('receiver got 2 of 3 requests within 50 ms');
    } finally {
      await rx.close();
    }
  });
});
