import { MockAdminError } from '../_kit';
import { formatSmtpReply, parseSmtpReply, smtpReplyError, startsWithEnhancedCode } from './smtp-reply.codec';

const problems = (f: () => unknown): string[] => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(MockAdminError);
    expect((err as MockAdminError).status).toBe(400);
    return ((err as MockAdminError).details as { problems: string[] }).problems;
  }
  throw new Error('expected a MockAdminError');
};

describe('SMTP mock: reply codes', () => {
  it('completes a bare code with the usual enhanced code and text', () => {
    expect(formatSmtpReply(parseSmtpReply({ code: 421 }))).toBe('421 4.3.2 Service not available, closing transmission channel');
    expect(formatSmtpReply(parseSmtpReply({ code: 450 }))).toBe('450 4.2.1 Mailbox busy, try again later');
    expect(formatSmtpReply(parseSmtpReply({ code: 451 }))).toBe('451 4.3.0 Requested action aborted: local error in processing');
    expect(formatSmtpReply(parseSmtpReply({ code: 550 }))).toBe('550 5.1.1 User unknown');
    expect(formatSmtpReply(parseSmtpReply({ code: 552 }))).toBe('552 5.3.4 Message size exceeds fixed limit');
    expect(formatSmtpReply(parseSmtpReply({ code: 554 }))).toBe('554 5.7.1 Message rejected');
    expect(formatSmtpReply(parseSmtpReply({ code: 499 }))).toBe('499 4.0.0 Temporary failure, try again later');
    expect(formatSmtpReply(parseSmtpReply({ code: 599 }))).toBe('599 5.0.0 Permanent failure');
    expect(parseSmtpReply({}, 550).code).toBe(550);
  });

  it('takes the enhanced code from the field or from the start of the message', () => {
    expect(parseSmtpReply({ code: 554, message: '5.7.1 Spam detected' })).toEqual({ code: 554, enhancedCode: '5.7.1', message: 'Spam detected' });
    expect(parseSmtpReply({ code: 554, enhancedCode: '5.6.0', message: 'Bad content' })).toEqual({ code: 554, enhancedCode: '5.6.0', message: 'Bad content' });
    expect(parseSmtpReply({ code: 550, enhancedCode: '5.1.1', message: '5.1.1 User unknown' }).message).toBe('User unknown');
    expect(parseSmtpReply({ code: 450, message: '4.2.1' })).toEqual({ code: 450, enhancedCode: '4.2.1', message: 'Mailbox busy, try again later' });
  });

  it('refuses codes outside 4xx/5xx, mismatched classes, non-ASCII and line breaks, listing every problem', () => {
    expect(problems(() => parseSmtpReply({ code: 250 }))).toEqual([expect.stringContaining('400 to 599')]);
    expect(problems(() => parseSmtpReply({ code: 451.5 }))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({}))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({ code: 451, enhancedCode: '5.3.0' }))).toEqual([expect.stringContaining('must start with 4')]);
    expect(problems(() => parseSmtpReply({ code: 451, enhancedCode: '4.3' }))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({ code: 554, enhancedCode: '5.7.1', message: '5.6.0 x' }))).toEqual([expect.stringContaining('contradicts')]);
    expect(problems(() => parseSmtpReply({ code: 550, message: 'Пользователь не найден' }))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({ code: 550, message: 'a\r\n250 OK' }))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({ code: 550, message: 'x'.repeat(401) }))).toHaveLength(1);
    expect(problems(() => parseSmtpReply({ code: '550' as never, message: 7 as never }))).toHaveLength(2);
  });

  it('builds the callback error smtp-server sends, text starting with the enhanced code', () => {
    const err = smtpReplyError({ code: 554, enhancedCode: '5.7.1', message: 'Rejected' });
    expect([err.responseCode, err.message]).toEqual([554, '5.7.1 Rejected']);
    expect(startsWithEnhancedCode(err.message)).toBe(true);
    expect(startsWithEnhancedCode('Error: authentication Required')).toBe(false);
    expect(startsWithEnhancedCode(['5.7.1 x'])).toBe(false);
  });
});
