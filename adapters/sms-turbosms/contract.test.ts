import { randomUUID } from 'node:crypto';
import { CloudEvent, exampleEvent, failureClassOf, HandleOutcome, NotificationDispatch, TransientError } from '../../contracts';
import { RunningTurboSmsMock, startTurboSmsMock } from '../../mocks/turbosms';
import { CapturingLogger, createAdapter, runAdapterContractKit } from '../../test/kit/adapter-contract.kit';
import { turboSmsAdapter } from './index';
import { REPLAY_WINDOW_MS } from './turbosms.adapter';
import type { TurboSmsConfig } from './turbosms.config';

/*
 * The mandatory adapter contract kit against the TurboSMS mock, plus what is particular to
 * TurboSMS: batching, 507 duplicate protection, per-recipient refusals and status polling. The
 * mock is separate code written to the wire contract (mocks/turbosms/README.md).
 */

const TOKEN = 'turbosms-demo-token';
const SENDER = 'CityInfo';
// Live mode sends a real SMS: only to the number given in LIVE_TURBOSMS_PHONE (a UA number, 380…).
const PHONE = process.env.LIVE_TURBOSMS_PHONE?.replace(/^\+/, '') || '380501234567';
const TEXT = 'Оболонський р-н: 04.06 з 09:00 до 18:00 не буде води. Київводоканал';

let mock: RunningTurboSmsMock;

/** A dispatch to one phone; a fresh dispatchId unless given. */
function dispatch(overrides: Partial<NotificationDispatch> = {}): CloudEvent {
  const ev = exampleEvent('notification.dispatch', { id: randomUUID() });
  ev.data = { ...(ev.data as NotificationDispatch), dispatchId: randomUUID(), address: `+${PHONE}`, text: TEXT, ...overrides };
  return ev;
}

const fixture = dispatch();
const config = (url: string, extra: Partial<TurboSmsConfig> = {}): TurboSmsConfig => ({ token: TOKEN, baseUrl: url, sender: SENDER, ...extra });

runAdapterContractKit({
  definition: turboSmsAdapter,
  startMock: async () => {
    mock = await startTurboSmsMock();
    return { url: mock.url, admin: mock.admin, close: () => mock.close() };
  },
  validConfig: (m) => config(m.url),
  unauthorizedConfig: (m) => config(m.url, { token: 'not-a-known-token' }),
  invalidConfigs: [
    { config: { sender: SENDER }, path: '/token' },
    { config: { token: TOKEN, sender: SENDER, baseUrl: 'ftp://api.turbosms.ua' }, path: '/baseUrl' },
    { config: { token: TOKEN, sender: '' }, path: '/sender' },
    { config: { token: TOKEN, sender: SENDER, batch: { maxRecipients: 5001 } }, path: '/batch/maxRecipients' },
    { config: { token: TOKEN, sender: SENDER, batch: { windowMs: -1 } }, path: '/batch/windowMs' },
  ],
  fixtures: [
    {
      name: 'notify.sms',
      input: fixture,
      expectRequests: (recorded) => {
        expect(recorded).toHaveLength(1);
        expect(recorded[0]).toMatchObject({ method: 'POST', path: '/message/send.json', type: 'send' });
        expect(recorded[0].headers.authorization).toBe('Bearer');
        expect(JSON.parse(recorded[0].body)).toEqual({ recipients: [PHONE], sms: { sender: SENDER, text: TEXT } });
      },
      expectOutcome: (outcome) => {
        const [sent] = mock.messages.list({ phone: PHONE });
        expect(outcome.results).toEqual([]);
        expect(outcome.deliveries).toEqual([{ dispatchId: (fixture.data as NotificationDispatch).dispatchId, providerMessageId: sent.message_id, status: 'sent', occurredAt: expect.any(String) }]);
        expect(outcome.summary?.response).toMatchObject({ responseCode: 800, recipientCode: 0, status: 'sent', messageId: sent.message_id });
        expect(outcome.summary?.request).toMatchObject({ batchSize: 1, segments: 1, encoding: 'UCS-2' });
        expect(sent).toMatchObject({ text: TEXT, sender: SENDER, type: 'sms' });
      },
      sideEffects: () => mock.messages.list({ phone: PHONE }).length,
    },
  ],
  transientFaults: [
    { fault: 'http-error', status: 500, count: 1 },
    { fault: 'http-error', status: 503, count: 1 },
    { fault: 'rate-limit', retryAfterSeconds: 2, count: 1 },
    { fault: 'reset', count: 1 },
    { fault: 'reset', afterProcessing: true, count: 1 },
    { fault: 'malformed', count: 1 },
    { fault: 'timeout', count: 1 },
  ],
  // LIVE_TURBOSMS_TOKEN / LIVE_TURBOSMS_SENDER / LIVE_TURBOSMS_PHONE point the kit at the real API (one real SMS to that phone).
  live: () =>
    process.env.LIVE_TURBOSMS_TOKEN && process.env.LIVE_TURBOSMS_SENDER && process.env.LIVE_TURBOSMS_PHONE
      ? { token: process.env.LIVE_TURBOSMS_TOKEN, sender: process.env.LIVE_TURBOSMS_SENDER }
      : undefined,
  bypass: {
    polling: 'TurboSMS produces no case results to poll; delivery statuses are read by pollDeliveries (status.json), tested in "sms.turbosms specifics" below.',
    webhooks:
      'TurboSMS DLR callbacks are configured in its web panel and signed as SHA1 of secret and event id in an undocumented order; the adapter polls status.json instead (pollDeliveries, tested below).',
  },
});

