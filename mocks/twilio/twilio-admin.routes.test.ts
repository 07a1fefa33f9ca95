import { startTwilioMock, type RunningTwilioMock } from './index';
import { api, messagesPath, startReceiver, type CallbackReceiver } from './twilio-http.fixture';

const TO = '+380501112233';
const FROM = '+15005550006';

async function admin(tw: RunningTwilioMock, method: string, path: string, body?: unknown) {
  const res = await fetch(`${tw.baseUrl}/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('Twilio mock: /__admin API', () => {
  let tw: RunningTwilioMock;
  let rx: CallbackReceiver;
  beforeAll(async () => {
    tw = await startTwilioMock({ autoProgress: { enabled: false } });
    rx = await startReceiver();
  });
  afterAll(async () => {
    await tw.close();
    await rx.close();
  });
  afterEach(() => tw.admin.reset());

  const send = async (to = TO) => (await api(tw.url, messagesPath(), { form: { To: to, From: FROM, Body: `hi ${to}`, StatusCallback: `${rx.url}/cb` } })).json as { sid: string };

  it('exposes url = baseUrl, the port and the default account', () => {
    expect(tw.url).toBe(tw.baseUrl);
    expect(tw.url).toBe(`http://127.0.0.1:${tw.port}`);
    expect(tw.accounts).toEqual([{ sid: 'ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', authToken: 'twilio-demo-auth-token' }]);
  });

  it('sets, lists and deletes recipient behaviours', async () => {
    expect((await admin(tw, 'POST', '/recipients', { to: TO, behaviour: 'unsubscribed' })).json).toEqual({ to: TO, behaviour: 'unsubscribed', errorCode: 21610 });
    expect((await admin(tw, 'POST', '/recipients', { to: '+380671112233', behaviour: 'undelivered', errorCode: 30006 })).status).toBe(201);
    expect((await admin(tw, 'GET', '/recipients')).json.recipients).toHaveLength(2);
    expect((await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'x' } })).json.code).toBe(21610);
    expect((await admin(tw, 'DELETE', `/recipients/${encodeURIComponent(TO)}`)).status).toBe(204);
    expect((await admin(tw, 'DELETE', `/recipients/${encodeURIComponent(TO)}`)).status).toBe(404);
    expect((await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'x' } })).status).toBe(201);
  });

  it.each([
    [{ to: TO, behaviour: 'lost' }, /behaviour must be one of/],
    [{ to: TO, behaviour: 'delivered', errorCode: 30003 }, /takes no errorCode/],
    [{ to: TO, behaviour: 'failed', errorCode: '30003' }, /five-digit integer/],
    [{ to: 5, behaviour: 'failed' }, /to must be/],
    [{ to: TO, behaviour: 'failed', colour: 'red' }, /unknown field\(s\) colour/],
    [[1, 2], /JSON object/],
    ['{"to":', /not valid JSON/],
    ['{"__proto__":{"x":1},"to":"+1","behaviour":"failed"}', /__proto__/],
  ])('refuses a bad recipient body %# with 400', async (body, message) => {
    const r = await admin(tw, 'POST', '/recipients', body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(message);
  });

  it('lists what the phones received, by number and with a limit, and shows one message', async () => {
    const a = await send();
    await send('+380671112233');
    const c = await send();
    const all = (await admin(tw, 'GET', '/messages')).json;
    expect(all.total).toBe(3);
    const mine = (await admin(tw, 'GET', `/messages?to=${encodeURIComponent(TO)}`)).json.messages;
    expect(mine.map((m: { sid: string }) => m.sid)).toEqual([a.sid, c.sid]);
    expect(mine[0]).toMatchObject({ sid: a.sid, to: TO, from: FROM, body: `hi ${TO}`, status: 'queued', numSegments: 1, errorCode: null });
    expect(mine[0].dateCreated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await admin(tw, 'GET', '/messages?limit=1')).json.messages.map((m: { sid: string }) => m.sid)).toEqual([c.sid]);
    expect((await admin(tw, 'GET', '/messages?limit=x')).status).toBe(400);
    expect((await admin(tw, 'GET', `/messages/${a.sid}`)).json.sid).toBe(a.sid);
    expect((await admin(tw, 'GET', '/messages/SMnope')).status).toBe(404);
    expect(tw.messages.list({ to: TO }).map((m) => m.sid)).toEqual([a.sid, c.sid]);
  });

  it('moves a status by HTTP and posts the callback, which the callback log shows', async () => {
    const { sid } = await send();
    const r = await admin(tw, 'POST', `/messages/${sid}/status`, { status: 'undelivered', errorCode: 30005 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ sid, status: 'undelivered', errorCode: 30005, errorMessage: 'Unknown destination handset' });
    const [cb] = await rx.waitForCount(1);
    expect(cb.params).toMatchObject({ MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30005' });
    await tw.callbacks.waitFor((a) => a.messageSid === sid);
    const log = (await admin(tw, 'GET', `/callbacks?sid=${sid}`)).json.callbacks;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ messageSid: sid, status: 'undelivered', url: `${rx.url}/cb`, attempt: 1, httpStatus: 204, error: null });
    expect(log[0].params.ErrorCode).toBe('30005');
    expect(log[0].signature).toBe(cb.headers['x-twilio-signature']);
    expect((await admin(tw, 'GET', '/callbacks?sid=SMother')).json.callbacks).toEqual([]);
    expect((await admin(tw, 'DELETE', '/callbacks')).status).toBe(204);
    expect((await admin(tw, 'GET', '/callbacks')).json.callbacks).toEqual([]);
  });

  it('refuses bad status changes', async () => {
    const { sid } = await send();
    expect((await admin(tw, 'POST', `/messages/${sid}/status`, { status: 'gone' })).status).toBe(400);
    expect((await admin(tw, 'POST', `/messages/${sid}/status`, { status: 'sent', errorCode: 30001 })).status).toBe(400);
    expect((await admin(tw, 'POST', `/messages/${sid}/status`, { status: 'sent', extra: 1 })).status).toBe(400);
    expect((await admin(tw, 'POST', '/messages/SMnope/status', { status: 'sent' })).status).toBe(404);
  });

  it('POST /__admin/reset clears messages, rules and callbacks', async () => {
    await send();
    await admin(tw, 'POST', '/recipients', { to: TO, behaviour: 'failed' });
    expect((await admin(tw, 'POST', '/reset')).status).toBe(204);
    expect((await admin(tw, 'GET', '/messages')).json.total).toBe(0);
    expect((await admin(tw, 'GET', '/recipients')).json.recipients).toEqual([]);
  });

  it('takes kit faults over /__admin/scenario and renders them in the Twilio shape', async () => {
    expect((await admin(tw, 'POST', '/scenario', { fault: 'http-error', status: 500, count: 1, match: { type: 'create-message' } })).status).toBe(201);
    const r = await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'x' } });
    expect(r.json).toEqual({ code: 20500, message: 'Internal Server Error', more_info: 'https://www.twilio.com/docs/errors/20500', status: 500 });
  });
});
