import { PermanentError, TransientError } from '../../contracts';
import { classifySmtpError, describeFacts, factsOf, isRefusal, SmtpRefusal } from './smtp.errors';

/*
 * Error shapes as nodemailer 10 raises them against the SMTP mock (see mocks/smtp/README.md,
 * "Replies and how nodemailer surfaces them"); the message text is deliberately what real
 * servers send, address included, to show it never leaks into the classification.
 */
const ADDRESS = 'ivan.petrenko@example.org';

function smtpError(code: string, responseCode: number | undefined, command: string, response?: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${command} failed: ${response ?? ''} <${ADDRESS}>`), { code, responseCode, command, response, ...extra });
}

function rcptRefused(responseCode: number, response: string): Error {
  const rejected = Object.assign(new Error(`Recipient command failed: ${response}`), { code: 'EENVELOPE', responseCode, response, recipient: ADDRESS });
  return smtpError('EENVELOPE', responseCode, 'RCPT TO', response, { rejected: [ADDRESS], rejectedErrors: [rejected] });
}

const refusal = (e: unknown) => {
  const c = classifySmtpError(e);
  expect(isRefusal(c)).toBe(true);
  return c as SmtpRefusal;
};

describe('SMTP failure classification', () => {
  it.each([
    ['550 5.1.1 at RCPT TO', rcptRefused(550, `550 5.1.1 <${ADDRESS}>: Recipient address rejected: User unknown`), 'smtp:550', true],
    ['553 5.1.3 at RCPT TO', rcptRefused(553, '553 5.1.3 Mailbox name not allowed'), 'smtp:553', false],
    ['550 5.7.1 at RCPT TO (policy)', rcptRefused(550, '550 5.7.1 Rejected by policy'), 'smtp:550', false],
    ['551 5.2.1 mailbox disabled', rcptRefused(551, '551 5.2.1 Mailbox disabled'), 'smtp:551', true],
    ['554 5.7.1 at DATA', smtpError('EMESSAGE', 554, 'DATA', '554 5.7.1 Message rejected as spam'), 'smtp:554', false],
    ['552 5.3.4 at DATA', smtpError('EMESSAGE', 552, 'DATA', '552 5.3.4 Message size exceeds fixed limit'), 'smtp:552', false],
    ['552 at MAIL FROM (declared SIZE)', smtpError('EENVELOPE', 552, 'MAIL FROM', '552 5.3.4 Message size exceeds fixed maximum message size 1024'), 'smtp:552', false],
  ])('%s is a failed delivery', (_name, err, code, inactive) => {
    const r = refusal(err);
    expect(r.failure.code).toBe(code);
    expect(r.addressInactive).toBe(inactive);
    expect(r.failure.message).not.toContain(ADDRESS);
    expect(r.failure.message.length).toBeLessThanOrEqual(500);
  });

  it.each([
    ['421 at the greeting', smtpError('EPROTOCOL', 421, 'CONN', '421 4.3.2 Service not available, closing transmission channel'), 30_000],
    ['450 4.2.1 at RCPT TO', rcptRefused(450, '450 4.2.1 Mailbox busy, try again later'), undefined],
    ['451 4.3.0 at DATA', smtpError('EMESSAGE', 451, 'DATA', '451 4.3.0 Requested action aborted: local error in processing'), undefined],
    ['451 4.7.1 greylisting at MAIL FROM', smtpError('EENVELOPE', 451, 'MAIL FROM', '451 4.7.1 Greylisted, try again in 60 seconds'), 60_000],
    ['452 4.3.1 at DATA', smtpError('EMESSAGE', 452, 'DATA', '452 4.3.1 Insufficient system storage'), undefined],
    ['454 4.7.0 at AUTH', smtpError('EAUTH', 454, 'AUTH PLAIN', '454 4.7.0 Temporary authentication failure'), undefined],
    ['503 bad sequence', smtpError('EENVELOPE', 503, 'MAIL FROM', '503 5.5.1 Error: nested MAIL command'), undefined],
    ['connection refused', smtpError('ESOCKET', undefined, 'CONN'), undefined],
    ['connection reset', smtpError('ECONNECTION', undefined, 'CONN'), undefined],
    ['timeout', smtpError('ETIMEDOUT', undefined, 'CONN'), undefined],
    ['DNS failure', smtpError('EDNS', undefined, 'CONN'), undefined],
    ['garbled greeting', smtpError('EPROTOCOL', undefined, 'CONN', 'HTTP/1.1 400 Bad Request'), undefined],
    ['TLS handshake', Object.assign(new Error('certificate has expired'), { code: 'ESOCKET', command: 'CONN' }), undefined],
    ['abort', Object.assign(new Error('Message sending aborted'), { name: 'AbortError', code: 'EABORT' }), undefined],
    ['something unknown', new Error('surprise'), undefined],
  ])('%s is transient', (_name, err, retryAfterMs) => {
    const c = classifySmtpError(err);
    expect(c).toBeInstanceOf(TransientError);
    expect((c as TransientError).retryAfterMs).toBe(retryAfterMs);
    expect((c as Error).message).not.toContain(ADDRESS);
  });

  it.each([
    ['535 5.7.8 bad credentials', smtpError('EAUTH', 535, 'AUTH PLAIN', '535 5.7.8 Error: authentication failed')],
    ['530 5.7.0 authentication required', smtpError('EENVELOPE', 530, 'MAIL FROM', '530 5.7.0 Authentication required')],
    ['538 encryption required for AUTH', smtpError('EAUTH', 538, 'AUTH PLAIN', '538 5.7.0 Error: Must issue a STARTTLS command first')],
    ['EAUTH without a reply (no credentials)', smtpError('EAUTH', undefined, 'API')],
    ['550 to MAIL FROM (sender refused)', smtpError('EENVELOPE', 550, 'MAIL FROM', '550 5.7.1 Sender address rejected')],
    ['554 greeting (no service for this client)', smtpError('EPROTOCOL', 554, 'CONN', '554 5.7.1 No SMTP service here')],
    ['REQUIRETLS unsupported', smtpError('EREQUIRETLS', undefined, 'MAIL FROM')],
  ])('%s is permanent', (_name, err) => {
    const c = classifySmtpError(err);
    expect(c).toBeInstanceOf(PermanentError);
    expect((c as Error).message).not.toContain(ADDRESS);
  });

  it('reads the enhanced code but never the reply text', () => {
    const f = factsOf(rcptRefused(550, `550 5.1.1 <${ADDRESS}>: User unknown`));
    expect(f).toEqual({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', enhancedCode: '5.1.1', aborted: false, tls: false });
    expect(describeFacts(f)).toBe('at RCPT TO reply 550 5.1.1 (EENVELOPE)');
    expect(describeFacts(factsOf(undefined))).toBe('unknown failure');
    expect(factsOf({ responseCode: Number.NaN, response: 'garbage' }).responseCode).toBeUndefined();
  });
});
