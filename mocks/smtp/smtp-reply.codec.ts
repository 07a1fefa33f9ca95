import { MockAdminError } from '../_kit';

/** An SMTP error reply the mock sends instead of the normal answer: `550 5.1.1 User unknown`. */
export interface SmtpReply {
  /** Basic reply code, 400-599 (4xx transient, 5xx permanent). */
  code: number;
  /** RFC 3463 enhanced status code; its class digit equals the first digit of `code`. */
  enhancedCode: string;
  /** Reply text after the enhanced code, printable ASCII. */
  message: string;
}

/** How a reply is written in options and admin bodies: everything but `code` is optional. */
export interface SmtpReplyInput {
  code?: number;
  /** Default: from `message` when it starts with one, else the usual one for `code` (see README). */
  enhancedCode?: string;
  /** Default: the usual text for `code`. May start with the enhanced code (`"5.7.1 Rejected"`). */
  message?: string;
}

/** Matches an RFC 3463 enhanced status code at the start of a reply text. */
const ENHANCED_PREFIX = /^([245])\.(\d{1,3})\.(\d{1,3})(?: +|$)/;
const ENHANCED_ONLY = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const MAX_MESSAGE_CHARS = 400;

/** The enhanced code and text a reply gets when only its basic code is given. */
const DEFAULTS: Readonly<Record<number, readonly [string, string]>> = {
  421: ['4.3.2', 'Service not available, closing transmission channel'],
  450: ['4.2.1', 'Mailbox busy, try again later'],
  451: ['4.3.0', 'Requested action aborted: local error in processing'],
  452: ['4.3.1', 'Insufficient system storage'],
  454: ['4.7.0', 'Temporary authentication failure'],
  530: ['5.7.0', 'Authentication required'],
  535: ['5.7.8', 'Error: authentication failed: authentication failure'],
  550: ['5.1.1', 'User unknown'],
  551: ['5.1.6', 'User not local'],
  552: ['5.3.4', 'Message size exceeds fixed limit'],
  553: ['5.1.3', 'Mailbox name not allowed'],
  554: ['5.7.1', 'Message rejected'],
};

/** The default enhanced code for a basic code (`x.0.0` when there is no better one). */
export function defaultEnhancedCode(code: number): string {
  return DEFAULTS[code]?.[0] ?? `${Math.floor(code / 100)}.0.0`;
}

/** The default text for a basic code. */
export function defaultReplyText(code: number): string {
  return DEFAULTS[code]?.[1] ?? (code < 500 ? 'Temporary failure, try again later' : 'Permanent failure');
}

/**
 * Checks and completes a reply given in options or an admin body.
 * @param input the reply as given
 * @param fallbackCode used when `input.code` is absent (e.g. 550 for a recipient rule); without it `code` is required
 * @throws MockAdminError(400) listing every problem
 */
export function parseSmtpReply(input: SmtpReplyInput, fallbackCode?: number): SmtpReply {
  const problems: string[] = [];
  const code = input.code ?? fallbackCode;
  if (!Number.isInteger(code) || (code as number) < 400 || (code as number) > 599) {
    problems.push('code must be an integer from 400 to 599 (4xx transient, 5xx permanent)');
  }
  let message = input.message;
  let enhancedCode = input.enhancedCode;
  if (message !== undefined) {
    if (typeof message !== 'string' || message.length > MAX_MESSAGE_CHARS || !PRINTABLE_ASCII.test(message)) {
      problems.push(`message must be printable ASCII of at most ${MAX_MESSAGE_CHARS} characters (SMTP replies are ASCII)`);
      message = undefined;
    } else {
      const prefix = ENHANCED_PREFIX.exec(message);
      if (prefix) {
        const inText = `${prefix[1]}.${prefix[2]}.${prefix[3]}`;
        if (enhancedCode !== undefined && enhancedCode !== inText) problems.push(`enhancedCode ${String(enhancedCode)} contradicts the message's ${inText}`);
        enhancedCode = inText;
        message = message.slice(prefix[0].length);
      }
    }
  }
  if (enhancedCode !== undefined) {
    const m = typeof enhancedCode === 'string' ? ENHANCED_ONLY.exec(enhancedCode) : null;
    if (!m) problems.push('enhancedCode must look like 5.1.1 (class.subject.detail)');
    else if (Number.isInteger(code) && Number(m[1]) !== Math.floor((code as number) / 100)) {
      problems.push(`enhancedCode ${enhancedCode} must start with ${Math.floor((code as number) / 100)} to match code ${code}`);
    }
  }
  if (problems.length > 0) throw new MockAdminError(400, `invalid SMTP reply: ${problems.join('; ')}`, { problems });
  const c = code as number;
  return {
    code: c,
    enhancedCode: enhancedCode ?? defaultEnhancedCode(c),
    message: message === undefined || message.trim() === '' ? defaultReplyText(c) : message.trim(),
  };
}

/** The reply line as the client reads it, without CRLF: `550 5.1.1 User unknown`. */
export function formatSmtpReply(reply: SmtpReply): string {
  return `${reply.code} ${reply.enhancedCode} ${reply.message}`;
}

/** An error smtp-server turns into the reply (`responseCode` plus text). */
export interface SmtpReplyError extends Error {
  responseCode: number;
}

/**
 * The error to hand to an smtp-server callback. The text starts with the enhanced code, which
 * the enhanced-code guard (see smtp-server.factory) keeps instead of adding smtp-server's own.
 */
export function smtpReplyError(reply: SmtpReply): SmtpReplyError {
  const err = new Error(`${reply.enhancedCode} ${reply.message}`) as SmtpReplyError;
  err.responseCode = reply.code;
  return err;
}

/** True when a reply text already carries an enhanced status code (so none is to be added). */
export function startsWithEnhancedCode(text: unknown): boolean {
  return typeof text === 'string' && ENHANCED_PREFIX.test(text);
}
