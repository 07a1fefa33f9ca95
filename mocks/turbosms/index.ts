/**
 * A stateful, drivable mock of the TurboSMS HTTP API v2 (Ukrainian SMS / Viber gateway).
 * The wire contract it implements is in `mocks/turbosms/README.md`.
 */
import { createMockServer, type MockAdminApi, type MockServer } from '../_kit';
import { TurboAccount } from './turbo-account.repository';
import { classifyTurboRequest, createTurboHandler } from './turbo-api.handler';
import { DuplicateWindow } from './turbo-dedup.repository';
import { turboErrorResponder } from './turbo-envelope.codec';
import { MessagesRepository } from './turbo-messages.repository';
import { resolveTurboOptions, type AutoProgress, type TurboSmsMockOptions } from './turbo-mock.options';
import { TurboOperator, type TurboAccountApi, type TurboMessagesApi, type TurboRecipientsApi } from './turbo-operator.admin';
import { RecipientsRepository } from './turbo-recipients.repository';
import { TurboSendService } from './turbo-send.service';
import { TurboStatusService } from './turbo-status.service';

export { MockAdminError } from '../_kit';
export { formatKyiv, parseKyiv } from './kyiv-time.codec';
export type { TurboStats } from './turbo-account.repository';
export { TURBO_PATHS, classifyTurboRequest } from './turbo-api.handler';
export type { TurboRequestType } from './turbo-api.handler';
export { TURBO_CODES } from './turbo-codes.catalog';
export type { TurboStatusName } from './turbo-codes.catalog';
export { MESSAGE_STATUSES } from './turbo-messages.repository';
export type { MessageStatus, MessageView, ViberExtras } from './turbo-messages.repository';
export { DEFAULT_AUTO_PROGRESS, DEFAULT_SENDERS, DEFAULT_TOKENS } from './turbo-mock.options';
export type { AutoProgress, TurboSmsMockOptions } from './turbo-mock.options';
export type { TurboAccountApi, TurboMessagesApi, TurboRecipientsApi } from './turbo-operator.admin';
export { RECIPIENT_BEHAVIOURS } from './turbo-recipients.repository';
export type { RecipientBehaviour, RecipientSetting } from './turbo-recipients.repository';
export { VIBER_MESSAGE_COST } from './turbo-send.service';
export type { SendResultEntry } from './turbo-send.service';
export type { StatusEntry } from './turbo-status.service';

/** A created (not yet listening) TurboSMS mock, for callers that manage the server themselves. */
export interface TurboSmsMock {
  server: MockServer;
  admin: MockAdminApi;
  messages: TurboMessagesApi;
  recipients: TurboRecipientsApi;
  account: TurboAccountApi;
  /** Where `start()` should listen (from the options). */
  listen: { host: string; port: number };
}

/** A running TurboSMS mock. */
export interface RunningTurboSmsMock {
  /** `http://host:port`: clients call `${url}/message/send.json`. */
  url: string;
  /** Same as `url` (the API lives at the root); the admin API is under `${baseUrl}/__admin`. */
  baseUrl: string;
  port: number;
  /** Recording, faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** What each phone received; setting statuses (also at `/__admin/messages`). */
  messages: TurboMessagesApi;
  /** Recipient behaviours (also at `/__admin/recipients`). */
  recipients: TurboRecipientsApi;
  /** Balance, stats, auto-progress (also at `/__admin/balance`, `/stats`, `/auto-progress`). */
  account: TurboAccountApi;
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it.
 * @throws MockAdminError(400) when an option is invalid
 */
export function createTurboSmsMock(options: TurboSmsMockOptions = {}): TurboSmsMock {
  const o = resolveTurboOptions(options);
  let autoProgress: AutoProgress = { ...o.autoProgress };
  const messages = new MessagesRepository(o.clock);
  const recipients = new RecipientsRepository();
  const account = new TurboAccount(o.balance);
  const duplicates = new DuplicateWindow(o.clock, o.duplicateWindowMs);
  const operator = new TurboOperator(messages, recipients, account, { get: () => autoProgress, set: (p) => (autoProgress = p) });

  const server = createMockServer({
    name: 'turbosms',
    maxBodyBytes: o.maxBodyBytes,
    recorder: o.recorder,
    clock: o.clock,
    classify: classifyTurboRequest,
    errorResponse: turboErrorResponder,
    adminRoutes: operator.routes(),
    onReset: () => {
      messages.clear();
      recipients.clear();
      account.reset();
      duplicates.clear();
      autoProgress = { ...o.autoProgress };
    },
    handler: createTurboHandler({
      tokens: new Set(o.tokens),
      send: new TurboSendService({
        messages,
        recipients,
        account,
        duplicates,
        senders: new Set(o.senders),
        maxRecipients: o.maxRecipients,
        autoProgress: () => autoProgress,
        clock: o.clock,
      }),
      status: new TurboStatusService(messages, account, o.clock),
    }),
  });
  return {
    server,
    admin: server.admin,
    messages: operator.messages,
    recipients: operator.recipients,
    account: operator.account,
    listen: { host: o.host, port: o.port },
  };
}

/**
 * Starts the TurboSMS mock (on 127.0.0.1 and a free port unless told otherwise).
 *
 * ```ts
 * const sms = await startTurboSmsMock({ autoProgress: { deliveredAfterMs: 0 } });
 * // POST `${sms.url}/message/send.json` with `Authorization: Bearer turbosms-demo-token`
 * sms.recipients.set('380501234567', 'stoplist');
 * sms.messages.list({ phone: '380671234567' });
 * await sms.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid
 */
export async function startTurboSmsMock(options: TurboSmsMockOptions = {}): Promise<RunningTurboSmsMock> {
  const mock = createTurboSmsMock(options);
  const running = await mock.server.start(mock.listen);
  return {
    url: running.url,
    baseUrl: running.url,
    port: running.port,
    admin: mock.admin,
    messages: mock.messages,
    recipients: mock.recipients,
    account: mock.account,
    close: running.close,
  };
}
