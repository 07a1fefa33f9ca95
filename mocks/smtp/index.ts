/**
 * A real SMTP server mock (smtp-server) that keeps what it accepts, parsed with mailparser, with
 * recipient refusals, scheduled SMTP-level faults and an admin HTTP API on a second port.
 * The wire contract is `mocks/smtp/README.md`.
 */
import { createMockServer, type MockAdminApi, type RunningMockServer } from '../_kit';
import { smtpAdminRoutes } from './smtp-admin.routes';
import { SmtpFaultScheduler, type ActiveSmtpFault, type SmtpFaultSpec } from './smtp-fault.scheduler';
import { SmtpMailbox } from './smtp-mailbox.service';
import { MessageRepository } from './smtp-message.repository';
import { resolveSmtpMockOptions, type SmtpMockOptions, type SmtpUser } from './smtp-mock.options';
import { RecipientPolicy } from './smtp-recipient.policy';
import { RejectionRecorder } from './smtp-rejection.recorder';
import { startSmtpServer } from './smtp-server.factory';
import { createSessionHandlers } from './smtp-session.handler';

export { MockAdminError } from '../_kit';
export { SMTP_STAGES } from './smtp-fault.scheduler';
export type { ActiveSmtpFault, SmtpFaultSpec, SmtpStage } from './smtp-fault.scheduler';
export { SmtpMailbox } from './smtp-mailbox.service';
export type { RawSource } from './smtp-mailbox.service';
export type { CapturedMessage, DuplicateMessageId, MessageQuery } from './smtp-message.repository';
export type { CapturedAttachment, MailAddress } from './smtp-message.parser';
export { DEFAULT_SMTP_USERS, SMTP_MOCK_DEFAULTS } from './smtp-mock.options';
export type { SmtpMockOptions, SmtpUser } from './smtp-mock.options';
export type { RecipientRule } from './smtp-recipient.policy';
export type { RejectionReason, SmtpRejection } from './smtp-rejection.recorder';
export type { SmtpReply, SmtpReplyInput } from './smtp-reply.codec';

/** Scheduled SMTP-level faults (also at `/__admin/smtp-faults`). */
export interface SmtpFaultsApi {
  /**
   * Schedules faults: the next `count` sessions reaching the stage get the reply.
   * @throws MockAdminError(400) when a spec is invalid (none is added then)
   */
  add(spec: SmtpFaultSpec | readonly SmtpFaultSpec[]): ActiveSmtpFault[];
  /** Scheduled faults in the order posted. */
  list(): ActiveSmtpFault[];
  /** Removes one; false for an unknown id. */
  remove(id: string): boolean;
  /** Removes every scheduled fault. */
  clear(): void;
}

/** A running SMTP mock. */
export interface RunningSmtpMock {
  /** Interface both listeners are on. */
  host: string;
  /** SMTP port. */
  port: number;
  /** `smtp://host:port` (`smtps://` with `secure`), no credentials. */
  smtpUrl: string;
  /** `http://host:adminPort/__admin`. */
  adminUrl: string;
  adminPort: number;
  /** The accounts AUTH accepts. */
  users: readonly SmtpUser[];
  /** The kit's admin operations; `reset()` also clears the mailbox, recipient rules and SMTP faults. */
  admin: MockAdminApi;
  /** Accepted messages, duplicates, recipient rules, refusals. */
  mailbox: SmtpMailbox;
  faults: SmtpFaultsApi;
  /** Answers `421 4.3.2` to open sessions, then stops both listeners. */
  close(): Promise<void>;
}

/**
 * Starts the SMTP mock (SMTP and admin HTTP on 127.0.0.1 and free ports unless told otherwise).
 *
 * ```ts
 * const smtp = await startSmtpMock();
 * const t = nodemailer.createTransport({ host: smtp.host, port: smtp.port, auth: { user: 'hub', pass: 'smtp-demo-secret' },
 *   tls: { rejectUnauthorized: false } });
 * smtp.mailbox.rejectRecipient('gone@example.org');                          // 550 5.1.1 User unknown
 * smtp.faults.add({ stage: 'data', code: 451, count: 1 });                    // 451 4.3.0 once
 * await t.sendMail({ ... }); smtp.mailbox.messages({ to: 'ivan@example.org' });
 * await smtp.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid; the listen error when a port is taken
 */
export async function startSmtpMock(options: SmtpMockOptions = {}): Promise<RunningSmtpMock> {
  const o = resolveSmtpMockOptions(options);
  const scheduler = new SmtpFaultScheduler(o.clock);
  const recipients = new RecipientPolicy();
  const rejections = new RejectionRecorder(o.maxRejections, o.clock);
  const store = new MessageRepository({ maxMessages: o.maxMessages, maxRawBytes: o.maxRawBytes, maxTotalRawBytes: o.maxTotalRawBytes });
  const mailbox = new SmtpMailbox(store, recipients, rejections);
  const users = o.users.map((u) => ({ ...u }));

  const smtp = await startSmtpServer(
    o,
    createSessionHandlers({
      users: new Map(users.map((u) => [u.user, u.pass])),
      authOptional: o.authOptional,
      sizeLimit: o.sizeLimit,
      maxBodyChars: o.maxBodyChars,
      faults: scheduler,
      recipients,
      rejections,
      mailbox,
      clock: o.clock,
    }),
    { host: o.host, port: o.port },
  );
  const shownHost = o.host.includes(':') ? `[${o.host}]` : o.host;
  const smtpUrl = `${o.secure ? 'smtps' : 'smtp'}://${shownHost}:${smtp.port}`;

  const adminServer = createMockServer({
    name: 'smtp',
    // The HTTP side only serves /__admin; its request log is of no interest, keep it tiny.
    recorder: { maxEntries: 100, maxBodyBytes: 1024, maxTotalBodyBytes: 100 * 1024 },
    handler: () => ({
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ error: `this port serves only /__admin; SMTP is at ${smtpUrl}` }),
    }),
    adminRoutes: smtpAdminRoutes(mailbox, scheduler, () => ({
      host: o.host,
      port: smtp.port,
      smtpUrl,
      secure: o.secure,
      authOptional: o.authOptional,
      allowInsecureAuth: o.allowInsecureAuth,
      sizeLimit: o.sizeLimit,
      users: users.map((u) => u.user),
      connections: smtp.connections(),
    })),
    onReset: () => {
      mailbox.reset();
      scheduler.clear();
    },
    clock: o.clock,
  });
  let admin: RunningMockServer;
  try {
    admin = await adminServer.start({ host: o.host, port: o.adminPort });
  } catch (err) {
    await smtp.close();
    throw err;
  }

  return {
    host: o.host,
    port: smtp.port,
    smtpUrl,
    adminUrl: `${admin.url}/__admin`,
    adminPort: admin.port,
    users,
    admin: adminServer.admin,
    mailbox,
    faults: {
      add: (spec) => scheduler.add(spec),
      list: () => scheduler.list(),
      remove: (id) => scheduler.remove(id),
      clear: () => scheduler.clear(),
    },
    close: async () => {
      await Promise.all([smtp.close(), admin.close()]);
    },
  };
}
