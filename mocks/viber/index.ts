/**
 * A stateful, drivable mock of the Viber REST Bot API (`https://chatapi.viber.com/pa`), with
 * signed webhook callbacks and simulated users. The wire contract is `mocks/viber/README.md`.
 */
import { CallbackClient, createMockServer, FixedWindowLimiter, type MockAdminApi, type MockServer } from '../_kit';
import { AccountRepository } from './viber-accounts.repository';
import { AccountService } from './viber-account.service';
import { classifyViberRequest, createViberApiHandler, viberErrorResponder } from './viber-api.handler';
import { CallbackDispatcher, createCallbackLog } from './viber-callback.dispatcher';
import { ViberCallbacksApi } from './viber-callbacks.admin';
import { MessageTokenSequence } from './viber-id.generator';
import { MessagingService } from './viber-messaging.service';
import { resolveViberOptions, type ViberMockOptions } from './viber-mock.options';
import { ProgressScheduler } from './viber-progress.scheduler';
import { ViberSentApi } from './viber-sent.admin';
import { SentRepository } from './viber-sent.repository';
import { accountViews, createSettingsApi, settingsRoutes, type AccountView, type ViberSettingsApi } from './viber-settings.admin';
import { StatusFaultInjector } from './viber-status-fault.injector';
import { ViberUsersDriver } from './viber-users.admin';
import { UserRepository } from './viber-users.repository';

export { MockAdminError } from '../_kit';
export type { CallbackAttempt, CallbackRecord } from './viber-callback.dispatcher';
export { ViberCallbacksApi } from './viber-callbacks.admin';
export { USER_BEHAVIOURS } from './viber-domain.types';
export type { MessageState, UserBehaviour } from './viber-domain.types';
export { FIRST_MESSAGE_TOKEN } from './viber-id.generator';
export { toRawJson } from './viber-json.codec';
export { MESSAGE_TYPES } from './viber-message.validator';
export { DEFAULT_ACCOUNT, DEFAULT_SETTINGS } from './viber-mock.options';
export type { ViberAccountOptions, ViberAutoProgress, ViberMockOptions, ViberSettings } from './viber-mock.options';
export { DEFAULT_FAIL_DESC } from './viber-progress.scheduler';
export { ViberSentApi } from './viber-sent.admin';
export type { ReceiptOptions, ReceiptResult } from './viber-sent.admin';
export type { AccountView, ViberSettingsApi } from './viber-settings.admin';
export { SIGNATURE_HEADER, signViberBody, verifyViberSignature } from './viber-signature.codec';
export { CHAT_HOSTNAME, statusMessage, VIBER_METHODS, VIBER_STATUS, WEBHOOK_CHAT_HOSTNAME } from './viber-status.constants';
export type { ViberMethod, ViberStatusName } from './viber-status.constants';
export { StatusFaultInjector } from './viber-status-fault.injector';
export type { ActiveStatusFault, StatusFaultSpec } from './viber-status-fault.injector';
export { ViberUsersDriver } from './viber-users.admin';
export type { AddUserInput, DriveOptions, DrivenEvent, OpenResult, UpdateUserInput } from './viber-users.admin';
export type { SentMessageView, UserView } from './viber-views.mapper';

/** A created (not yet listening) Viber mock, for callers that manage the server themselves. */
export interface ViberMock {
  server: MockServer;
  /** Recording, HTTP faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** Simulated users (also at `/__admin/users/*`). */
  users: ViberUsersDriver;
  /** The callback log and redelivery (also at `/__admin/callbacks/*`). */
  callbacks: ViberCallbacksApi;
  /** Sent messages and manual receipts (also at `/__admin/sent/*`). */
  sent: ViberSentApi;
  /** Run-time settings (also at `/__admin/settings`). */
  settings: ViberSettingsApi;
  /** Protocol faults: forced `status` answers (also at `/__admin/status-faults`). */
  statusFaults: StatusFaultInjector;
  /** The bots and their current webhooks. */
  accounts(): AccountView[];
  /** Stops timers and callbacks in flight (the server is closed separately). */
  shutdown(): void;
}

