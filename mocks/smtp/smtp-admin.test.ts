import { startSmtpMock, type RunningSmtpMock } from './index';
import { adminCall, mail, sendError, transport } from './smtp-test.fixture';

describe('SMTP mock: the admin HTTP API', () => {
  let smtp: RunningSmtpMock;
  beforeAll(async () => {
    smtp = await startSmtpMock({
      users: [
        { user: 'hub', pass: 'smtp-demo-secret' },
        { user: 'portal', pass: 'p2' },
      ],
    });
  });
  afterAll(() => smtp.close());
  afterEach(() => smtp.admin.reset());

  it('describes the server without passwords; other paths of the admin port are 404', async () => {
    expect(smtp.adminUrl).toBe(`http://127.0.0.1:${smtp.adminPort}/__admin`);
    const info = await adminCall(smtp, 'GET', '/smtp');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      host: '127.0.0.1',
      port: smtp.port,
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      secure: false,
      authOptional: false,
      sizeLimit: 10 * 1024 * 1024,
      users: ['hub', 'portal'],
      stats: { messages: 0, received: 0, duplicateMessageIds: 0, rejections: 0 },
    });
    expect(JSON.stringify(info.body)).not.toContain('smtp-demo-secret');
    const other = await fetch(`http://127.0.0.1:${smtp.adminPort}/anything`);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { error: string }).error).toContain(smtp.smtpUrl);
  });

  it('lists messages (filters to, messageId, fromIndex, limit), one message, its raw source and duplicates', async () => {
    const t = transport(smtp);
    await t.sendMail(mail({ to: 'ivan@example.org', messageId: '<a@hub>', subject: 'Перше' }));
    await t.sendMail(mail({ to: 'olena@example.org', messageId: '<b@hub>' }));
    await t.sendMail(mail({ to: 'Ivan@Example.org', messageId: '<a@hub>', subject: 'Повтор' }));
    t.close();

    const all = await adminCall(smtp, 'GET', '/messages');
    expect(all.body.count).toBe(3);
    expect(all.body.messages.map((m: { index: number }) => m.index)).toEqual([0, 1, 2]);
    const toIvan = await adminCall(smtp, 'GET', `/messages?to=${encodeURIComponent('IVAN@example.org')}`);
    expect(toIvan.body.messages.map((m: { subject: string }) => m.subject)).toEqual(['Перше', 'Повтор']);
    expect((await adminCall(smtp, 'GET', `/messages?messageId=${encodeURIComponent('<a@hub>')}`)).body.count).toBe(2);
    expect((await adminCall(smtp, 'GET', '/messages?fromIndex=1&limit=1')).body.messages[0].index).toBe(1);
    expect((await adminCall(smtp, 'GET', '/messages?limit=x')).status).toBe(400);

    const one = await adminCall(smtp, 'GET', '/messages/2');
    expect(one.body).toMatchObject({ index: 2, subject: 'Повтор', duplicateOf: 0, envelope: { to: ['Ivan@example.org'] } });
    expect((await adminCall(smtp, 'GET', '/messages/3')).status).toBe(404);
    expect((await adminCall(smtp, 'GET', '/messages/-1')).status).toBe(400);

    const raw = await adminCall(smtp, 'GET', '/messages/0/raw');
    expect(raw.body).toMatchObject({ index: 0, encoding: 'utf8', truncated: false, size: all.body.messages[0].size });
    expect(Buffer.byteLength(raw.body.raw)).toBe(all.body.messages[0].size);
    expect(raw.body.raw).toContain('Message-ID: <a@hub>');
    const b64 = await adminCall(smtp, 'GET', '/messages/0/raw?encoding=base64');
    expect(Buffer.from(b64.body.raw, 'base64').toString('utf8')).toBe(raw.body.raw);
    expect((await adminCall(smtp, 'GET', '/messages/0/raw?encoding=hex')).status).toBe(400);

    expect((await adminCall(smtp, 'GET', '/duplicates')).body).toEqual({ duplicates: [{ messageId: '<a@hub>', count: 2, indexes: [0, 2] }] });

    expect((await adminCall(smtp, 'DELETE', '/messages')).status).toBe(204);
    expect((await adminCall(smtp, 'GET', '/messages')).body).toEqual({ count: 0, messages: [] });
  });

  it('manages recipient rules: POST, GET, DELETE one (case-insensitive), DELETE all', async () => {
    const created = await adminCall(smtp, 'POST', '/recipients', { address: 'Gone@Example.org', code: 550, message: '5.1.1 User unknown' });
    expect(created.status).toBe(201);
    expect(created.body.rule).toEqual({ address: 'gone@example.org', code: 550, enhancedCode: '5.1.1', message: 'User unknown', applied: 0 });
    await adminCall(smtp, 'POST', '/recipients', { address: 'busy@example.org', code: 450, message: 'Mailbox busy' });
    expect((await adminCall(smtp, 'GET', '/recipients')).body.rules.map((r: { address: string; enhancedCode: string }) => [r.address, r.enhancedCode])).toEqual([
      ['gone@example.org', '5.1.1'],
      ['busy@example.org', '4.2.1'],
    ]);

    const t = transport(smtp);
    const err = await sendError(t, mail({ to: 'gone@example.org' }));
    expect(err.response).toBe('550 5.1.1 User unknown');
    t.close();

    expect((await adminCall(smtp, 'DELETE', `/recipients/${encodeURIComponent('GONE@example.org')}`)).status).toBe(204);
    expect((await adminCall(smtp, 'DELETE', `/recipients/${encodeURIComponent('gone@example.org')}`)).status).toBe(404);
    expect((await adminCall(smtp, 'DELETE', '/recipients')).status).toBe(204);
    expect((await adminCall(smtp, 'GET', '/recipients')).body.rules).toEqual([]);
  });

  it('schedules SMTP faults: one, an array or { faults }; lists, deletes one and all', async () => {
    const one = await adminCall(smtp, 'POST', '/smtp-faults', { stage: 'data', code: 451, count: 2 });
    expect(one.status).toBe(201);
    expect(one.body.added[0]).toMatchObject({ stage: 'data', code: 451, enhancedCode: '4.3.0', remaining: 2, applied: 0 });
    await adminCall(smtp, 'POST', '/smtp-faults', [
      { stage: 'connect', code: 421 },
      { stage: 'rcpt', code: 550, message: '5.1.1 No such user' },
    ]);
    const wrapped = await adminCall(smtp, 'POST', '/smtp-faults', { faults: [{ stage: 'mail', code: 554 }] });
    expect(wrapped.body.faults.map((f: { stage: string }) => f.stage)).toEqual(['data', 'connect', 'rcpt', 'mail']);

    const listed = await adminCall(smtp, 'GET', '/smtp-faults');
    expect(listed.body.faults).toHaveLength(4);
    expect((await adminCall(smtp, 'DELETE', `/smtp-faults/${listed.body.faults[1].id}`)).status).toBe(204);
    expect((await adminCall(smtp, 'DELETE', '/smtp-faults/nope')).status).toBe(404);
    expect(smtp.faults.list().map((f) => f.stage)).toEqual(['data', 'rcpt', 'mail']);
    expect((await adminCall(smtp, 'DELETE', '/smtp-faults')).status).toBe(204);
    expect(smtp.faults.list()).toEqual([]);
  });

  it('answers hostile or wrong admin input with 400 and the problem, never a crash', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/smtp-faults', '{"stage":"data",'],
      ['POST', '/smtp-faults', '{"stage":"data","code":451,"__proto__":{"count":1}}'],
      ['POST', '/smtp-faults', { stage: 'data', code: '451' }],
      ['POST', '/smtp-faults', { stage: 'data', code: 451, extra: true }],
      ['POST', '/smtp-faults', { stage: 'data', code: 451, message: 'Отказ' }],
      ['POST', '/smtp-faults', []],
      ['POST', '/smtp-faults', 'null'],
      ['POST', '/smtp-faults', '"data"'],
      ['POST', '/recipients', { address: 42 }],
      ['POST', '/recipients', { address: 'a@b.c', code: 600 }],
      ['POST', '/recipients', { address: 'a@b.c', constructor: 1 }],
      ['POST', '/recipients', { address: 'a b@c.d' }],
      ['GET', '/rejections?since=abc', undefined],
    ];
    for (const [method, path, body] of cases) {
      const r = await adminCall(smtp, method, path, body);
      expect([path, body, r.status]).toEqual([path, body, 400]);
      expect(typeof r.body.error).toBe('string');
    }
    const invalid = await adminCall(smtp, 'POST', '/smtp-faults', [
      { stage: 'data', code: 451 },
      { stage: 'nowhere', code: 700 },
    ]);
    expect(invalid.body.details.problems).toEqual([expect.stringContaining('faults[1]: stage'), expect.stringContaining('faults[1]: code')]);
    expect(smtp.faults.list()).toEqual([]);
    expect(({} as Record<string, unknown>).count).toBeUndefined();
    const huge = await adminCall(smtp, 'POST', '/recipients', JSON.stringify({ address: `${'x'.repeat(2 * 1024 * 1024)}@example.org` }));
    expect(huge.status).toBe(413);
    expect((await adminCall(smtp, 'PUT', '/smtp-faults', {})).status).toBe(405);
  });

  it('lists refusals with since, and POST /__admin/reset clears everything', async () => {
    await adminCall(smtp, 'POST', '/recipients', { address: 'gone@example.org' });
    await adminCall(smtp, 'POST', '/smtp-faults', { stage: 'data', code: 451, count: 1 });
    const t = transport(smtp);
    await sendError(t, mail({ to: 'gone@example.org' }));
    await sendError(t, mail());
    await t.sendMail(mail());
    t.close();

    const all = await adminCall(smtp, 'GET', '/rejections');
    expect(all.body.rejections.map((r: { stage: string; code: number }) => [r.stage, r.code])).toEqual([
      ['rcpt', 550],
      ['data', 451],
    ]);
    const since = await adminCall(smtp, 'GET', `/rejections?since=${all.body.rejections[0].seq}`);
    expect(since.body.rejections).toHaveLength(1);
    expect(since.body.lastSeq).toBe(all.body.lastSeq);

    await adminCall(smtp, 'POST', '/smtp-faults', { stage: 'connect', code: 421 });
    expect((await adminCall(smtp, 'POST', '/reset')).status).toBe(204);
    const info = await adminCall(smtp, 'GET', '/smtp');
    expect(info.body.stats).toMatchObject({ messages: 0, received: 0, rejections: 0, recipientRules: 0 });
    expect((await adminCall(smtp, 'GET', '/smtp-faults')).body.faults).toEqual([]);
  });
});
