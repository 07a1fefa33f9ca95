import nodemailer, { type SMTPPoolOptions, type Transporter } from 'nodemailer';
import { portOf, SMTP_DEFAULTS, type SmtpConfig } from './smtp.config';

/** A file attached to a message. Its name may be Cyrillic: it goes out RFC 2231-encoded. */
export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

/** One message as the adapter hands it to the wire. */
export interface OutgoingMail {
  /** With angle brackets: `<dispatchId@domain>`. */
  messageId: string;
  /** The configured sender, display name included. */
  from: string;
  /** Exactly one plain address. */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  date: Date;
  priority?: 'high' | 'normal' | 'low';
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

/** What the server said when it took the message. */
export interface SmtpAccepted {
  /** The final reply, e.g. `250 2.6.0 Ok: queued as 7F3A000001`. Kept out of logs: only ids are read from it. */
  response: string;
  /** A Message-ID the server put in place of ours (Microsoft 365, Amazon SES), when it says so. */
  serverMessageId?: string;
}

/**
 * The SMTP wire: a nodemailer transport (pooled by default) to the configured server. nodemailer
 * does the RFC work (RFC 2047 subjects and display names, RFC 2231 file names, 8BITMIME or
 * base64 bodies, STARTTLS, AUTH PLAIN/LOGIN); its own logger stays off because its lines carry
 * recipients. Failures are thrown as nodemailer raised them: `smtp.errors.ts` classifies them.
 */
export class SmtpClient {
  private readonly transport: Transporter;
  private readonly probeTimeoutMs: number;

  constructor(config: SmtpConfig) {
    const timeout = config.connectionTimeoutMs ?? SMTP_DEFAULTS.connectionTimeoutMs;
    const pool = config.pool ?? SMTP_DEFAULTS.pool;
    this.probeTimeoutMs = timeout * 2 + 5_000;
    const options: SMTPPoolOptions = {
      pool,
      maxConnections: config.maxConnections ?? SMTP_DEFAULTS.maxConnections,
      // One re-send over a fresh connection covers a pooled connection the server dropped while
      // idle; more would hide an outage from the hub's retries and circuit breaker.
      maxRequeues: 1,
      host: config.host,
      port: portOf(config),
      secure: config.secure ?? SMTP_DEFAULTS.secure,
      requireTLS: config.requireTls ?? SMTP_DEFAULTS.requireTls,
      tls: { rejectUnauthorized: config.tlsRejectUnauthorized ?? SMTP_DEFAULTS.tlsRejectUnauthorized },
      ...(config.user !== undefined ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
      ...(config.heloName ? { name: config.heloName } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      // A server that stalls mid-session is given up on; the hub's call timeout usually comes first.
      socketTimeout: Math.max(60_000, timeout),
      // Nothing in a notification should make the client read a local file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
      transactionLog: false,
    };
    // The pool keys are ignored by the single-connection transport when `pool` is false.
    this.transport = nodemailer.createTransport(options);
  }

  /**
   * Sends one message to one recipient. Resolves once the server answered `250` to DATA;
   * rejects with nodemailer's error (or a TransientError when `signal` fired first).
   */
  async send(mail: OutgoingMail, signal: AbortSignal): Promise<SmtpAccepted> {
    const sending = this.transport.sendMail({
      messageId: mail.messageId,
      from: mail.from,
      // The object form: nodemailer takes the address as is, with no display-name parsing.
      to: { name: '', address: mail.to },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      date: mail.date,
      priority: mail.priority,
      headers: mail.headers,
      attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      disableFileAccess: true,
      disableUrlAccess: true,
      signal,
    });
    const info = await untilAborted(sending, signal);
    // With one recipient a refusal rejects sendMail; this guards servers that answer otherwise.
    if (Array.isArray(info.rejected) && info.rejected.length > 0) throw info.rejectedErrors?.[0] ?? Object.assign(new Error('recipient refused'), { code: 'EENVELOPE', command: 'RCPT TO' });
    return { response: String(info.response ?? ''), ...(info.serverMessageId ? { serverMessageId: String(info.serverMessageId) } : {}) };
  }

  /** Connects, says EHLO, upgrades with STARTTLS when offered or required, and logs in; sends nothing. */
  async verify(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('SMTP verify timed out'), { code: 'ETIMEDOUT', command: 'CONN' })), this.probeTimeoutMs);
    });
    try {
      await Promise.race([this.transport.verify(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }
}

/**
 * nodemailer's pool honours the signal itself (it closes the connection delivering the
 * message); the race makes the call return at once even if a transport would not.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(abortError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** Shaped like nodemailer's own abort error, so one classifier reads both. */
function abortError(): Error {
  return Object.assign(new Error('SMTP send aborted'), { name: 'AbortError', code: 'EABORT' });
}
