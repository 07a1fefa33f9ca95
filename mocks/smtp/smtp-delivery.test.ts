import { createHash, randomBytes } from 'node:crypto';
import { startSmtpMock, type RunningSmtpMock } from './index';
import { mail, rawSession, sendError, transport } from './smtp-test.fixture';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('SMTP mock: sessions, capture and the size limit (nodemailer as the client)', () => {
  let smtp: RunningSmtpMock;
  beforeAll(async () => {
    smtp = await startSmtpMock({ sizeLimit: 64 * 1024 });
  });
  afterAll(() => smtp.close());
  afterEach(() => smtp.admin.reset());

  it('greets and answers EHLO with STARTTLS, 8BITMIME, SMTPUTF8, SIZE and AUTH PLAIN LOGIN', async () => {
    const s = await rawSession(smtp.port);
    expect(s.greeting.lines).toEqual(['220 smtp.mock.local ESMTP cabinet-hub SMTP mock']);
    const ehlo = await s.command('EHLO client.example.org');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toEqual([
      '250-smtp.mock.local Nice to meet you, [127.0.0.1]',
      '250-PIPELINING',
      '250-8BITMIME',
      '250-SMTPUTF8',
      '250-ENHANCEDSTATUSCODES',
      '250-AUTH PLAIN LOGIN',
      '250-STARTTLS',
      '250 SIZE 65536',
    ]);
    expect((await s.command('FOO')).lines).toEqual(['500 5.5.2 Error: command not recognized']);
    expect((await s.command('QUIT')).lines).toEqual(['221 2.0.0 Bye']);
    await s.closed;
  });

  it('captures a message sent over STARTTLS with AUTH: Cyrillic subject and attachment name, text, html, envelope', async () => {
    const pdf = randomBytes(3000);
    const t = transport(smtp);
    const subject = 'Ваше звернення № 42 зареєстровано — відповідь надійде протягом 15 днів';
    const filename = 'Відповідь на звернення № 42 (остаточна).pdf';
    const info = await t.sendMail(
      mail({
        to: ['Іван Петренко <ivan@example.org>', 'olena@example.org'],
        cc: 'clerk@example.org',
        bcc: 'archive@example.org',
        subject,
        text: 'Шановний заявнику!',
        html: '<p>Шановний <b>заявнику</b>!</p>',
        attachments: [{ filename, content: pdf, contentType: 'application/pdf' }],
        headers: { 'X-Hub-Notification-Id': 'n-42' },
      }),
    );
    expect(info.response).toMatch(/^250 2\.6\.0 Ok: queued as [0-9A-F]{10}$/);
    expect(info.accepted).toEqual(['ivan@example.org', 'olena@example.org', 'clerk@example.org', 'archive@example.org']);

    const [m] = smtp.mailbox.messages();
    expect(m.index).toBe(0);
    expect(info.response).toContain(m.queueId);
    expect(m.messageId).toBe(info.messageId);
    expect(m.subject).toBe(subject);
    expect(m.envelope).toEqual({ from: 'hub@cabinet.example.org', to: ['ivan@example.org', 'olena@example.org', 'clerk@example.org', 'archive@example.org'] });
    expect(m.from).toEqual([{ name: 'Кабінет громадянина', address: 'hub@cabinet.example.org' }]);
    expect(m.to).toEqual([
      { name: 'Іван Петренко', address: 'ivan@example.org' },
      { name: '', address: 'olena@example.org' },
    ]);
    expect(m.cc).toEqual([{ name: '', address: 'clerk@example.org' }]);
    expect(m.text?.trim()).toBe('Шановний заявнику!');
    expect(m.html).toBe('<p>Шановний <b>заявнику</b>!</p>');
    expect(m.attachments).toEqual([{ filename, contentType: 'application/pdf', disposition: 'attachment', contentId: null, size: 3000, sha256: sha256(pdf) }]);
    expect(m.headers['x-hub-notification-id']).toBe('n-42');
    expect(m).toMatchObject({ secure: true, authUser: 'hub', heloName: expect.any(String), remoteAddress: expect.stringContaining('127.0.0.1'), duplicateOf: null, parseError: null });
    expect(Date.parse(m.receivedAt)).toBeGreaterThan(Date.now() - 60_000);

    const raw = smtp.mailbox.raw(0);
    expect(raw?.raw?.length).toBe(m.size);
    expect(raw?.truncated).toBe(false);
    // The subject travels RFC 2047 encoded, the file name RFC 2231 encoded.
    expect(raw?.raw?.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(raw?.raw?.toString('latin1')).toContain("filename*0*=utf-8''");
    expect(Object.isFrozen(m) && Object.isFrozen(m.envelope.to)).toBe(true);
    t.close();
  });

  it('decodes RFC 2231 continuations in another charset and RFC 2047 Q-encoded words', async () => {
    const t = transport(smtp);
    const source = [
      'From: =?KOI8-R?Q?=F0=D2=CF=D7=C5=D2=CB=C1?= <hub@cabinet.example.org>',
      'To: ivan@example.org',
      'Subject: =?windows-1251?Q?=C7=E0=FF=E2=EA=E0_=B9_7?= =?UTF-8?B?INC/0YDQuNC50L3Rj9GC0LA=?=',
      'Message-ID: <raw-2231@cabinet.example.org>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Текст',
      '--b1',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      "Content-Disposition: attachment; filename*0*=windows-1251''%C7%E0%FF%E2%EA%E0;",
      ' filename*1*=%20%E2%B3%E4%20%B2%E2%E0%ED%E0.txt',
      '',
      Buffer.from('payload').toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    await t.sendMail({ envelope: { from: 'hub@cabinet.example.org', to: ['ivan@example.org'] }, raw: source });
    const m = smtp.mailbox.byMessageId('raw-2231@cabinet.example.org');
    expect(m?.subject).toBe('Заявка № 7 прийнята');
    expect(m?.from[0].name).toBe('Проверка');
    expect(m?.attachments[0]).toMatchObject({ filename: 'Заявка від Івана.txt', size: 7, sha256: sha256(Buffer.from('payload')) });
    expect(m?.text?.trim()).toBe('Текст');
    expect(m?.html).toBeNull();
    t.close();
  });

  it('refuses bad credentials with 535 5.7.8 (nodemailer: EAUTH) and records the attempt', async () => {
    const t = transport(smtp, { auth: { user: 'hub', pass: 'wrong' } });
    const err = await sendError(t, mail());
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(535);
    expect(err.response).toBe('535 5.7.8 Error: authentication failed: authentication failure');
    expect(smtp.mailbox.messages()).toHaveLength(0);
    expect(smtp.mailbox.rejections()).toEqual([expect.objectContaining({ stage: 'auth', reason: 'auth-failed', code: 535, username: 'hub' })]);
    t.close();
  });

  it('refuses MAIL FROM without AUTH with 530 5.7.0', async () => {
    const t = transport(smtp, { auth: undefined });
    const err = await sendError(t, mail());
    expect(err.responseCode).toBe(530);
    expect(err.response).toBe('530 5.7.0 Authentication required');
    expect(smtp.mailbox.rejections()[0]).toMatchObject({ stage: 'mail', reason: 'auth-required', from: 'hub@cabinet.example.org' });
    t.close();
  });

  it('does not accept AUTH before STARTTLS by default', async () => {
    const t = transport(smtp, { ignoreTLS: true });
    const err = await sendError(t, mail());
    expect(err.code).toBe('EAUTH');
    expect(err.responseCode).toBe(538);
    t.close();
  });

  it('refuses a message over the size limit with 552 5.3.4, whether or not MAIL FROM declared SIZE', async () => {
    const t = transport(smtp);
    const err = await sendError(t, mail({ attachments: [{ filename: 'big.bin', content: randomBytes(80 * 1024) }] }));
    expect(err.responseCode).toBe(552);
    expect(String(err.response)).toMatch(/^552 5\.3\.4 /);
    t.close();

    // Without SIZE= the server reads the whole message and answers at the end of DATA.
    const insecure = await startSmtpMock({ sizeLimit: 2048, allowInsecureAuth: true });
    try {
      const r = await rawSession(insecure.port);
      await r.command('EHLO client.example.org');
      expect((await r.command(`AUTH PLAIN ${Buffer.from('\0hub\0smtp-demo-secret').toString('base64')}`)).code).toBe(235);
      expect((await r.command('MAIL FROM:<hub@cabinet.example.org>')).code).toBe(250);
      expect((await r.command('RCPT TO:<ivan@example.org>')).code).toBe(250);
      expect((await r.command('DATA')).code).toBe(354);
      const reply = await r.send(`Subject: big\r\n\r\n${'x'.repeat(5000)}\r\n.\r\n`);
      expect(reply.lines).toEqual(['552 5.3.4 Error: message exceeds fixed maximum message size 2048']);
      expect(insecure.mailbox.messages()).toHaveLength(0);
      expect(insecure.mailbox.rejections()).toEqual([expect.objectContaining({ stage: 'data', reason: 'size', code: 552, size: expect.any(Number) })]);
      // The session goes on: a small message after it is accepted.
      expect((await r.command('MAIL FROM:<>')).code).toBe(250);
      expect((await r.command('RCPT TO:<ivan@example.org>')).code).toBe(250);
      await r.command('DATA');
      expect((await r.send('Subject: small\r\n\r\nok\r\n.\r\n')).code).toBe(250);
      expect(insecure.mailbox.messages()[0]).toMatchObject({ subject: 'small', envelope: { from: '', to: ['ivan@example.org'] }, secure: false });
      r.close();
    } finally {
      await insecure.close();
    }
  });

  it('keeps every copy of a repeated Message-ID and lists it under duplicates', async () => {
    const t = transport(smtp);
    await t.sendMail(mail({ messageId: '<n-1@hub>', subject: 'first' }));
    await t.sendMail(mail({ messageId: '<n-2@hub>' }));
    await t.sendMail(mail({ messageId: '<n-1@hub>', subject: 'retry' }));
    expect(smtp.mailbox.messages()).toHaveLength(3);
    expect(smtp.mailbox.duplicates()).toEqual([{ messageId: '<n-1@hub>', count: 2, indexes: [0, 2] }]);
    expect(smtp.mailbox.byMessageId('<n-1@hub>')?.subject).toBe('first');
    expect(smtp.mailbox.byMessageId('n-1@hub')?.index).toBe(0);
    expect(smtp.mailbox.message(2)?.duplicateOf).toBe(0);
    expect(smtp.mailbox.messages({ messageId: 'n-1@hub' }).map((m) => m.subject)).toEqual(['first', 'retry']);
    t.close();
  });

  it('waitForMessage resolves when a matching message arrives, and times out otherwise', async () => {
    const t = transport(smtp);
    await t.sendMail(mail({ to: 'early@example.org' }));
    const waiting = smtp.mailbox.waitForMessage((m) => m.envelope.to.includes('late@example.org'), { timeoutMs: 5000 });
    setTimeout(() => void t.sendMail(mail({ to: 'late@example.org', subject: 'Пізній лист' })), 50);
    expect((await waiting).subject).toBe('Пізній лист');
    expect((await smtp.mailbox.waitForMessage((m) => m.envelope.to.includes('early@example.org'))).index).toBe(0);
    await expect(smtp.mailbox.waitForMessage((m) => m.subject === 'never', { timeoutMs: 50 })).rejects.toThrow('no matching message within 50 ms');
    t.close();
  });

  it('accepts hostile content without crashing: a __proto__ header, broken MIME, 8-bit bytes, no Message-ID', async () => {
    const insecure = await startSmtpMock({ authOptional: true });
    try {
      const r = await rawSession(insecure.port);
      await r.command('EHLO client.example.org');
      await r.command('MAIL FROM:<a@example.org>');
      await r.command('RCPT TO:<b@example.org>');
      await r.command('DATA');
      const body = Buffer.concat([
        Buffer.from('__proto__: polluted\r\nconstructor: x\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\nSubject: \xff\xfe\r\n\r\n--never-closed\r\n', 'latin1'),
        randomBytes(512).map((b) => (b === 0x0d || b === 0x0a || b === 0x2e ? 0x41 : b)),
        Buffer.from('\r\n.\r\n'),
      ]);
      expect((await r.send(body)).code).toBe(250);
      expect((await r.command('RSET')).code).toBe(250);
      expect((await r.command('MAIL FROM:<not an address')).code).toBe(501);
      expect((await r.command('RCPT TO:<b@example.org>')).code).toBe(503);
      r.close();
      const [m] = insecure.mailbox.messages();
      expect(Object.getPrototypeOf(m.headers)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(m.headers, '__proto__')).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(m.messageId).toBeNull();
      expect(insecure.mailbox.duplicates()).toEqual([]);
    } finally {
      await insecure.close();
    }
  });

  it('speaks implicit TLS with secure: true', async () => {
    const tls = await startSmtpMock({ secure: true });
    try {
      expect(tls.smtpUrl).toBe(`smtps://127.0.0.1:${tls.port}`);
      const t = transport(tls, { secure: true });
      await t.sendMail(mail({ subject: 'over TLS' }));
      expect(tls.mailbox.messages()[0]).toMatchObject({ subject: 'over TLS', secure: true });
      t.close();
    } finally {
      await tls.close();
    }
  });

  it('sustains thousands of messages over a connection pool, each kept once', async () => {
    const t = transport(smtp, { pool: true, maxConnections: 8, maxMessages: Infinity });
    const n = 2000;
    const started = Date.now();
    await Promise.all(Array.from({ length: n }, (_, i) => t.sendMail(mail({ messageId: `<bulk-${i}@hub>`, to: `user${i % 50}@example.org`, text: `message ${i}` }))));
    const elapsed = Date.now() - started;
    expect(smtp.mailbox.messages()).toHaveLength(n);
    expect(smtp.mailbox.duplicates()).toEqual([]);
    expect(smtp.mailbox.messages({ to: 'USER7@example.org' })).toHaveLength(n / 50);
    expect(smtp.mailbox.byMessageId(`<bulk-${n - 1}@hub>`)?.text?.trim()).toBe(`message ${n - 1}`);
    // A sanity bound, loose enough for a loaded CI machine (it takes a few seconds alone).
    expect(elapsed).toBeLessThan(40_000);
    t.close();
  });
});