describe('sms.turbosms specifics', () => {
  const phone = (n: number) => `38067${String(n).padStart(7, '0')}`;
  const newAdapter = (extra: Partial<TurboSmsConfig> = {}, logger = new CapturingLogger()) => createAdapter({ definition: turboSmsAdapter } as never, config(mock.url, extra), logger);
  const handle = (adapter: ReturnType<typeof newAdapter>, ev: CloudEvent, ms = 10_000) => adapter.handle(ev, AbortSignal.timeout(ms));
  const errorOf = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );
  const sends = () => mock.admin.requests().filter((r) => r.type === 'send');

  beforeEach(async () => {
    mock = await startTurboSmsMock({ autoProgress: { enabled: true, deliveredAfterMs: 0, readAfterMs: 0 } });
  });
  afterEach(async () => {
    await mock.close();
  });

  it('sends 300 concurrent dispatches with one text in ONE request, each getting its own message id', async () => {
    const adapter = newAdapter();
    const events = Array.from({ length: 300 }, (_, i) => dispatch({ address: `+${phone(i)}` }));
    const outcomes = await Promise.all(events.map((ev) => handle(adapter, ev)));
    expect(mock.account.stats()).toMatchObject({ sendRequests: 1, messages: 300 });
    expect(sends()).toHaveLength(1);
    expect(JSON.parse(sends()[0].body).recipients).toHaveLength(300);
    const ids = outcomes.map((o) => o.deliveries![0].providerMessageId);
    expect(new Set(ids).size).toBe(300);
    outcomes.forEach((o, i) => {
      expect(o.deliveries![0]).toMatchObject({ dispatchId: (events[i].data as NotificationDispatch).dispatchId, status: 'sent' });
      expect(mock.messages.list({ phone: phone(i) }).map((m) => m.message_id)).toEqual([ids[i]]);
      expect(o.summary?.request).toMatchObject({ batchSize: 300 });
    });
  });

  it('splits batches at batch.maxRecipients and keeps different texts apart', async () => {
    const adapter = newAdapter({ batch: { maxRecipients: 100, windowMs: 50 } });
    const same = Array.from({ length: 250 }, (_, i) => dispatch({ address: `+${phone(i)}` }));
    const personal = [1, 2, 3].map((i) => dispatch({ address: `+${phone(1000 + i)}`, text: `Ваш код ${i}` }));
    await Promise.all([...same, ...personal].map((ev) => handle(adapter, ev)));
    expect(
      sends()
        .map((r) => JSON.parse(r.body).recipients.length)
        .sort((a: number, b: number) => a - b),
    ).toEqual([1, 1, 1, 50, 100, 100]);
    expect(mock.account.stats().messages).toBe(253);
  });

  it('never puts the same phone twice into one request (407): the second dispatch starts a new batch', async () => {
    const adapter = newAdapter();
    const [a, , b] = await Promise.all([handle(adapter, dispatch()), handle(adapter, dispatch({ address: `+${phone(5)}` })), handle(adapter, dispatch())]);
    expect(sends()).toHaveLength(2);
    expect(sends().map((r) => JSON.parse(r.body).recipients.length)).toEqual([2, 1]);
    expect([a, b].map((o) => o.deliveries![0].status)).toEqual(['sent', 'sent']);
    expect(a.deliveries![0].providerMessageId).not.toBe(b.deliveries![0].providerMessageId);
    expect(mock.messages.list({ phone: PHONE })).toHaveLength(2);
  });

  it('gets one SMS for two dispatches whose requests are identical (same text to one phone, batches of one): TurboSMS answers 507', async () => {
    // Known limit, see README "Idempotency": TurboSMS's duplicate check cannot tell two such dispatches apart.
    const adapter = newAdapter();
    const a = await handle(adapter, dispatch());
    const b = await handle(adapter, dispatch());
    expect(b.deliveries![0]).toMatchObject({ status: 'sent', providerMessageId: a.deliveries![0].providerMessageId });
    expect(b.summary?.response).toMatchObject({ duplicateRequest: true });
    expect(mock.messages.list({ phone: PHONE })).toHaveLength(1);
  });

  it('reports a stop-listed number as failed and inactive while its batch-mate is sent (802)', async () => {
    mock.recipients.set(phone(1), 'stoplist');
    const adapter = newAdapter();
    const [blocked, fine] = await Promise.all([handle(adapter, dispatch({ address: `+${phone(1)}` })), handle(adapter, dispatch({ address: `+${phone(2)}` }))]);
    expect(sends()).toHaveLength(1);
    expect(blocked.deliveries![0]).toMatchObject({ status: 'failed', failure: { code: 'turbosms:404' }, addressInactive: true });
    expect(blocked.summary?.response).toMatchObject({ responseCode: 802, recipientCode: 404 });
    expect(fine.deliveries![0]).toMatchObject({ status: 'sent' });
  });

  it('reports a foreign number TurboSMS does not serve as failed with its code, not as an exception', async () => {
    const outcome = await handle(newAdapter(), dispatch({ address: '+14155550123' }));
    expect(outcome.deliveries![0]).toMatchObject({ status: 'failed', failure: { code: 'turbosms:406' } });
    expect(outcome.deliveries![0].addressInactive).toBeUndefined();
  });

  it('fails an address that is not a phone number without calling TurboSMS', async () => {
    const outcome = await handle(newAdapter(), dispatch({ address: 'citizen@example.org' }));
    expect(outcome.deliveries![0]).toMatchObject({ status: 'failed', failure: { code: 'hub:invalid-address' } });
    expect(mock.admin.requests()).toHaveLength(0);
  });

  it('after an unknown outcome repeats the identical request: TurboSMS answers 507 and the citizen gets one SMS', async () => {
    const adapter = newAdapter();
    const ev = dispatch();
    mock.admin.fault({ fault: 'reset', afterProcessing: true, count: 1 });
    expect(failureClassOf(await errorOf(handle(adapter, ev)))).toBe('transient');
    const again = await handle(adapter, ev);
    const [only] = mock.messages.list({ phone: PHONE });
    expect(mock.messages.list({ phone: PHONE })).toHaveLength(1);
    expect(again.deliveries![0]).toMatchObject({ status: 'sent', providerMessageId: only.message_id });
    expect(again.summary?.response).toMatchObject({ responseCode: 507, duplicateRequest: true });
    expect(mock.account.stats()).toMatchObject({ sendRequests: 2, duplicates: 1 });
    const [first, second] = sends();
    expect(second.body).toBe(first.body);
  });

  it('repeats a whole uncertain batch once for all of its members', async () => {
    const adapter = newAdapter();
    const events = [1, 2, 3].map((i) => dispatch({ address: `+${phone(i)}` }));
    mock.admin.fault({ fault: 'malformed', count: 1 });
    const errors = await Promise.all(events.map((ev) => errorOf(handle(adapter, ev))));
    expect(errors.map(failureClassOf)).toEqual(['transient', 'transient', 'transient']);
    const outcomes = await Promise.all([...events].reverse().map((ev) => handle(adapter, ev)));
    expect(outcomes.every((o) => o.deliveries![0].status === 'sent')).toBe(true);
    expect(mock.account.stats()).toMatchObject({ sendRequests: 2, duplicates: 1, messages: 3 });
  });

  it('does not repeat an uncertain batch past the replay window: only the retried dispatch is sent anew', async () => {
    let now = Date.now();
    const adapter = turboSmsAdapter.create(config(mock.url), { instanceId: 'sms', logger: new CapturingLogger(), now: () => new Date(now) });
    const [a, b] = [1, 2].map((i) => dispatch({ address: `+${phone(i)}` }));
    mock.admin.fault({ fault: 'malformed', count: 1 });
    await Promise.all([a, b].map((ev) => errorOf(handle(adapter, ev))));
    now += REPLAY_WINDOW_MS + 1;
    await handle(adapter, a);
    expect(sends().map((r) => JSON.parse(r.body).recipients)).toEqual([[phone(1), phone(2)], [phone(1)]]);
  });

  it('lets a dispatch another hub process already sent be answered by 507 (identical single-recipient request)', async () => {
    const ev = dispatch();
    const first = await handle(newAdapter(), ev);
    const second = await handle(newAdapter(), ev);
    expect(second.deliveries![0].providerMessageId).toBe(first.deliveries![0].providerMessageId);
    expect(mock.messages.list({ phone: PHONE })).toHaveLength(1);
  });

  it('makes a concurrent duplicate wait for the first call and returns its result', async () => {
    const adapter = newAdapter();
    const ev = dispatch();
    const [a, b] = await Promise.all([handle(adapter, ev), handle(adapter, ev)]);
    expect(b.deliveries).toEqual(a.deliveries);
    expect(b.summary?.response).toMatchObject({ replayed: 'in-flight' });
    expect(sends()).toHaveLength(1);
    const c = await handle(adapter, ev);
    expect(c.summary?.response).toMatchObject({ replayed: 'memory' });
  });

  it('treats a too-low balance (203) as transient with a long retry-after, for every dispatch in the batch', async () => {
    mock.account.setBalance(0);
    const adapter = newAdapter();
    const events = [1, 2].map((i) => dispatch({ address: `+${phone(i)}` }));
    const errors = await Promise.all(events.map((ev) => errorOf(handle(adapter, ev))));
    for (const e of errors) {
      expect(e).toBeInstanceOf(TransientError);
      expect((e as TransientError).retryAfterMs).toBe(60_000);
    }
    expect(mock.account.stats().messages).toBe(0);
    mock.account.setBalance(100);
    await Promise.all(events.map((ev) => handle(adapter, ev)));
    expect(mock.account.stats().messages).toBe(2);
  });

  it('refuses permanently a sender alpha-name TurboSMS does not allow (400)', async () => {
    const err = await errorOf(handle(newAdapter({ sender: 'Unknown' }), dispatch()));
    expect(failureClassOf(err)).toBe('permanent');
    expect(String(err)).toContain('400');
  });

  it('drops a dispatch whose caller gave up while it waited for its batch, sending nothing', async () => {
    const adapter = newAdapter({ batch: { windowMs: 300 } });
    const err = await errorOf(handle(adapter, dispatch(), 50));
    expect(failureClassOf(err)).toBe('transient');
    await new Promise((r) => setTimeout(r, 400));
    expect(sends()).toHaveLength(0);
  });

  it('keeps phone numbers and texts out of summaries, logs and errors', async () => {
    const logger = new CapturingLogger();
    const adapter = newAdapter({}, logger);
    const outcome: HandleOutcome = await handle(adapter, dispatch());
    mock.admin.fault({ fault: 'http-error', status: 503, count: 1 });
    const err = await errorOf(handle(adapter, dispatch({ address: `+${phone(9)}` })));
    const seen = [JSON.stringify(outcome.summary), ...logger.lines, String(err), (err as Error).stack ?? ''].join('\n');
    for (const pd of [PHONE, phone(9), TEXT, TEXT.slice(0, 20)]) expect(seen).not.toContain(pd);
  });

  it('polls statuses: delivered, read, failed with a Kyiv-offset time; unknown and stand-in ids are left out', async () => {
    mock.recipients.set(phone(2), 'undelivered');
    mock.account.setAutoProgress({ enabled: false });
    const adapter = newAdapter();
    const outcomes = await Promise.all([1, 2, 3].map((i) => handle(adapter, dispatch({ address: `+${phone(i)}` }))));
    const [d1, d2, d3] = outcomes.map((o) => o.deliveries![0].providerMessageId);
    const before = await adapter.pollDeliveries!([d1, d2, d3], AbortSignal.timeout(10_000));
    expect(before.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    mock.messages.setStatus(d1, 'Delivered');
    mock.messages.setStatus(d2, 'Undelivered');
    mock.messages.setStatus(d3, 'Read');
    const reports = await adapter.pollDeliveries!([d1, d2, d3, '00000000-0000-4000-8000-000000000000', 'refused:x'], AbortSignal.timeout(10_000));
    expect(reports).toEqual([
      { providerMessageId: d1, status: 'delivered', occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[23]:00$/) },
      { providerMessageId: d2, status: 'failed', failure: { code: 'turbosms:Undelivered', message: expect.any(String) }, occurredAt: expect.any(String) },
      { providerMessageId: d3, status: 'read', occurredAt: expect.any(String) },
    ]);
    const updated = Date.parse(mock.messages.get(d1).updatedAt);
    expect(Math.abs(Date.parse(reports[0].occurredAt) - updated)).toBeLessThan(1000);
    expect(
      mock.admin
        .requests()
        .filter((r) => r.type === 'status')
        .map((r) => JSON.parse(r.body).messages.length),
    ).toEqual([3, 4]);
  });

  it('polls statuses after the mock progresses messages on its own, in chunks of 500', async () => {
    mock.recipients.set(phone(7), 'undelivered');
    const adapter = newAdapter();
    const events = Array.from({ length: 600 }, (_, i) => dispatch({ address: `+${phone(i)}` }));
    const ids = (await Promise.all(events.map((ev) => handle(adapter, ev)))).map((o) => o.deliveries![0].providerMessageId);
    await new Promise((r) => setTimeout(r, 20));
    const reports = await adapter.pollDeliveries!(ids, AbortSignal.timeout(10_000));
    expect(reports).toHaveLength(600);
    expect(reports.filter((r) => r.status === 'delivered')).toHaveLength(599);
    expect(reports[7]).toMatchObject({ status: 'failed', failure: { code: 'turbosms:Undelivered' } });
    expect(
      mock.admin
        .requests()
        .filter((r) => r.type === 'status')
        .map((r) => JSON.parse(r.body).messages.length),
    ).toEqual([500, 100]);
  });

  it('probes the balance and says why it is unhealthy', async () => {
    expect(await newAdapter().probe()).toMatchObject({ ok: true });
    expect(await newAdapter({ token: 'not-a-known-token' }).probe()).toEqual({ ok: false, detail: expect.stringContaining('105') });
    expect(mock.admin.requests().map((r) => r.path)).toEqual(['/user/balance.json', '/user/balance.json']);
  });

  it('sends what is still waiting in a batch when disposed', async () => {
    const adapter = newAdapter({ batch: { windowMs: 5000 } });
    const pending = handle(adapter, dispatch());
    await adapter.dispose!();
    expect((await pending).deliveries![0].status).toBe('sent');
    expect(sends()).toHaveLength(1);
  });
});
