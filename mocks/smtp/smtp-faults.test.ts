import { MockAdminError, startSmtpMock, type RunningSmtpMock } from './index';
import { mail, rawSession, sendError, transport } from './smtp-test.fixture';

describe('SMTP mock: recipient refusals and scheduled faults, as nodemailer surfaces them', () => {
  let smtp: RunningSmtpMock;
  beforeAll(async () => {
    smtp = await startSmtpMock();
  });
  afterAll(() => smtp.close());
  afterEach(() => smtp.admin.reset());

  it('refuses a recipient at RCPT TO: 550 5.1.1 permanent, 450 4.2.1 transient; the others still get the message', async () => {
    smtp.mailbox.rejectRecipient('gone@example.org');
    smtp.mailbox.rejectRecipient('Busy@Example.org', { code: 450, message: 'Mailbox busy' });
    const t = transport(smtp);

    const info = await t.sendMail(mail({ to: ['gone@example.org', 'ivan@example.org', 'busy@example.org'] }));
    expect(info.accepted).toEqual(['ivan@example.org']);
    expect(info.rejected).toEqual(['gone@example.org', 'busy@example.org']);
    const details = (info as unknown as { rejectedErrors: Record<string, unknown>[] }).rejectedErrors;
    expect(details.map((e) => [e.recipient, e.responseCode, e.response])).toEqual([
      ['gone@example.org', 550, '550 5.1.1 User unknown'],
      ['busy@example.org', 450, '450 4.2.1 Mailbox busy'],
    ]);
    expect(smtp.mailbox.messages().map((m) => m.envelope.to)).toEqual([['ivan@example.org']]);

    // Every recipient refused: the whole send fails with the refusal's code.
    const err = await sendError(t, mail({ to: 'gone@example.org' }));
    expect(err.code).toBe('EENVELOPE');
    expect(err.responseCode).toBe(550);
    expect(
      smtp.mailbox
        .rejections()
        .filter((r) => r.reason === 'recipient-rule')
        .map((r) => [r.address, r.code]),
    ).toEqual([
      ['gone@example.org', 550],
      ['busy@example.org', 450],
      ['gone@example.org', 550],
    ]);
    expect(smtp.mailbox.recipientRules().map((r) => [r.address, r.applied])).toEqual([
      ['gone@example.org', 2],
      ['busy@example.org', 1],
    ]);
    t.close();
  });

  it('refuses a whole domain with an @domain rule, until allowed again', async () => {
    smtp.mailbox.rejectRecipient('@blocked.example', { code: 550, enhancedCode: '5.7.1', message: 'Relay access denied' });
    const t = transport(smtp);
    const err = await sendError(t, mail({ to: 'anyone@blocked.example' }));
    expect(err.response).toBe('550 5.7.1 Relay access denied');
    expect(smtp.mailbox.allowRecipient('@BLOCKED.example')).toBe(true);
    await t.sendMail(mail({ to: 'anyone@blocked.example' }));
    expect(smtp.mailbox.messages()).toHaveLength(1);
    t.close();
  });

  it('connect: 421 4.3.2 in the greeting, then the connection is closed; the next connection is served', async () => {
    smtp.faults.add({ stage: 'connect', code: 421, message: '4.3.2 Service not available, try later', count: 1 });
    const s = await rawSession(smtp.port);
    expect(s.greeting.lines).toEqual(['421 4.3.2 Service not available, try later']);
    await s.closed;

    smtp.faults.add({ stage: 'connect', code: 421, count: 1 });
    const t = transport(smtp);
    const err = await sendError(t, mail());
    expect(err.responseCode).toBe(421);
    expect(err.response).toBe('421 4.3.2 Service not available, closing transmission channel');
    await t.sendMail(mail());
    expect(smtp.mailbox.messages()).toHaveLength(1);
    expect(smtp.faults.list()).toEqual([]);
    t.close();
  });

  it('data: 451 4.3.0 (transient) then 554 5.7.1 (permanent) then 552, each once; nothing is kept for them', async () => {
    smtp.faults.add([
      { stage: 'data', code: 451, count: 1 },
      { stage: 'data', code: 554, message: 'Message rejected as spam', count: 1 },
      { stage: 'data', code: 552, count: 1 },
    ]);
    const t = transport(smtp);
    const first = await sendError(t, mail({ messageId: '<n-1@hub>' }));
    expect([first.code, first.responseCode, first.response]).toEqual(['EMESSAGE', 451, '451 4.3.0 Requested action aborted: local error in processing']);
    const second = await sendError(t, mail({ messageId: '<n-1@hub>' }));
    expect([second.responseCode, second.response]).toEqual([554, '554 5.7.1 Message rejected as spam']);
    const third = await sendError(t, mail({ messageId: '<n-1@hub>' }));
    expect([third.responseCode, third.response]).toEqual([552, '552 5.3.4 Message size exceeds fixed limit']);
    expect(smtp.mailbox.messages()).toHaveLength(0);

    await t.sendMail(mail({ messageId: '<n-1@hub>' }));
    expect(smtp.mailbox.messages()).toHaveLength(1);
    expect(smtp.mailbox.duplicates()).toEqual([]);
    const refused = smtp.mailbox.rejections();
    expect(refused.map((r) => [r.stage, r.reason, r.code, r.messageId])).toEqual([
      ['data', 'fault', 451, '<n-1@hub>'],
      ['data', 'fault', 554, '<n-1@hub>'],
      ['data', 'fault', 552, '<n-1@hub>'],
    ]);
    expect(refused[0]).toMatchObject({ from: 'hub@cabinet.example.org', to: ['ivan@example.org'], faultId: expect.stringMatching(/^smtp-fault-/) });
    t.close();
  });

  it('mail and rcpt: faults answer MAIL FROM and RCPT TO; a 421 at data closes the session', async () => {
    smtp.faults.add({ stage: 'mail', code: 451, message: '4.7.1 Greylisted, try again in 60 seconds', count: 1 });
    const t = transport(smtp);
    const greylisted = await sendError(t, mail());
    expect([greylisted.code, greylisted.responseCode, greylisted.response]).toEqual(['EENVELOPE', 451, '451 4.7.1 Greylisted, try again in 60 seconds']);

    smtp.faults.add({ stage: 'rcpt', code: 452, count: 1 });
    const info = await t.sendMail(mail({ to: ['a@example.org', 'b@example.org'] }));
    expect(info.rejected).toEqual(['a@example.org']);
    expect(info.accepted).toEqual(['b@example.org']);

    smtp.faults.add({ stage: 'data', code: 421, count: 1 });
    const dropped = await sendError(t, mail());
    expect(dropped.responseCode).toBe(421);
    expect(dropped.response).toBe('421 4.3.2 Service not available, closing transmission channel');
    t.close();

    const plain = await startSmtpMock({ authOptional: true });
    try {
      plain.faults.add({ stage: 'data', code: 421, message: '4.4.5 Server busy', count: 1 });
      const r = await rawSession(plain.port);
      await r.command('EHLO client.example.org');
      await r.command('MAIL FROM:<a@example.org>');
      await r.command('RCPT TO:<b@example.org>');
      await r.command('DATA');
      expect((await r.send('Subject: x\r\n\r\nbody\r\n.\r\n')).lines).toEqual(['421 4.4.5 Server busy']);
      await r.closed;
    } finally {
      await plain.close();
    }
  });

  it('auth: 454 4.7.0 temporary authentication failure', async () => {
    smtp.faults.add({ stage: 'auth', code: 454, count: 1 });
    const t = transport(smtp);
    const err = await sendError(t, mail());
    expect([err.code, err.responseCode, err.response]).toEqual(['EAUTH', 454, '454 4.7.0 Temporary authentication failure']);
    await t.sendMail(mail());
    t.close();
  });

  it('a fault without count stays until removed; faults of a stage answer in the order posted', async () => {
    const [persistent] = smtp.faults.add({ stage: 'data', code: 451 });
    smtp.faults.add({ stage: 'data', code: 554, count: 1 });
    const t = transport(smtp);
    for (let i = 0; i < 3; i++) expect((await sendError(t, mail())).responseCode).toBe(451);
    expect(smtp.faults.list().map((f) => [f.code, f.remaining, f.applied])).toEqual([
      [451, null, 3],
      [554, 1, 0],
    ]);
    expect(smtp.faults.remove(persistent.id)).toBe(true);
    expect(smtp.faults.remove(persistent.id)).toBe(false);
    expect((await sendError(t, mail())).responseCode).toBe(554);
    await t.sendMail(mail());
    expect(smtp.mailbox.messages()).toHaveLength(1);
    t.close();
  });

  it('refuses invalid faults and rules with MockAdminError(400), adding none of a batch', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(MockAdminError);
        return (err as MockAdminError).status;
      }
      throw new Error('expected a MockAdminError');
    };
    expect(bad(() => smtp.faults.add({ stage: 'helo' as never, code: 421 }))).toBe(400);
    expect(bad(() => smtp.faults.add({ stage: 'data', code: 250 }))).toBe(400);
    expect(bad(() => smtp.faults.add({ stage: 'data', code: 451, enhancedCode: '5.7.1' }))).toBe(400);
    expect(bad(() => smtp.faults.add({ stage: 'data', code: 451, message: 'line\r\nbreak' }))).toBe(400);
    expect(bad(() => smtp.faults.add({ stage: 'data', code: 451, count: 0 }))).toBe(400);
    expect(
      bad(() =>
        smtp.faults.add([
          { stage: 'data', code: 451 },
          { stage: 'data', code: 99 },
        ]),
      ),
    ).toBe(400);
    expect(smtp.faults.list()).toEqual([]);
    expect(bad(() => smtp.mailbox.rejectRecipient('no-at-sign'))).toBe(400);
    expect(bad(() => smtp.mailbox.rejectRecipient('x@example.org', { code: 250 }))).toBe(400);
    expect(smtp.mailbox.recipientRules()).toEqual([]);
  });

  it('reset clears messages, recipient rules, refusals and faults', async () => {
    const t = transport(smtp);
    await t.sendMail(mail());
    smtp.mailbox.rejectRecipient('gone@example.org');
    smtp.faults.add({ stage: 'connect', code: 421 });
    smtp.admin.reset();
    expect([smtp.mailbox.messages(), smtp.mailbox.recipientRules(), smtp.mailbox.rejections(), smtp.faults.list()]).toEqual([[], [], [], []]);
    await t.sendMail(mail({ to: 'gone@example.org' }));
    expect(smtp.mailbox.messages()[0].index).toBe(0);
    t.close();
  });
});
