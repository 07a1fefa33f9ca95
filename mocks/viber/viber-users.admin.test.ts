import { createHmac } from 'node:crypto';
import { DEFAULT_ACCOUNT, startViberMock, type RunningViberMock } from './index';
import { callApi, rawToken, startReceiver, textMessage, type WebhookReceiver } from './viber-test.fixture';

const TOKEN = DEFAULT_ACCOUNT.authToken;

describe('Viber mock: simulated users over /__admin', () => {
  let viber: RunningViberMock;
  let hook: WebhookReceiver;
  const api = (method: string, body: unknown) => callApi(viber.url, method, body, { token: TOKEN });
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${viber.baseUrl}/__admin${path}`, { method, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

  beforeAll(async () => {
    hook = await startReceiver();
    viber = await startViberMock({ autoProgress: { enabled: false } });
  });
  afterAll(async () => {
    await viber.close();
    await hook.close();
  });
  beforeEach(async () => {
    viber.admin.reset();
    viber.settings.set({ autoProgress: { enabled: false } });
    hook.reply(() => ({ status: 200 }));
    await api('set_webhook', { url: hook.url, send_name: true, send_photo: true });
    hook.received.length = 0;
  });

  it('creates subscribed users with generated base64 ids, or the given id', async () => {
    const r = await admin('POST', '/users', { name: 'Олена Коваль', behaviour: 'reads' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'Олена Коваль', behaviour: 'reads', subscribed: true, language: 'uk', country: 'UA' });
    expect(r.body.id).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect((await admin('POST', '/users', { id: '01234567890A=', name: 'Іван' })).body.id).toBe('01234567890A=');
    expect((await admin('POST', '/users', { id: '01234567890A=', name: 'Again' })).status).toBe(409);
    expect((await admin('GET', '/users')).body.users).toHaveLength(2);
  });

  it('refuses invalid user input with 400', async () => {
    for (const body of [{ behaviour: 'teleports' }, { name: 7 }, { apiVersion: 0 }, { unknown: 1 }, '{"__proto__":{}}', 'nope', '[1]']) {
      expect((await admin('POST', '/users', body)).status).toBe(400);
    }
  });

  it('handles ids containing / and + when they are percent-encoded, like real Viber ids', async () => {
    const id = 'ab+cd/ef0123456789AB==';
    await admin('POST', '/users', { id, name: 'Slash' });
    expect((await admin('GET', userPath(id))).body.id).toBe(id);
    expect((await admin('GET', '/users/nobody')).status).toBe(404);
  });

  it('open sends conversation_started with the deep-link context; the user need not exist', async () => {
    const r = await admin('POST', `${userPath('NewCitizen0000000000A==')}/open`, { context: 'link-7f3a9c', name: 'Марія' });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: 'NewCitizen0000000000A==', subscribed: false, name: 'Марія' });
    const cb = hook.received[0];
    expect(cb.json).toMatchObject({
      event: 'conversation_started',
      chat_hostname: 'SN-CHAT-05_',
      type: 'open',
      context: 'link-7f3a9c',
      subscribed: false,
      user: { id: 'NewCitizen0000000000A==', name: 'Марія', language: 'uk', country: 'UA', api_version: 10 },
    });
    expect(typeof cb.json.user.avatar).toBe('string');
    expect(rawToken(cb.raw)).toMatch(/^\d{19}$/);
    expect(cb.headers['x-viber-content-signature']).toBe(createHmac('sha256', TOKEN).update(cb.raw).digest('hex'));
    expect(r.body.callback).toMatchObject({ event: 'conversation_started', delivered: true, body: cb.raw });
    expect(r.body.welcome).toBeNull();
    // Not subscribed yet: a regular send is refused.
    expect((await api('send_message', textMessage('NewCitizen0000000000A=='))).json.status).toBe(6);
  });

  it('records a valid message in the webhook answer to conversation_started as the welcome message', async () => {
    hook.reply((cb) =>
      cb.json?.event === 'conversation_started'
        ? { status: 200, body: JSON.stringify({ sender: { name: 'Cabinet Demo' }, type: 'text', text: 'Вітаємо! Надішліть код.', tracking_data: 'welcome' }) }
        : { status: 200 },
    );
    const u = viber.users.add({ subscribed: false });
    const r = await viber.users.open(u.id, 'ctx');
    expect(r.welcome).toMatchObject({ via: 'welcome', text: 'Вітаємо! Надішліть код.', trackingData: 'welcome', receiver: u.id, senderName: 'Cabinet Demo' });
    expect(r.welcome!.messageToken).toMatch(/^\d{19}$/);
    expect((await admin('GET', `${userPath(u.id)}/messages`)).body.messages).toHaveLength(1);
    hook.reply(() => ({ status: 200, body: '{"type":"text"}' }));
    expect((await viber.users.open(u.id, 'ctx2')).welcome).toBeNull();
  });

  it('omits name and avatar from user objects unless the webhook asked for them', async () => {
    await api('set_webhook', { url: hook.url });
    hook.received.length = 0;
    const u = viber.users.add({ name: 'Private' });
    await viber.users.open(u.id, '');
    expect(hook.received[0].json.user).toEqual({ id: u.id, language: 'uk', country: 'UA', api_version: 10 });
  });

  it('write sends a message callback with the tracking_data of the bot’s last message and subscribes the user', async () => {
    const u = viber.users.add({ name: 'Петро', subscribed: false });
    await viber.users.open(u.id, 'x');
    const w1 = await admin('POST', `${userPath(u.id)}/messages`, { text: '123456' });
    expect(w1.status).toBe(200);
    expect(w1.body.user.subscribed).toBe(true);
    const msg = hook.received.find((c) => c.json.event === 'message')!;
    expect(msg.json).toMatchObject({
      event: 'message',
      chat_hostname: 'SN-CHAT-05_',
      sender: { id: u.id, name: 'Петро', language: 'uk', country: 'UA', api_version: 10 },
      message: { type: 'text', text: '123456', tracking_data: '' },
      silent: false,
    });
    expect(msg.raw).toMatch(/"message_token":\d{19},/);
    // No subscribed event: subscribing by writing does not send one.
    expect(hook.received.map((c) => c.json.event)).toEqual(['conversation_started', 'message']);
    expect((await api('send_message', textMessage(u.id, 'Код прийнято', { tracking_data: 'step-2' }))).json.status).toBe(0);
    await viber.users.write(u.id, 'Дякую');
    expect(hook.received.at(-1)!.json.message.tracking_data).toBe('step-2');
    expect((await admin('POST', `${userPath(u.id)}/messages`, { text: '' })).status).toBe(400);
  });

  it('subscribe sends subscribed with the user object; unsubscribe sends unsubscribed and later sends get 6', async () => {
    const id = 'Sub0000000000000000000==';
    const s = await admin('POST', `${userPath(id)}/subscribe`, {});
    expect(s.body.callback).toMatchObject({ event: 'subscribed', userId: id });
    expect(hook.received[0].json).toMatchObject({ event: 'subscribed', user: { id } });
    expect((await admin('POST', `${userPath(id)}/subscribe`, {})).status).toBe(409);
    expect((await api('send_message', textMessage(id))).json.status).toBe(0);
    const un = await admin('POST', `${userPath(id)}/unsubscribe`, {});
    expect(un.body.user.subscribed).toBe(false);
    expect(hook.received[1].raw).toMatch(
      new RegExp(`^\\{"event":"unsubscribed","timestamp":\\d+,"chat_hostname":"SN-CHAT-05_","message_token":\\d{19},"user_id":"${id.replace(/[+/=]/g, '\\$&')}"\\}$`),
    );
    expect((await api('send_message', textMessage(id))).json).toEqual({ status: 6, status_message: 'receiverNotSubscribed' });
    expect((await admin('POST', `${userPath(id)}/unsubscribe`, {})).status).toBe(409);
    expect((await admin('POST', '/users/ghost/unsubscribe', {})).status).toBe(404);
  });

  it('lists what the bot sent to a user and everything sent since a seq', async () => {
    const a = viber.users.add({});
    const b = viber.users.add({});
    await api('send_message', textMessage(a.id, 'one'));
    const t2 = rawToken((await api('send_message', textMessage(b.id, 'two'))).text);
    await api('send_message', textMessage(a.id, 'three'));
    const mine = (await admin('GET', `${userPath(a.id)}/messages`)).body.messages;
    expect(mine.map((m: { text: string }) => m.text)).toEqual(['one', 'three']);
    expect(mine[0]).toMatchObject({ type: 'text', trackingData: 'appeal-42', senderName: 'Cabinet Demo', account: 'Cabinet Demo' });
    expect(typeof mine[0].messageToken).toBe('string');
    const all = (await admin('GET', '/sent?since=1')).body;
    expect(all.count).toBe(3);
    expect(all.lastSeq).toBe(3);
    expect(all.messages.map((m: { messageToken: string }) => m.messageToken)[0]).toBe(t2);
    expect((await admin('GET', '/sent?since=x')).status).toBe(400);
  });

  it('PATCH changes behaviour at run time', async () => {
    const u = viber.users.add({});
    expect((await admin('PATCH', userPath(u.id), { behaviour: 'no-device' })).body.behaviour).toBe('no-device');
    expect((await api('send_message', textMessage(u.id))).json.status).toBe(11);
    expect((await admin('PATCH', userPath(u.id), { id: 'x' })).status).toBe(400);
  });

  it('drives events to the bot named by `account`', async () => {
    expect((await admin('POST', `${userPath('x')}/open`, { context: 'c', account: 'No Such Bot' })).status).toBe(400);
    expect((await admin('POST', `${userPath('x')}/open`, { context: 'c', account: 'Cabinet Demo' })).status).toBe(200);
  });

  it('reports no callback when no webhook is set', async () => {
    await api('set_webhook', { url: '' });
    const r = await viber.users.write('someone', 'hello');
    expect(r.callback).toBeNull();
  });

  it('reset clears users, messages, callbacks and webhooks', async () => {
    const u = viber.users.add({});
    await api('send_message', textMessage(u.id));
    await admin('POST', '/reset');
    expect(viber.users.list()).toHaveLength(0);
    expect(viber.sent.list().count).toBe(0);
    expect(viber.callbacks.list()).toHaveLength(0);
    expect(viber.accounts()[0].webhook).toBeNull();
  });
});
