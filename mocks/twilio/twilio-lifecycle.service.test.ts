import { validateRequest } from 'twilio/lib/webhooks/webhooks';
import { startTwilioMock, type RunningTwilioMock, type TwilioMockOptions } from './index';
import { api, delay, messagesPath, startReceiver, TOKEN, type CallbackReceiver } from './twilio-http.fixture';

const TO = '+380501112233';
const FROM = '+15005550006';
const MG = 'MG' + 'a'.repeat(32);
const FAST = { sentAfterMs: 5, deliveredAfterMs: 15 };

describe('Twilio mock: status progression and callbacks', () => {
  let rx: CallbackReceiver;
  let tw: RunningTwilioMock;
  const start = async (options: TwilioMockOptions = {}) => {
    tw = await startTwilioMock({ autoProgress: FAST, callbackRetryDelayMs: 5, ...options });
  };
  beforeEach(async () => {
    rx = await startReceiver();
  });
  afterEach(async () => {
    await tw?.close();
    await rx.close();
  });

  const send = async (form: Record<string, string>) => {
    const r = await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'Ваше звернення зареєстровано', StatusCallback: `${rx.url}/twilio/status?tenant=kyiv`, ...form } });
    expect(r.status).toBe(201);
    return r.json as { sid: string; status: string };
  };

  it('posts sending, sent, delivered in order, never the initial status, with the documented parameters', async () => {
    await start();
    const { sid } = await send({});
    const got = await rx.waitForCount(3);
    await delay(30);
    expect(rx.received).toHaveLength(3);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['sending', 'sent', 'delivered']);
    for (const c of got) {
      expect(c.url).toBe('/twilio/status?tenant=kyiv');
      expect(c.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(c.params).toMatchObject({ MessageSid: sid, SmsSid: sid, SmsStatus: c.params.MessageStatus, AccountSid: tw.accounts[0].sid, From: FROM, To: TO, ApiVersion: '2010-04-01' });
      expect(c.params.ErrorCode).toBeUndefined();
      expect(c.params.MessagingServiceSid).toBeUndefined();
    }
    expect(got[0].params.RawDlrDoneDate).toBeUndefined();
    expect(got[2].params.RawDlrDoneDate).toMatch(/^\d{10}$/);
    const fetched = await api(tw.url, `/2010-04-01/Accounts/${tw.accounts[0].sid}/Messages/${sid}.json`);
    expect(fetched.json).toMatchObject({ status: 'delivered', error_code: null, price: '-0.00790' });
    expect(fetched.json.date_sent).not.toBeNull();
  });

  it('signs every callback so that twilio-node validateRequest accepts it', async () => {
    await start();
    await send({});
    for (const c of await rx.waitForCount(3)) {
      const signature = c.headers['x-twilio-signature'] as string;
      const url = `${rx.url}${c.url}`;
      expect(validateRequest(TOKEN, signature, url, c.params)).toBe(true);
      expect(validateRequest('wrong-token', signature, url, c.params)).toBe(false);
      expect(validateRequest(TOKEN, signature, url, { ...c.params, MessageStatus: 'failed' })).toBe(false);
    }
    // The URL is signed exactly as the StatusCallback was given, host name form included.
    const withPort = rx.url.replace('127.0.0.1', 'localhost');
    await send({ StatusCallback: `${withPort}/cb` });
    const c = (await rx.waitForCount(6))[3];
    expect(validateRequest(TOKEN, c.headers['x-twilio-signature'] as string, `${withPort}/cb`, c.params)).toBe(true);
  });

  it('sends a unique idempotency token per callback, the same one on its retries', async () => {
    await start({ callbackRetries: 2 });
    rx.answers.push(500, 503);
    await send({});
    const got = await rx.waitForCount(5);
    expect(got.map((c) => [c.params.MessageStatus, c.answered])).toEqual([
      ['sending', 500],
      ['sending', 503],
      ['sending', 204],
      ['sent', 204],
      ['delivered', 204],
    ]);
    const tokens = got.map((c) => c.headers['i-twilio-idempotency-token']);
    expect(tokens[0]).toBeTruthy();
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).toBe(tokens[0]);
    expect(new Set(tokens).size).toBe(3);
    await tw.callbacks.waitFor((a) => a.status === 'delivered');
    const log = tw.callbacks.list();
    expect(log.map((a) => [a.status, a.attempt, a.httpStatus])).toEqual([
      ['sending', 1, 500],
      ['sending', 2, 503],
      ['sending', 3, 204],
      ['sent', 1, 204],
      ['delivered', 1, 204],
    ]);
    expect(log[0]).toMatchObject({ url: `${rx.url}/twilio/status?tenant=kyiv`, signature: got[0].headers['x-twilio-signature'], idempotencyToken: tokens[0] });
  });

  it('gives up after callbackRetries and moves on to the next status', async () => {
    await start({ callbackRetries: 1 });
    rx.answers.push(500, 500);
    await send({});
    const got = await rx.waitForCount(4);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['sending', 'sending', 'sent', 'delivered']);
  });

  it('records callbacks that reach nobody, with the error and no HTTP status', async () => {
    await start({ callbackRetries: 1 });
    await send({ StatusCallback: 'http://127.0.0.1:1/cb' });
    const failed = await tw.callbacks.waitFor((a) => a.status === 'sending' && a.attempt === 2);
    expect(failed).toMatchObject({ httpStatus: null, url: 'http://127.0.0.1:1/cb' });
    expect(failed.error).toMatch(/ECONNREFUSED/);
  });

  it('honours the #rc= connection override and does not send or sign the fragment', async () => {
    await start({ callbackRetries: 3 });
    rx.answers.push(500, 500, 500);
    await send({ StatusCallback: `${rx.url}/cb#rc=0` });
    const got = await rx.waitForCount(3);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['sending', 'sent', 'delivered']);
    expect(got[0].url).toBe('/cb');
    expect(validateRequest(TOKEN, got[0].headers['x-twilio-signature'] as string, `${rx.url}/cb`, got[0].params)).toBe(true);
  });

  it('goes accepted → queued → sending → sent → delivered through a Messaging Service, with the queued callback', async () => {
    await start();
    const created = await send({ From: '', MessagingServiceSid: MG });
    expect(created.status).toBe('accepted');
    const got = await rx.waitForCount(4);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['queued', 'sending', 'sent', 'delivered']);
    expect(got.every((c) => c.params.MessagingServiceSid === MG && c.params.From === '+15005550006')).toBe(true);
  });

  it.each([
    ['undelivered', undefined, ['sending', 'sent', 'undelivered'], '30003'],
    ['undelivered', 30005, ['sending', 'sent', 'undelivered'], '30005'],
    ['failed', undefined, ['sending', 'failed'], '30008'],
  ] as const)('reports a %s recipient (code %s) with ErrorCode', async (behaviour, code, statuses, expected) => {
    await start();
    tw.recipients.set(TO, behaviour, code);
    const { sid } = await send({});
    const got = await rx.waitForCount(statuses.length);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(statuses);
    const last = got[got.length - 1].params;
    expect(last.ErrorCode).toBe(expected);
    if (behaviour === 'undelivered') expect(last.RawDlrDoneDate).toMatch(/^\d{10}$/);
    else expect(last.RawDlrDoneDate).toBeUndefined();
    expect(tw.messages.get(sid)).toMatchObject({ status: behaviour, errorCode: Number(expected) });
    const fetched = await api(tw.url, `/2010-04-01/Accounts/${tw.accounts[0].sid}/Messages/${sid}.json`);
    expect(fetched.json).toMatchObject({ status: behaviour, error_code: Number(expected) });
    expect(fetched.json.error_message).toEqual(expect.any(String));
  });

  it('leaves a silent recipient at sent, with no delivery confirmation', async () => {
    await start();
    tw.recipients.set(TO, 'silent');
    const { sid } = await send({});
    await rx.waitForCount(2);
    await delay(60);
    expect(rx.received.map((c) => c.params.MessageStatus)).toEqual(['sending', 'sent']);
    expect(tw.messages.get(sid)?.status).toBe('sent');
  });

  it('sends delivered before sent with outOfOrderCallbacks', async () => {
    await start({ outOfOrderCallbacks: true });
    await send({});
    const got = await rx.waitForCount(3);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['sending', 'delivered', 'sent']);
  });

  it('fails a message whose ValidityPeriod ran out in the queue with 30001', async () => {
    await start({ autoProgress: { sentAfterMs: 1100, deliveredAfterMs: 1100 } });
    const { sid } = await send({ ValidityPeriod: '1' });
    const got = await rx.waitForCount(1, 3000);
    expect(got[0].params).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30001' });
    expect(tw.messages.get(sid)?.status).toBe('failed');
  });

  it('stays in the initial status without autoProgress until an operator moves it, then calls back', async () => {
    await start({ autoProgress: { enabled: false } });
    const { sid } = await send({});
    await delay(40);
    expect(rx.received).toHaveLength(0);
    expect(tw.messages.get(sid)?.status).toBe('queued');
    tw.messages.setStatus(sid, 'delivered');
    tw.messages.setStatus(sid, 'sent');
    const got = await rx.waitForCount(2);
    expect(got.map((c) => c.params.MessageStatus)).toEqual(['delivered', 'sent']);
    expect(tw.messages.get(sid)?.status).toBe('sent');
    tw.messages.setStatus(sid, 'undelivered', 30007);
    expect((await rx.waitForCount(3))[2].params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30007' });
  });

  it('takes a message out of the automatic path once an operator set its status', async () => {
    // Wide margins: on a loaded machine the create answer alone can take tens of milliseconds.
    await start({ autoProgress: { sentAfterMs: 250, deliveredAfterMs: 300 } });
    const { sid } = await send({});
    tw.messages.setStatus(sid, 'failed');
    await delay(400);
    expect(rx.received.map((c) => [c.params.MessageStatus, c.params.ErrorCode])).toEqual([['failed', '30008']]);
    expect(tw.messages.get(sid)?.status).toBe('failed');
  });

  it('refuses bad operator input', async () => {
    await start({ autoProgress: { enabled: false } });
    const { sid } = await send({});
    expect(() => tw.messages.setStatus('SMnope', 'sent')).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => tw.messages.setStatus(sid, 'lost' as never)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => tw.messages.setStatus(sid, 'delivered', 30003)).toThrow(/errorCode goes only with failed or undelivered/);
  });

  it('sends no callbacks for messages without a StatusCallback, but still progresses them', async () => {
    await start();
    const r = await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'x' } });
    const m = await tw.messages.waitFor((v) => v.sid === r.json.sid && v.status === 'delivered');
    expect(m.dateSent).not.toBeNull();
    expect(rx.received).toHaveLength(0);
    expect(tw.callbacks.list()).toHaveLength(0);
  });

  it('reset forgets messages, pending progressions, callbacks and recipient rules', async () => {
    await start({ autoProgress: { sentAfterMs: 250, deliveredAfterMs: 300 } });
    tw.recipients.set(TO, 'silent');
    await send({});
    tw.admin.reset();
    await delay(400);
    expect(rx.received).toHaveLength(0);
    expect(tw.messages.count()).toBe(0);
    expect(tw.recipients.list()).toEqual([]);
    expect(tw.callbacks.list()).toEqual([]);
  });

  it('keeps the callback log within callbackLogLimit', async () => {
    await start({ callbackLogLimit: 4 });
    await send({});
    await send({});
    await rx.waitForCount(6);
    await delay(20);
    const log = tw.callbacks.list();
    expect(log).toHaveLength(4);
    expect(log.map((a) => a.seq)).toEqual([...log.map((a) => a.seq)].sort((a, b) => a - b));
  });
});
