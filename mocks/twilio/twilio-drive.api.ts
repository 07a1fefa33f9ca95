import type { CallbackAttempt, CallbackDispatcher } from './twilio-callback.dispatcher';
import type { MessageLifecycle } from './twilio-lifecycle.service';
import type { MessageStatus, RecipientBehaviour } from './twilio-message.model';
import { toPhoneView, type PhoneMessageView } from './twilio-message.serializer';
import type { RecipientBook, RecipientRule } from './twilio-recipients.repository';
import type { MessageStore } from './twilio-store.repository';

/** What the "phones" received, and the operator's hand on message statuses. */
export interface TwilioMessagesApi {
  /** Messages oldest first, optionally only those sent to one number. */
  list(filter?: { to?: string }): PhoneMessageView[];
  /** One message, or undefined. */
  get(sid: string): PhoneMessageView | undefined;
  /** Number of stored messages. */
  count(): number;
  /**
   * Moves a message to a status and posts its callback (if it has a StatusCallback); the message
   * leaves the automatic progression. `errorCode` only with failed / undelivered (defaults 30008 / 30003).
   * @throws MockAdminError(404) unknown SID, (400) bad status or errorCode
   */
  setStatus(sid: string, status: MessageStatus, errorCode?: number): PhoneMessageView;
  /** Resolves with the first message (now or later) matching the predicate; default timeout 5 s. */
  waitFor(predicate: (m: PhoneMessageView) => boolean, options?: { timeoutMs?: number }): Promise<PhoneMessageView>;
}

/** The simulated handsets. */
export interface TwilioRecipientsApi {
  /**
   * Sets how a number behaves for messages created from now on.
   * @throws MockAdminError(400) on an invalid behaviour or errorCode
   */
  set(to: string, behaviour: RecipientBehaviour, errorCode?: number): RecipientRule;
  /** The rule of a number (default `delivered`). */
  get(to: string): RecipientRule;
  /** Rules set so far. */
  list(): RecipientRule[];
  /** Back to the default; false when none was set. */
  delete(to: string): boolean;
}

/** The status callbacks the mock posted. */
export interface TwilioCallbacksApi {
  /** Every attempt (oldest first, within the log limit), optionally of one message. */
  list(filter?: { sid?: string }): CallbackAttempt[];
  /** Resolves with the first attempt (now or later) matching the predicate; default timeout 5 s. */
  waitFor(predicate?: (a: CallbackAttempt) => boolean, options?: { timeoutMs?: number }): Promise<CallbackAttempt>;
  /** Forgets the log. */
  clear(): void;
}

/** Builds the in-process drive APIs over the mock's state. */
export function createDriveApis(deps: { store: MessageStore; recipients: RecipientBook; lifecycle: MessageLifecycle; dispatcher: CallbackDispatcher }): {
  messages: TwilioMessagesApi;
  recipients: TwilioRecipientsApi;
  callbacks: TwilioCallbacksApi;
} {
  const { store, lifecycle, dispatcher } = deps;
  const messages: TwilioMessagesApi = {
    list: (filter = {}) => store.all(filter.to).map(toPhoneView),
    get: (sid) => {
      const r = store.get(sid);
      return r ? toPhoneView(r) : undefined;
    },
    count: () => store.size,
    setStatus: (sid, status, errorCode) => toPhoneView(lifecycle.setStatus(sid, status, errorCode)),
    waitFor: (predicate, options = {}) => waitForMessage(store, lifecycle, predicate, options.timeoutMs ?? 5000),
  };
  const recipients: TwilioRecipientsApi = {
    set: (to, behaviour, errorCode) => deps.recipients.set(to, behaviour, errorCode),
    get: (to) => deps.recipients.get(to),
    list: () => deps.recipients.list(),
    delete: (to) => deps.recipients.delete(to),
  };
  const callbacks: TwilioCallbacksApi = {
    list: (filter) => dispatcher.list(filter),
    waitFor: (predicate, options) => dispatcher.waitFor(predicate, options),
    clear: () => dispatcher.clearLog(),
  };
  return { messages, recipients, callbacks };
}

function waitForMessage(store: MessageStore, lifecycle: MessageLifecycle, predicate: (m: PhoneMessageView) => boolean, timeoutMs: number): Promise<PhoneMessageView> {
  return lifecycle.changes.waitFor((r) => predicate(toPhoneView(r)), { timeoutMs, existing: () => store.all().find((r) => predicate(toPhoneView(r))) }).then(toPhoneView);
}
