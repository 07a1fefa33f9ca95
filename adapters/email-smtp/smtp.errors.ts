import { DeliveryFailure, PermanentError, TransientError } from '../../contracts';

/**
 * What an SMTP failure says, read from the structured fields nodemailer sets (`code`,
 * `responseCode`, `command`) and the enhanced status code at the start of the reply. The reply
 * text itself is never kept: real servers echo the recipient's address in it.
 */
export interface SmtpErrorFacts {
  /** nodemailer's code (`EAUTH`, `EENVELOPE`, `EMESSAGE`, `ESOCKET`, ...) or a socket code. */
  code?: string;
  /** The SMTP reply code, when the server answered. */
  responseCode?: number;
  /** The stage: `CONN`, `AUTH PLAIN`, `MAIL FROM`, `RCPT TO`, `DATA`, ... */
  command?: string;
  /** RFC 3463 enhanced status code, e.g. `5.1.1`. */
  enhancedCode?: string;
  /** True when the error was the call being cancelled. */
  aborted: boolean;
  /** True when a socket error came from TLS (handshake, certificate). */
  tls: boolean;
}

/** The server refused this recipient or this message: a failed delivery, so the hub tries another channel. */
export interface SmtpRefusal {
  kind: 'refused';
  failure: DeliveryFailure;
  /** The mailbox does not exist (any more): `5.1.1`, `5.1.2`, `5.1.10`, `5.2.1`. */
  addressInactive: boolean;
  facts: SmtpErrorFacts;
}

/** How a failed send is handled: a failed delivery, or an error for the hub to retry or dead-letter. */
export type SmtpFailureClass = SmtpRefusal | TransientError | PermanentError;

/** Enhanced codes meaning the address no longer takes mail at all. */
const INACTIVE_ENHANCED = new Set(['5.1.1', '5.1.2', '5.1.10', '5.2.1']);
/** Socket-level codes: the connection failed, nothing says the message is unwelcome. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
/** Configuration problems on our side that a retry cannot fix. */
const CONFIG_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'EREQUIRETLS', 'EMAXRECIPIENTS', 'EFILEACCESS', 'EURLACCESS', 'EENVELOPE']);
/** 5xx replies about authentication or encryption: 530 auth required, 534 mechanism too weak, 535 bad credentials, 538 encryption required. */
const AUTH_REPLIES = new Set([530, 534, 535, 538]);
/** Back-off hints: 421 means the server is closing down for now; 4.7.1 at MAIL/RCPT is greylisting or a rate limit. */
const RETRY_AFTER_421_MS = 30_000;
const RETRY_AFTER_GREYLIST_MS = 60_000;

/**
 * Reads the classifiable facts of anything nodemailer threw. For a refused recipient the facts
 * come from its own entry in `rejectedErrors` (the message went to one recipient only).
 */
export function factsOf(err: unknown): SmtpErrorFacts {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown; response?: unknown; name?: unknown; message?: unknown; rejectedErrors?: unknown };
  const recipient = Array.isArray(e.rejectedErrors) && e.rejectedErrors.length ? (e.rejectedErrors[0] as typeof e) : undefined;
  const src = recipient ?? e;
  const code = typeof src.code === 'string' ? src.code : typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof src.responseCode === 'number' && src.responseCode >= 100 && src.responseCode <= 599 ? src.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command.toUpperCase() : recipient ? 'RCPT TO' : undefined;
  const enhancedCode = typeof src.response === 'string' ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(src.response)?.[1] : undefined;
  const aborted = e.name === 'AbortError' || code === 'EABORT';
  // Only a yes/no is taken from the text of socket errors (Node's own wording, never an address).
  const tls = code === 'ETLS' || (code === 'ESOCKET' && typeof e.message === 'string' && /certificate|tls|ssl|handshake/i.test(e.message));
  return { code, responseCode, command, enhancedCode, aborted, tls };
}

/** A short, personal-data-free description: codes only (for errors, logs and the probe). */
export function describeFacts(f: SmtpErrorFacts): string {
  const reply = f.responseCode ? `${f.responseCode}${f.enhancedCode ? ` ${f.enhancedCode}` : ''}` : '';
  return [f.command && `at ${f.command}`, reply && `reply ${reply}`, f.code && `(${f.code}${f.tls ? ', TLS' : ''})`].filter(Boolean).join(' ') || 'unknown failure';
}

/**
 * Classifies a failed send (the table is in README.md):
 * - 4xx at any stage, 503, and connection failures (refused, reset, timeout, TLS, garbled greeting) → TransientError;
 * - 5xx to RCPT TO, 5xx at DATA, and 552 at MAIL FROM (declared size too big) → a refusal (failed delivery `smtp:<code>`);
 * - 530/534/535/538 and EAUTH, other 5xx at MAIL FROM/greeting/EHLO, configuration errors → PermanentError;
 * - anything unrecognised → TransientError (retried, then dead-lettered by the hub).
 */
export function classifySmtpError(err: unknown): SmtpFailureClass {
  const f = factsOf(err);
  const what = describeFacts(f);
  if (f.aborted) return new TransientError('SMTP send aborted (the hub call timed out or was cancelled); the message may or may not have been taken');

  const reply = f.responseCode;
  if (reply !== undefined && reply >= 400 && reply < 500) {
    const retryAfter = reply === 421 ? RETRY_AFTER_421_MS : f.enhancedCode === '4.7.1' && /^(MAIL|RCPT)/.test(f.command ?? '') ? RETRY_AFTER_GREYLIST_MS : undefined;
    return new TransientError(`SMTP server deferred the message ${what}`, retryAfter);
  }
  if (reply !== undefined && reply >= 500) {
    // 503 is a session out of step, not a verdict on the message: a new connection passes.
    if (reply === 503) return new TransientError(`SMTP session out of sequence ${what}`);
    if (AUTH_REPLIES.has(reply) || f.code === 'EAUTH' || f.command?.startsWith('AUTH')) {
      return new PermanentError(`SMTP server refused authentication ${what}; check user, password, secure/requireTls`);
    }
    const inactive = f.enhancedCode !== undefined && INACTIVE_ENHANCED.has(f.enhancedCode);
    if (f.command === 'RCPT TO') return refusal(f, `the receiving server refused the recipient ${what}`, inactive);
    if (f.command === 'DATA' || f.code === 'EMESSAGE') return refusal(f, `the receiving server refused the message ${what}`, inactive);
    if (f.command === 'MAIL FROM' && reply === 552) return refusal(f, `the receiving server refused the message size ${what}`, false);
    if (f.command === 'MAIL FROM') return new PermanentError(`SMTP server refused the sender ${what}; check \`from\``);
    return new PermanentError(`SMTP server refused the session ${what}`);
  }

  if (f.code && CONNECTION_CODES.has(f.code)) return new TransientError(`SMTP connection failed ${what}`);
  if (f.code && CONFIG_CODES.has(f.code)) return new PermanentError(`SMTP send impossible with this configuration ${what}`);
  return new TransientError(`SMTP send failed ${what}`);
}

function refusal(f: SmtpErrorFacts, message: string, addressInactive: boolean): SmtpRefusal {
  return { kind: 'refused', failure: { code: `smtp:${f.responseCode}`, message }, addressInactive, facts: f };
}

/** True for a refusal (a failed delivery) rather than an error to throw. */
export function isRefusal(c: SmtpFailureClass): c is SmtpRefusal {
  return (c as SmtpRefusal).kind === 'refused';
}
