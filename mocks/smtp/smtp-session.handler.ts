import { randomBytes } from 'node:crypto';
import type { SMTPServerOptions, SMTPServerSession } from 'smtp-server';
import type { ActiveSmtpFault, SmtpFaultScheduler, SmtpStage } from './smtp-fault.scheduler';
import type { SmtpMailbox } from './smtp-mailbox.service';
import { extractMessageId, parseMessage } from './smtp-message.parser';
import type { RecipientPolicy } from './smtp-recipient.policy';
import type { RejectionInput, RejectionRecorder } from './smtp-rejection.recorder';
import { formatSmtpReply, smtpReplyError, type SmtpReply } from './smtp-reply.codec';

/** What the SMTP callbacks work with. */
export interface SessionDeps {
  /** user → password. A Map, so a user called `__proto__` is just a user. */
  users: ReadonlyMap<string, string>;
  authOptional: boolean;
  sizeLimit: number;
  maxBodyChars: number;
  faults: SmtpFaultScheduler;
  recipients: RecipientPolicy;
  rejections: RejectionRecorder;
  mailbox: SmtpMailbox;
  clock: () => number;
}

/** The smtp-server callbacks of the mock. */
export type SessionHandlers = Required<Pick<SMTPServerOptions, 'onConnect' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData'>>;

const AUTH_REQUIRED: SmtpReply = { code: 530, enhancedCode: '5.7.0', message: 'Authentication required' };
// Postfix's wording; nodemailer surfaces it as EAUTH with responseCode 535.
const AUTH_FAILED: SmtpReply = { code: 535, enhancedCode: '5.7.8', message: 'Error: authentication failed: authentication failure' };

/**
 * The mock's SMTP behaviour: scheduled faults first at every stage, then AUTH against the
 * configured users, recipient rules at RCPT TO, the size limit and the capture at the end of DATA.
 */
export function createSessionHandlers(deps: SessionDeps): SessionHandlers {
  const refuse = (session: SMTPServerSession, stage: SmtpStage, reason: RejectionInput['reason'], reply: SmtpReply, extra: Partial<RejectionInput> = {}) => {
    deps.rejections.record({
      stage,
      reason,
      code: reply.code,
      response: formatSmtpReply(reply),
      sessionId: session.id,
      from: session.envelope?.mailFrom ? session.envelope.mailFrom.address : null,
      to: (session.envelope?.rcptTo ?? []).map((r) => r.address),
      ...extra,
    });
    return smtpReplyError(reply);
  };
  // Postfix-like hex queue ids: a per-server prefix and a counter (randomBytes per message costs too much at 100 000 messages).
  const queuePrefix = randomBytes(2).toString('hex').toUpperCase();
  let queueSeq = 0;
  const nextQueueId = () => `${queuePrefix}${(queueSeq++ % 0x1000000).toString(16).toUpperCase().padStart(6, '0')}`;
  const faultRefusal = (session: SMTPServerSession, fault: ActiveSmtpFault, extra: Partial<RejectionInput> = {}) => refuse(session, fault.stage, 'fault', fault, { faultId: fault.id, ...extra });

  return {
    onConnect(session, callback) {
      const fault = deps.faults.take('connect');
      // smtp-server answers a refused connection and closes it, whatever the code.
      callback(fault ? faultRefusal(session, fault) : null);
    },

    onAuth(auth, session, callback) {
      const username = auth.username ?? null;
      const fault = deps.faults.take('auth');
      if (fault) return callback(faultRefusal(session, fault, { username }));
      const known = username === null ? undefined : deps.users.get(username);
      if ((auth.method === 'PLAIN' || auth.method === 'LOGIN') && known !== undefined && known === auth.password) {
        return callback(null, { user: username });
      }
      refuse(session, 'auth', 'auth-failed', AUTH_FAILED, { username });
      return callback(null, { responseCode: AUTH_FAILED.code, message: `${AUTH_FAILED.enhancedCode} ${AUTH_FAILED.message}` });
    },

    onMailFrom(address, session, callback) {
      if (!deps.authOptional && !session.user) return callback(refuse(session, 'mail', 'auth-required', AUTH_REQUIRED, { from: address.address }));
      const fault = deps.faults.take('mail');
      callback(fault ? faultRefusal(session, fault, { from: address.address }) : null);
    },

    onRcptTo(address, session, callback) {
      const fault = deps.faults.take('rcpt');
      if (fault) return callback(faultRefusal(session, fault, { address: address.address }));
      const rule = deps.recipients.match(address.address);
      callback(rule ? refuse(session, 'rcpt', 'recipient-rule', rule, { address: address.address }) : null);
    },

    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Past the limit the rest is only counted: smtp-server answers 552 once it has read it all.
        if (bytes <= deps.sizeLimit) chunks.push(chunk);
        else chunks.length = 0;
      });
      stream.once('end', () => {
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        if (stream.sizeExceeded || bytes > deps.sizeLimit) {
          const reply: SmtpReply = { code: 552, enhancedCode: '5.3.4', message: `Error: message exceeds fixed maximum message size ${deps.sizeLimit}` };
          return callback(refuse(session, 'data', 'size', reply, { size: bytes }));
        }
        const raw = Buffer.concat(chunks, bytes);
        const fault = deps.faults.take('data');
        if (fault) return callback(faultRefusal(session, fault, { size: bytes, messageId: extractMessageId(raw) }));
        capture(deps, session, envelope, raw, nextQueueId()).then(
          (queueId) => callback(null, `Ok: queued as ${queueId}`),
          (err: unknown) =>
            callback(
              smtpReplyError({
                code: 451,
                enhancedCode: '4.3.0',
                message: `Error: mock failed to store the message: ${String((err as Error)?.message ?? err)
                  .replace(/[^\x20-\x7e]/g, '?')
                  .slice(0, 200)}`,
              }),
            ),
        );
      });
    },
  };
}

async function capture(deps: SessionDeps, session: SMTPServerSession, envelope: { from: string; to: string[] }, raw: Buffer, queueId: string): Promise<string> {
  const receivedAt = new Date(deps.clock()).toISOString();
  const content = await parseMessage(raw, { maxBodyChars: deps.maxBodyChars });
  deps.mailbox.accept(
    {
      ...content,
      queueId,
      receivedAt,
      envelope,
      size: raw.length,
      authUser: typeof session.user === 'string' ? session.user : null,
      secure: session.secure === true,
      heloName: typeof session.hostNameAppearsAs === 'string' ? session.hostNameAppearsAs : '',
      remoteAddress: session.remoteAddress,
    },
    raw,
  );
  return queueId;
}
