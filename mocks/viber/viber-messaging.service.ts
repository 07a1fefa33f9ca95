import type { MessageTokenSequence } from './viber-id.generator';
import { isJsonObject, type RawJsonValue } from './viber-json.codec';
import { validateMessage, type ValidMessage } from './viber-message.validator';
import type { ViberSettings } from './viber-mock.options';
import type { ProgressScheduler } from './viber-progress.scheduler';
import type { SentRepository } from './viber-sent.repository';
import { CHAT_HOSTNAME, statusMessage, VIBER_STATUS } from './viber-status.constants';
import type { SentMessage, ViberAccount, ViberUser } from './viber-domain.types';
import type { UserRepository } from './viber-users.repository';

/** An API answer before serialization (`message_token` stays BigInt). */
export type ApiAnswer = Record<string, RawJsonValue>;

/** The `{status, status_message}` answer of a failed call. */
export function failure(status: number): ApiAnswer {
  return { status, status_message: statusMessage(status) };
}

/** Collaborators of the {@link MessagingService}. */
export interface MessagingDeps {
  users: UserRepository;
  sent: SentRepository;
  tokens: MessageTokenSequence;
  progress: ProgressScheduler;
  clock: () => number;
  settings: () => ViberSettings;
}

/** `send_message`, and the welcome message a webhook returns. */
export class MessagingService {
  /** @param deps state, token sequence, progress and settings */
  constructor(private readonly deps: MessagingDeps) {}

  /** `POST /pa/send_message`. */
  sendMessage(account: ViberAccount, body: Record<string, unknown>): ApiAnswer {
    if (body.receiver === undefined) return failure(VIBER_STATUS.missingData);
    if (typeof body.receiver !== 'string' || body.receiver === '' || body.receiver.length > 128) return failure(VIBER_STATUS.badData);
    const check = validateMessage(body);
    if (!check.ok) return failure(check.status);
    if (this.deps.settings().webhookRequiredToSend && account.webhook === null) return failure(VIBER_STATUS.webhookNotSet);
    const receiver = this.receiverStatus(body.receiver, check.message);
    if (typeof receiver === 'number') return failure(receiver);
    const token = this.deps.tokens.take();
    this.deliver(account, receiver, check.message, token, 'send_message');
    return { status: 0, status_message: 'ok', message_token: token, chat_hostname: CHAT_HOSTNAME };
  }

  /**
   * Records the message a webhook returned in its answer to `conversation_started` (the
   * welcome message). It reaches unsubscribed users and gets no receipts [ASSUMPTION].
   * @returns the recorded message, or null when the body is not a valid message
   */
  recordWelcome(account: ViberAccount, user: ViberUser, body: unknown): SentMessage | null {
    if (!isJsonObject(body)) return null;
    const check = validateMessage(body);
    if (!check.ok) return null;
    return this.record(account, user, check.message, this.deps.tokens.take(), 'welcome');
  }

  /** The user a message may go to, or the status that refuses it. */
  private receiverStatus(id: string, message: ValidMessage): ViberUser | number {
    let user = this.deps.users.get(id);
    if (!user) {
      if (!this.deps.settings().autoCreateUsers) return VIBER_STATUS.receiverNotRegistered;
      user = this.deps.users.put({ id, subscribed: true });
    }
    if (!user.subscribed) return VIBER_STATUS.receiverNotSubscribed;
    if (user.behaviour === 'no-device') return VIBER_STATUS.receiverNoSuitableDevice;
    if (message.minApiVersion !== null && message.minApiVersion > user.apiVersion) return VIBER_STATUS.apiVersionNotSupported;
    return user;
  }

  private deliver(account: ViberAccount, user: ViberUser, message: ValidMessage, token: bigint, via: SentMessage['via']): void {
    const sent = this.record(account, user, message, token, via);
    // Viber echoes the bot's last tracking_data in the user's next message.
    user.lastTrackingData = message.trackingData ?? '';
    this.deps.progress.schedule(sent);
  }

  private record(account: ViberAccount, user: ViberUser, m: ValidMessage, token: bigint, via: SentMessage['via']): SentMessage {
    return this.deps.sent.add({
      token,
      account: account.name,
      receiver: user.id,
      type: m.type,
      text: m.text,
      trackingData: m.trackingData,
      senderName: m.senderName,
      senderAvatar: m.senderAvatar,
      minApiVersion: m.minApiVersion,
      keyboard: m.keyboard,
      fields: m.fields,
      via,
      time: this.deps.clock(),
      state: 'sent',
      deliveredAt: null,
      seenAt: null,
      failedAt: null,
      failDesc: null,
    });
  }
}
