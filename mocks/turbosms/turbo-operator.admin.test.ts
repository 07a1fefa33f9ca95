import { startTurboSmsMock, type RunningTurboSmsMock } from './index';
import { send, smsBody, status } from './turbo-http.fixture';

async function admin(sms: RunningTurboSmsMock, method: string, path: string, body?: unknown | string) {
  const res = await fetch(`${sms.baseUrl}/__admin${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('TurboSMS mock: operator admin API', () => {
  let sms: RunningTurboSmsMock;
  beforeAll(async () => {
    sms = await startTurboSmsMock({ autoProgress: { enabled: false } });
  });
  afterAll(() => sms.close());
  afterEach(() => sms.admin.reset());

  it('POST /__admin/recipients sets a behaviour that the next send obeys; DELETE restores the default', async () => {
    const set = await admin(sms, 'POST', '/recipients', { phone: '380501234567', behaviour: 'stoplist' });
    expect(set).toEqual({ status: 200, body: { phone: '380501234567', behaviour: 'stoplist' } });
    expect((await admin(sms, 'GET', '/recipients')).body).toEqual({ recipients: [{ phone: '380501234567', behaviour: 'stoplist' }] });
    expect((await send(sms.url, smsBody(['380501234567']))).body.response_result![0].response_code).toBe(404);
    expect((await admin(sms, 'DELETE', '/recipients/380501234567')).status).toBe(204);
    expect((await admin(sms, 'DELETE', '/recipients/380501234567')).status).toBe(404);
    expect((await send(sms.url, smsBody(['380501234567'], 'again'))).body.response_result![0].response_code).toBe(0);
  });

  it('refuses bad recipient input with 400', async () => {
    for (const b of [
      { phone: '+380501234567', behaviour: 'stoplist' },
      { phone: '380501234567', behaviour: 'angry' },
      { phone: '380501234567' },
      { phone: '380501234567', behaviour: 'silent', extra: 1 },
    ]) {
      expect((await admin(sms, 'POST', '/recipients', b)).status).toBe(400);
    }
    expect((await admin(sms, 'POST', '/recipients', '{"__proto__":{"x":1}}')).status).toBe(400);
    expect((await admin(sms, 'POST', '/recipients', '{oops')).status).toBe(400);
  });

  it('GET /__admin/messages lists what each phone received; ?phone= filters, ?limit= keeps the newest', async () => {
    await send(sms.url, smsBody(['380501234567', '380671234567'], 'перше'));
    await send(sms.url, { recipients: ['380501234567'], viber: { sender: 'Cabinet', text: 'друге' } });
    const all = await admin(sms, 'GET', '/messages');
    expect(all.body.messages).toHaveLength(3);
    const mine = await admin(sms, 'GET', '/messages?phone=380501234567');
    expect(mine.body.messages.map((m: { type: string; text: string }) => [m.type, m.text])).toEqual([
      ['sms', 'перше'],
      ['viber', 'друге'],
    ]);
    const m = mine.body.messages[0];
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['message_id', 'phone', 'type', 'sender', 'text', 'status', 'sentAt', 'updatedAt']));
    expect(m.sentAt).toMatch(/Z$/);
    expect((await admin(sms, 'GET', '/messages?limit=1')).body.messages.map((x: { text: string }) => x.text)).toEqual(['друге']);
    expect((await admin(sms, 'GET', '/messages?limit=-1')).status).toBe(400);
    expect((await admin(sms, 'GET', `/messages/${m.message_id}`)).body.text).toBe('перше');
    expect((await admin(sms, 'GET', '/messages/unknown')).status).toBe(404);
  });

  it('POST /__admin/messages/:id/status changes what status.json reports', async () => {
    const r = await send(sms.url, smsBody(['380501234567']));
    const id = r.body.response_result![0].message_id!;
    expect((await status(sms.url, [id])).body.response_result![0].status).toBe('Sent');
    const set = await admin(sms, 'POST', `/messages/${id}/status`, { status: 'Delivered' });
    expect(set.status).toBe(200);
    expect(set.body.status).toBe('Delivered');
    expect((await status(sms.url, [id])).body.response_result![0].status).toBe('Delivered');
    expect((await admin(sms, 'POST', `/messages/${id}/status`, { status: 'DELIVRD' })).status).toBe(400);
    expect((await admin(sms, 'POST', '/messages/nope/status', { status: 'Delivered' })).status).toBe(404);
  });

  it('GET /__admin/stats counts send requests, recipients and duplicates', async () => {
    await send(sms.url, smsBody(['380501234567', '380671234567', '380931234567']));
    await send(sms.url, smsBody(['380501234567', '380671234567', '380931234567']));
    await send(sms.url, smsBody(['380501234567'], ''));
    expect((await admin(sms, 'GET', '/stats')).body).toEqual({ sendRequests: 3, recipients: 3, duplicates: 1, messages: 3 });
  });

  it('balance and auto-progress can be read and changed; reset restores both', async () => {
    expect((await admin(sms, 'GET', '/balance')).body).toEqual({ balance: 100_000 });
    expect((await admin(sms, 'POST', '/balance', { balance: 2 })).body).toEqual({ balance: 2 });
    expect((await admin(sms, 'POST', '/balance', { balance: -1 })).status).toBe(400);
    expect((await admin(sms, 'POST', '/auto-progress', { enabled: true, deliveredAfterMs: 0 })).body).toEqual({ enabled: true, deliveredAfterMs: 0, readAfterMs: 100 });
    expect((await admin(sms, 'POST', '/auto-progress', { enabled: 'yes' })).status).toBe(400);
    const r = await send(sms.url, smsBody(['380501234567']));
    expect((await status(sms.url, [r.body.response_result![0].message_id])).body.response_result![0].status).toBe('Delivered');
    expect((await admin(sms, 'POST', '/reset')).status).toBe(204);
    expect((await admin(sms, 'GET', '/balance')).body).toEqual({ balance: 100_000 });
    expect((await admin(sms, 'GET', '/auto-progress')).body.enabled).toBe(false);
    expect((await admin(sms, 'GET', '/messages')).body.messages).toEqual([]);
    expect((await admin(sms, 'GET', '/stats')).body).toEqual({ sendRequests: 0, recipients: 0, duplicates: 0, messages: 0 });
  });
});