/** A running Viber mock. */
export interface RunningViberMock extends Omit<ViberMock, 'server' | 'shutdown'> {
  /** `${baseUrl}/pa`: clients call `${url}/send_message`. */
  url: string;
  /** `http://host:port` (admin API under `/__admin`). */
  baseUrl: string;
  port: number;
  /** The first bot's auth token. */
  authToken: string;
  /** Stops listening, cancels planned receipts and callbacks in flight. */
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it.
 * @throws MockAdminError(400) when an option is invalid
 */
export function createViberMock(options: ViberMockOptions = {}): ViberMock & { host: string; port: number } {
  const o = resolveViberOptions(options);
  const settings = createSettingsApi(o.settings);
  const accounts = new AccountRepository(o.accounts);
  const users = new UserRepository(o.clock);
  const sent = new SentRepository(o.maxSentMessages);
  const log = createCallbackLog(o.maxCallbacks);
  const tokens = new MessageTokenSequence();
  const client = new CallbackClient({ maxSockets: o.callbackConcurrency, timeoutMs: o.callbackTimeoutMs });
  const dispatcher = new CallbackDispatcher({
    client,
    log,
    clock: o.clock,
    retries: () => settings.current().callbackRetries,
    retryDelayMs: o.callbackRetryDelayMs,
  });
  const progress = new ProgressScheduler({ accounts, users, dispatcher, clock: o.clock, settings: settings.current });
  const messaging = new MessagingService({ users, sent, tokens, progress, clock: o.clock, settings: settings.current });
  const accountService = new AccountService({ users, tokens, dispatcher, clock: o.clock, settings: settings.current });
  const rate = new FixedWindowLimiter(o.clock);
  const statusFaults = new StatusFaultInjector();
  const usersDriver = new ViberUsersDriver({ users, accounts, sent, messaging, dispatcher, tokens, clock: o.clock });
  const callbacks = new ViberCallbacksApi({ log, dispatcher, accounts });
  const sentApi = new ViberSentApi({ sent, progress });

  const server = createMockServer({
    name: 'viber',
    maxBodyBytes: o.maxBodyBytes,
    recorder: { maxEntries: o.maxRecordedRequests },
    clock: o.clock,
    classify: classifyViberRequest,
    errorResponse: viberErrorResponder,
    adminRoutes: [...usersDriver.routes(), ...callbacks.routes(), ...sentApi.routes(), ...settingsRoutes(settings, statusFaults, accounts)],
    // Token numbering deliberately survives reset: a hub deduplicating on message_token must
    // not see a token from before the reset again.
    onReset: () => {
      progress.cancelAll();
      dispatcher.cancelRetries();
      users.reset();
      sent.reset();
      log.clear();
      accounts.reset();
      rate.reset();
      statusFaults.clear();
      settings.reset();
    },
    handler: createViberApiHandler({ accounts, messaging, accountService, rate, statusFaults, settings: settings.current }),
  });

  return {
    host: o.host,
    port: o.port,
    server,
    admin: server.admin,
    users: usersDriver,
    callbacks,
    sent: sentApi,
    settings: { get: settings.get, set: settings.set },
    statusFaults,
    accounts: () => accountViews(accounts),
    shutdown: () => {
      progress.cancelAll();
      dispatcher.cancelRetries();
      client.close();
    },
  };
}

/**
 * Starts the Viber mock (127.0.0.1, a free port, unless told otherwise).
 *
 * ```ts
 * const viber = await startViberMock();
 * // the hub calls `${viber.url}/set_webhook` etc. with header X-Viber-Auth-Token: viber.authToken
 * const citizen = viber.users.add({ name: 'Олена', behaviour: 'reads' });
 * await viber.users.open(citizen.id, 'link-token-123');
 * await viber.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid
 */
export async function startViberMock(options: ViberMockOptions = {}): Promise<RunningViberMock> {
  const mock = createViberMock(options);
  const running = await mock.server.start({ port: mock.port, host: mock.host });
  return {
    url: `${running.url}/pa`,
    baseUrl: running.url,
    port: running.port,
    authToken: mock.accounts()[0].authToken,
    admin: mock.admin,
    users: mock.users,
    callbacks: mock.callbacks,
    sent: mock.sent,
    settings: mock.settings,
    statusFaults: mock.statusFaults,
    accounts: mock.accounts,
    close: async () => {
      mock.shutdown();
      await running.close();
    },
  };
}
