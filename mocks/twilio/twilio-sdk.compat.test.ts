import twilio from 'twilio';
import { startTwilioMock, type RunningTwilioMock } from './index';
import { SID, TOKEN } from './twilio-http.fixture';

/** The official SDK pointed at the mock: the strongest check that the wire shapes are right. */
describe('Twilio mock: compatibility with the twilio-node SDK', () => {
  let tw: RunningTwilioMock;
  let client: twilio.Twilio;
  beforeAll(async () => {
    tw = await startTwilioMock({ autoProgress: { enabled: false } });
    client = twilio(SID, TOKEN, { autoRetry: false });
    // The 2010 API domain holds the base URL the SDK builds every request from.
    (client.api as unknown as { baseUrl: string }).baseUrl = tw.url;
  });
  afterAll(() => tw.close());
  afterEach(() => tw.admin.reset());

  it('creates, fetches and lists through the SDK, parsing dates and counts', async () => {
    const created = await client.messages.create({ to: '+380501112233', from: '+15005550006', body: 'Привіт від хабу', statusCallback: 'https://hub.example.org/cb' });
    expect(created.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(created.status).toBe('queued');
    expect(created.numSegments).toBe('1');
    expect(created.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(created.dateCreated.getTime())).toBe(false);
    expect(created.errorCode).toBeNull();

    tw.messages.setStatus(created.sid, 'delivered');
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);

    for (let i = 0; i < 4; i++) await client.messages.create({ to: '+380501112233', from: '+15005550006', body: `n${i}` });
    const all = await client.messages.list({ to: '+380501112233', pageSize: 2 });
    expect(all).toHaveLength(5);
    expect(all[4].sid).toBe(created.sid);
    const seen: string[] = [];
    // each() returns nothing; it says it has walked every page through `done`.
    await new Promise<void>((resolve, reject) =>
      client.messages.each({ pageSize: 2, done: (err?: Error) => (err ? reject(err) : resolve()) }, (m) => {
        seen.push(m.sid);
      }),
    );
    expect(new Set(seen).size).toBe(5);
  });

  it("surfaces the mock's errors as RestException with code, status and moreInfo", async () => {
    tw.recipients.set('+380509999999', 'unsubscribed');
    await expect(client.messages.create({ to: '+380509999999', from: '+15005550006', body: 'x' })).rejects.toMatchObject({
      status: 400,
      code: 21610,
      moreInfo: 'https://www.twilio.com/docs/errors/21610',
    });
    await expect(client.messages('SM' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    const wrong = twilio(SID, 'wrong', { autoRetry: false });
    (wrong.api as unknown as { baseUrl: string }).baseUrl = tw.url;
    await expect(wrong.messages.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});
