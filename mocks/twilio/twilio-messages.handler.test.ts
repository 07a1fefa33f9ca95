import { startTwilioMock, type RunningTwilioMock } from './index';
import { api, basic, messagesPath, SID, TOKEN } from './twilio-http.fixture';

const TO = '+380501112233';
const FROM = '+15005550006';
const MG = 'MG' + '1'.repeat(32);
const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

describe('Twilio mock: Messages REST API', () => {
  let tw: RunningTwilioMock;
  const OTHER = { sid: 'AC' + 'b'.repeat(32), authToken: 'other-token' };
  beforeAll(async () => {
    tw = await startTwilioMock({
      accounts: [{ sid: SID, authToken: TOKEN }, OTHER],
      autoProgress: { enabled: false },
      clock: () => Date.UTC(2015, 6, 30, 20, 12, 31),
    });
  });
  afterAll(() => tw.close());
  afterEach(() => tw.admin.reset());

  const send = (form: Record<string, string | string[]>, auth?: string | null) => api(tw.url, messagesPath(), { form, auth });

  describe('create', () => {
    it('answers 201 with the full snake_case message resource', async () => {
      const r = await send({ To: TO, From: FROM, Body: 'Hello from the hub' });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(r.headers.get('twilio-request-id')).toMatch(/^RQ[0-9a-f]{32}$/);
      const m = r.json;
      expect(m.sid).toMatch(/^SM[0-9a-f]{32}$/);
      expect(m).toEqual({
        body: 'Hello from the hub',
        num_segments: '1',
        direction: 'outbound-api',
        from: FROM,
        to: TO,
        date_updated: 'Thu, 30 Jul 2015 20:12:31 +0000',
        price: null,
        error_message: null,
        uri: `/2010-04-01/Accounts/${SID}/Messages/${m.sid}.json`,
        account_sid: SID,
        num_media: '0',
        status: 'queued',
        messaging_service_sid: null,
        sid: m.sid,
        date_sent: null,
        date_created: 'Thu, 30 Jul 2015 20:12:31 +0000',
        error_code: null,
        price_unit: 'USD',
        api_version: '2010-04-01',
        subresource_uris: {
          media: `/2010-04-01/Accounts/${SID}/Messages/${m.sid}/Media.json`,
          feedback: `/2010-04-01/Accounts/${SID}/Messages/${m.sid}/Feedback.json`,
        },
      });
      expect(m.date_created).toMatch(RFC2822);
      expect(tw.messages.get(m.sid)).toMatchObject({ to: TO, from: FROM, body: 'Hello from the hub', status: 'queued', numSegments: 1, errorCode: null });
    });

    it('starts as accepted, with no sender yet, when sent through a Messaging Service', async () => {
      const r = await send({ To: TO, MessagingServiceSid: MG, Body: 'x' });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ status: 'accepted', messaging_service_sid: MG, from: null });
    });

    it('computes num_segments: GSM-7 153 per segment, UCS-2 67 per segment', async () => {
      expect((await send({ To: TO, From: FROM, Body: 'a'.repeat(161) })).json.num_segments).toBe('2');
      expect((await send({ To: TO, From: FROM, Body: 'Ваше звернення зареєстровано, номер ВХ-2026-000123' })).json.num_segments).toBe('1');
      expect((await send({ To: TO, From: FROM, Body: 'ж'.repeat(71) })).json.num_segments).toBe('2');
    });

    it('accepts a media-only message (MM sid, num_media) and a short code or alphanumeric sender', async () => {
      const mms = await send({ To: TO, From: FROM, MediaUrl: ['https://example.org/a.jpg', 'https://example.org/b.jpg'] });
      expect(mms.status).toBe(201);
      expect(mms.json).toMatchObject({ body: '', num_media: '2', num_segments: '1' });
      expect(mms.json.sid).toMatch(/^MM[0-9a-f]{32}$/);
      expect((await send({ To: TO, From: '12345', Body: 'x' })).status).toBe(201);
      expect((await send({ To: TO, From: 'CityHall', Body: 'x' })).status).toBe(201);
    });

    it.each([
      [21604, { From: FROM, Body: 'x' }, "A 'To' phone number is required."],
      [21211, { To: '0501112233', From: FROM, Body: 'x' }, "The 'To' number 0501112233 is not a valid phone number."],
      [21211, { To: '+0123', From: FROM, Body: 'x' }, "The 'To' number +0123 is not a valid phone number."],
      [21603, { To: TO, Body: 'x' }, "A 'From' phone number is required."],
      [21212, { To: TO, From: 'not a sender!', Body: 'x' }, "The 'From' number not a sender! is not a valid phone number, shortcode, or alphanumeric sender ID."],
      [21705, { To: TO, MessagingServiceSid: 'MG123', Body: 'x' }, 'The Messaging Service Sid MG123 is invalid.'],
      [21266, { To: TO, From: TO, Body: 'x' }, `'To' and 'From' number cannot be the same: ${TO}`],
      [21602, { To: TO, From: FROM }, 'Message body is required.'],
      [21602, { To: TO, From: FROM, Body: '' }, 'Message body is required.'],
      [21617, { To: TO, From: FROM, Body: 'x'.repeat(1601) }, 'The concatenated message body exceeds the 1600 character limit.'],
      [21609, { To: TO, From: FROM, Body: 'x', StatusCallback: 'not-a-url' }, 'The StatusCallback URL not-a-url is not a valid URL.'],
      [21609, { To: TO, From: FROM, Body: 'x', StatusCallback: 'ftp://h/x' }, 'The StatusCallback URL ftp://h/x is not a valid URL.'],
      [21609, { To: TO, From: FROM, Body: 'x', StatusCallback: 'http://bad_host/x' }, 'The StatusCallback URL http://bad_host/x is not a valid URL.'],
      [21620, { To: TO, From: FROM, MediaUrl: 'javascript:alert(1)' }, 'Invalid media URL(s).'],
      [21624, { To: TO, From: FROM, Body: 'x', ValidityPeriod: '0' }, 'Validity period can only be set to integers between 1 and 36,000 seconds.'],
      [21624, { To: TO, From: FROM, Body: 'x', ValidityPeriod: '36001' }, 'Validity period can only be set to integers between 1 and 36,000 seconds.'],
      [21624, { To: TO, From: FROM, Body: 'x', ValidityPeriod: '1e3' }, 'Validity period can only be set to integers between 1 and 36,000 seconds.'],
    ])('refuses with 400 / %i (case %#)', async (code, form, message) => {
      const r = await send(form as Record<string, string>);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
      expect(tw.messages.count()).toBe(0);
    });

    it('counts the 1600-character limit in characters, not bytes or UTF-16 units', async () => {
      expect((await send({ To: TO, From: FROM, Body: 'ж'.repeat(1600) })).status).toBe(201);
      expect((await send({ To: TO, From: FROM, Body: '😀'.repeat(1600) })).status).toBe(201);
    });

    it('accepts only the configured Messaging Services when a list is given', async () => {
      const other = await startTwilioMock({ messagingServices: [MG], autoProgress: { enabled: false } });
      try {
        expect((await api(other.url, messagesPath(), { form: { To: TO, MessagingServiceSid: MG, Body: 'x' } })).status).toBe(201);
        const r = await api(other.url, messagesPath(), { form: { To: TO, MessagingServiceSid: 'MG' + '2'.repeat(32), Body: 'x' } });
        expect(r.json.code).toBe(21705);
      } finally {
        await other.close();
      }
    });

    it.each([
      ['unsubscribed', 21610, 'Attempt to send to unsubscribed recipient'],
      ['invalid', 21211, `The 'To' number ${TO} is not a valid phone number.`],
      ['not-mobile', 21614, "'To' number is not a valid mobile number"],
    ] as const)('refuses a %s recipient with 400 / %i and stores nothing', async (behaviour, code, message) => {
      tw.recipients.set(TO, behaviour);
      const r = await send({ To: TO, From: FROM, Body: 'x' });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ code, message, status: 400 });
      expect(tw.messages.list({ to: TO })).toEqual([]);
    });
  });

  describe('auth', () => {
    const AUTH_ERROR = { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 };

    it.each([
      ['no header', null],
      ['a wrong token', basic(SID, 'wrong')],
      ['an unknown account', basic('AC' + 'c'.repeat(32), TOKEN)],
      ['a Bearer token', 'Bearer abc'],
      ['garbage', 'Basic !!!'],
      ['no colon', `Basic ${Buffer.from(SID).toString('base64')}`],
    ])('answers 401 / 20003 for %s', async (_label, auth) => {
      const r = await send({ To: TO, From: FROM, Body: 'x' }, auth);
      expect(r.status).toBe(401);
      expect(r.json).toEqual(AUTH_ERROR);
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="Twilio API"');
    });

    it("answers 401 / 20003 when the path's AccountSid is not the authenticated account", async () => {
      const r = await api(tw.url, messagesPath(OTHER.sid), { form: { To: TO, From: FROM, Body: 'x' } });
      expect(r.status).toBe(401);
      expect(r.json).toEqual(AUTH_ERROR);
      const own = await api(tw.url, messagesPath(OTHER.sid), { form: { To: TO, From: FROM, Body: 'x' }, auth: basic(OTHER.sid, OTHER.authToken) });
      expect(own.status).toBe(201);
      expect(own.json.account_sid).toBe(OTHER.sid);
    });

    it("keeps accounts apart: one account cannot fetch or list another's messages", async () => {
      const mine = (await send({ To: TO, From: FROM, Body: 'x' })).json;
      const theirs = basic(OTHER.sid, OTHER.authToken);
      const path = `/2010-04-01/Accounts/${OTHER.sid}/Messages/${mine.sid}.json`;
      expect((await api(tw.url, path, { auth: theirs })).status).toBe(404);
      expect((await api(tw.url, messagesPath(OTHER.sid), { auth: theirs })).json.messages).toEqual([]);
    });
  });

  describe('fetch and list', () => {
    it('fetches a message by SID and answers 404 / 20404 for an unknown one', async () => {
      const created = (await send({ To: TO, From: FROM, Body: 'x' })).json;
      const r = await api(tw.url, `/2010-04-01/Accounts/${SID}/Messages/${created.sid}.json`);
      expect(r.status).toBe(200);
      expect(r.json).toEqual(created);
      const path = `/2010-04-01/Accounts/${SID}/Messages/SM${'0'.repeat(32)}.json`;
      const missing = await api(tw.url, path);
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ code: 20404, message: `The requested resource ${path} was not found`, more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 });
    });

    it('lists newest first with Twilio paging fields, filtered by To', async () => {
      const sids: string[] = [];
      for (let i = 0; i < 5; i++) sids.push((await send({ To: TO, From: FROM, Body: `m${i}` })).json.sid);
      await send({ To: '+380671112233', From: FROM, Body: 'other' });

      const first = await api(tw.url, `${messagesPath()}?To=${encodeURIComponent(TO)}&PageSize=2`);
      expect(first.status).toBe(200);
      expect(first.json.messages.map((m: { sid: string }) => m.sid)).toEqual([sids[4], sids[3]]);
      expect(first.json).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
      expect(first.json.first_page_uri).toBe(`/2010-04-01/Accounts/${SID}/Messages.json?To=%2B380501112233&PageSize=2&Page=0`);
      expect(first.json.next_page_uri).toBe(`/2010-04-01/Accounts/${SID}/Messages.json?To=%2B380501112233&PageSize=2&Page=1&PageToken=PA${sids[3]}`);

      // A message created between pages must not shift the next page (the page token anchors it).
      await send({ To: TO, From: FROM, Body: 'late' });
      const second = await api(tw.url, first.json.next_page_uri);
      expect(second.json.messages.map((m: { sid: string }) => m.sid)).toEqual([sids[2], sids[1]]);
      expect(second.json).toMatchObject({ page: 1, start: 2, end: 3 });
      const third = await api(tw.url, second.json.next_page_uri);
      expect(third.json.messages.map((m: { sid: string }) => m.sid)).toEqual([sids[0]]);
      expect(third.json.next_page_uri).toBeNull();
      expect(third.json.previous_page_uri).toContain('Page=1');

      const all = await api(tw.url, messagesPath());
      expect(all.json.messages).toHaveLength(7);
      expect(all.json.page_size).toBe(50);
      expect((await api(tw.url, `${messagesPath()}?Page=1&PageSize=4`)).json.messages).toHaveLength(3);
      expect((await api(tw.url, `${messagesPath()}?From=12345`)).json.messages).toHaveLength(0);
    });

    it('filters on DateSent once messages are sent, and refuses a malformed page token', async () => {
      const { sid } = (await send({ To: TO, From: FROM, Body: 'x' })).json;
      expect((await api(tw.url, `${messagesPath()}?DateSent=2015-07-30`)).json.messages).toHaveLength(0);
      tw.messages.setStatus(sid, 'sent');
      expect((await api(tw.url, `${messagesPath()}?DateSent=2015-07-30`)).json.messages).toHaveLength(1);
      expect((await api(tw.url, `${messagesPath()}?DateSent%3C=2015-07-29`)).json.messages).toHaveLength(0);
      expect((await api(tw.url, `${messagesPath()}?DateSent%3E=2015-07-30T00:00:00Z`)).json.messages).toHaveLength(1);
      expect((await api(tw.url, `${messagesPath()}?DateSent=yesterday`)).status).toBe(400);
      const bad = await api(tw.url, `${messagesPath()}?PageToken=garbage`);
      expect(bad.status).toBe(400);
      expect(bad.json.code).toBe(20001);
    });
  });

  describe('routing and hostile input', () => {
    it('answers unknown paths 404 / 20404 and unsupported methods 405 / 20004', async () => {
      expect((await api(tw.url, '/2010-04-01/Accounts/' + SID + '/Calls.json')).json.code).toBe(20404);
      expect((await api(tw.url, '/favicon.ico', { auth: null })).json.code).toBe(20404);
      const del = await api(tw.url, messagesPath(), { method: 'DELETE' });
      expect(del.status).toBe(405);
      expect(del.json.code).toBe(20004);
    });

    it('treats a JSON body as missing form parameters (21604), not a crash', async () => {
      const r = await api(tw.url, messagesPath(), { body: JSON.stringify({ To: TO, From: FROM, Body: 'x' }), contentType: 'application/json' });
      expect(r.status).toBe(400);
      expect(r.json.code).toBe(21604);
    });

    it('ignores __proto__ / constructor parameters and keeps the first of repeated ones', async () => {
      const r = await api(tw.url, messagesPath(), {
        body: `__proto__=x&constructor=y&To=${encodeURIComponent(TO)}&To=%2B1999&From=${encodeURIComponent(FROM)}&Body=%E2%9C%93&Body=second`,
      });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({ to: TO, body: '✓' });
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    it('survives malformed percent-escapes and invalid UTF-8', async () => {
      const r = await api(tw.url, messagesPath(), { body: `To=%E0%A4%A&From=%ZZ&Body=%` });
      expect(r.status).toBe(400);
      expect(r.json.code).toBe(21211);
      const res = await fetch(tw.url + messagesPath(), {
        method: 'POST',
        headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.concat([Buffer.from(`To=${encodeURIComponent(TO)}&From=${encodeURIComponent(FROM)}&Body=`), Buffer.from([0xff, 0xfe])]),
      });
      expect(res.status).toBe(201);
    });

    it('answers an oversized body 413 in the Twilio error shape', async () => {
      const r = await api(tw.url, messagesPath(), { form: { To: TO, From: FROM, Body: 'x'.repeat(300 * 1024) } });
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ code: 20413, status: 413 });
    });
  });

  describe('faults and rate limits', () => {
    it('renders injected http-error and rate-limit faults as Twilio errors (429 → 20429)', async () => {
      tw.admin.fault([
        { fault: 'http-error', status: 503, count: 1 },
        { fault: 'rate-limit', count: 1, retryAfterSeconds: 2 },
      ]);
      const a = await send({ To: TO, From: FROM, Body: 'x' });
      expect(a.status).toBe(503);
      expect(a.json).toEqual({ code: 20503, message: 'Service Unavailable', more_info: 'https://www.twilio.com/docs/errors/20503', status: 503 });
      const b = await send({ To: TO, From: FROM, Body: 'x' });
      expect(b.status).toBe(429);
      expect(b.headers.get('retry-after')).toBe('2');
      expect(b.json).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
      expect((await send({ To: TO, From: FROM, Body: 'x' })).status).toBe(201);
      expect(tw.messages.count()).toBe(1);
    });

    it('classifies requests so a fault can target creates only', async () => {
      tw.admin.fault({ fault: 'http-error', status: 500, match: { type: 'create-message' } });
      expect((await send({ To: TO, From: FROM, Body: 'x' })).status).toBe(500);
      expect((await api(tw.url, messagesPath())).status).toBe(200);
      expect(tw.admin.requests().map((r) => r.type)).toEqual(['create-message', 'list-messages']);
    });

    it('timeout with afterProcessing creates the message but never answers (unknown outcome)', async () => {
      tw.admin.fault({ fault: 'timeout', afterProcessing: true, count: 1 });
      const pending = send({ To: TO, From: FROM, Body: 'x' }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(tw.messages.count()).toBe(1);
      tw.admin.clearFaults();
      expect(await pending).toBe('fetch failed');
    });

    it('answers 429 / 20429 past ratePerSecond, per account and per second', async () => {
      let now = Date.UTC(2026, 0, 1, 12, 0, 0, 100);
      const other = { sid: 'AC' + 'd'.repeat(32), authToken: 't' };
      const limited = await startTwilioMock({ ratePerSecond: 3, clock: () => now, accounts: [{ sid: SID, authToken: TOKEN }, other], autoProgress: { enabled: false } });
      const post = (sid = SID, token = TOKEN) => api(limited.url, messagesPath(sid), { form: { To: TO, From: FROM, Body: 'x' }, auth: basic(sid, token) });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await post()).status);
        expect(statuses).toEqual([201, 201, 201, 429, 429]);
        const refused = await post();
        expect(refused.json).toEqual({ code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 });
        expect((await post(other.sid, other.authToken)).status).toBe(201);
        now += 1000;
        expect((await post()).status).toBe(201);
        expect(limited.messages.count()).toBe(5);
      } finally {
        await limited.close();
      }
    });
  });
});
