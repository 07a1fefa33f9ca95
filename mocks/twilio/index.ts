/**
 * A stateful, drivable mock of Twilio Programmable Messaging (the 2010 REST API's Messages
 * resource and its status callbacks). The wire contract it implements is in
 * `mocks/twilio/README.md`.
 */
import { createMockServer, FixedWindowLimiter, type MockAdminApi, type MockServer } from '../_kit';
import { CallbackDispatcher } from './twilio-callback.dispatcher';
import { createDriveApis, type TwilioCallbacksApi, type TwilioMessagesApi, type TwilioRecipientsApi } from './twilio-drive.api';
import { twilioAdminRoutes } from './twilio-admin.routes';
import { twilioErrorResponder } from './twilio-error.codec';
import { MessageLifecycle } from './twilio-lifecycle.service';
import { classifyTwilioRequest, createMessagesHandler } from './twilio-messages.handler';
import { MessagesService } from './twilio-messages.service';
import { resolveTwilioOptions, type ResolvedTwilioOptions, type TwilioAccount, type TwilioMockOptions } from './twilio-mock.options';
import { RecipientBook } from './twilio-recipients.repository';
import { MessageStore } from './twilio-store.repository';

export { MockAdminError } from '../_kit';
export type { CallbackAttempt } from './twilio-callback.dispatcher';
export type { TwilioCallbacksApi, TwilioMessagesApi, TwilioRecipientsApi } from './twilio-drive.api';
export type { TwilioErrorBody } from './twilio-error.codec';
export { MESSAGE_STATUSES, RECIPIENT_BEHAVIOURS } from './twilio-message.model';
export type { MessageStatus, RecipientBehaviour } from './twilio-message.model';
export type { MessageResource, PhoneMessageView } from './twilio-message.serializer';
export { DEFAULT_ACCOUNT } from './twilio-mock.options';
export type { AutoProgressOptions, TwilioAccount, TwilioMockOptions } from './twilio-mock.options';
export { DEFAULT_BEHAVIOUR_CODES } from './twilio-recipients.repository';
export type { RecipientRule } from './twilio-recipients.repository';
export { countSegments } from './twilio-segments.codec';
export { twilioSignature } from './twilio-signature.codec';

/** A created (not yet listening) Twilio mock, for callers that manage the server themselves. */
export interface TwilioMock {
  server: MockServer;
  admin: MockAdminApi;
  messages: TwilioMessagesApi;
  recipients: TwilioRecipientsApi;
  callbacks: TwilioCallbacksApi;
  /** The accounts it accepts. */
  accounts: TwilioAccount[];
  options: ResolvedTwilioOptions;
  /** Stops timers and callback connections (the server is closed separately). */
  dispose(): void;
}

/** A running Twilio mock. */
export interface RunningTwilioMock {
  /** `http://host:port`: clients call `${url}/2010-04-01/Accounts/{AccountSid}/Messages.json`. */
  url: string;
  /** Same as `url` (the admin API is under `${baseUrl}/__admin`). */
  baseUrl: string;
  port: number;
  /** Recording, faults, reset (also at `/__admin/*`). */
  admin: MockAdminApi;
  /** What the phones received; operator status changes. */
  messages: TwilioMessagesApi;
  /** Per-number behaviours. */
  recipients: TwilioRecipientsApi;
  /** The status-callback attempts. */
  callbacks: TwilioCallbacksApi;
  /** The accounts it accepts (default one: {@link DEFAULT_ACCOUNT}). */
  accounts: TwilioAccount[];
  close(): Promise<void>;
}

/**
 * Builds the mock without starting it.
 * @throws MockAdminError(400) when an option is invalid
 */
export function createTwilioMock(options: TwilioMockOptions = {}): TwilioMock {
  const o = resolveTwilioOptions(options);
  const tokens = new Map(o.accounts.map((a) => [a.sid, a.authToken]));
  const store = new MessageStore();
  const recipients = new RecipientBook();
  const limiter = new FixedWindowLimiter(o.clock);
  const dispatcher = new CallbackDispatcher({
    retries: o.callbackRetries,
    retryDelayMs: o.callbackRetryDelayMs,
    timeoutMs: o.callbackTimeoutMs,
    logLimit: o.callbackLogLimit,
  });
  const lifecycle = new MessageLifecycle({
    store,
    dispatcher,
    tokens,
    autoProgress: o.autoProgress,
    outOfOrderCallbacks: o.outOfOrderCallbacks,
    serviceSender: o.serviceSender,
    clock: o.clock,
  });
  const service = new MessagesService({ store, recipients, lifecycle, messagingServices: o.messagingServices, clock: o.clock });
  const apis = createDriveApis({ store, recipients, lifecycle, dispatcher });

  const server = createMockServer({
    name: 'twilio',
    maxBodyBytes: o.maxBodyBytes,
    recorder: o.recorder,
    clock: o.clock,
    classify: classifyTwilioRequest,
    errorResponse: twilioErrorResponder,
    adminRoutes: twilioAdminRoutes(apis),
    onReset: () => {
      lifecycle.reset();
      dispatcher.reset();
      store.reset();
      recipients.reset();
      limiter.reset();
    },
    handler: createMessagesHandler({ service, tokens, limiter, ratePerSecond: o.ratePerSecond }),
  });
  return {
    server,
    admin: server.admin,
    ...apis,
    accounts: o.accounts.map((a) => ({ ...a })),
    options: o,
    dispose: () => {
      lifecycle.reset();
      dispatcher.close();
    },
  };
}

/**
 * Starts the Twilio mock (on 127.0.0.1 and a free port unless told otherwise).
 *
 * ```ts
 * const tw = await startTwilioMock({ autoProgress: { sentAfterMs: 5, deliveredAfterMs: 10 } });
 * // POST `${tw.url}/2010-04-01/Accounts/${tw.accounts[0].sid}/Messages.json`, Basic sid:authToken
 * tw.recipients.set('+380501112233', 'undelivered');
 * tw.messages.setStatus(sid, 'delivered');
 * await tw.close();
 * ```
 * @throws MockAdminError(400) when an option is invalid
 */
export async function startTwilioMock(options: TwilioMockOptions = {}): Promise<RunningTwilioMock> {
  const mock = createTwilioMock(options);
  const running = await mock.server.start({ port: mock.options.port, host: mock.options.host });
  return {
    url: running.url,
    baseUrl: running.url,
    port: running.port,
    admin: mock.admin,
    messages: mock.messages,
    recipients: mock.recipients,
    callbacks: mock.callbacks,
    accounts: mock.accounts,
    close: async () => {
      mock.dispose();
      await running.close();
    },
  };
}
