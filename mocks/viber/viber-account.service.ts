import type { CallbackDispatcher } from './viber-callback.dispatcher';
import { webhookEvent } from './viber-events.factory';
import type { MessageTokenSequence } from './viber-id.generator';
import { toRawJson } from './viber-json.codec';
import { failure, type ApiAnswer } from './viber-messaging.service';
import type { ViberSettings } from './viber-mock.options';
import { CHAT_HOSTNAME, FILTERABLE_EVENTS, VIBER_STATUS } from './viber-status.constants';
import type { ViberAccount } from './viber-domain.types';
import type { UserRepository } from './viber-users.repository';

/** Collaborators of the {@link AccountService}. */
export interface AccountServiceDeps {
  users: UserRepository;
  tokens: MessageTokenSequence;
  dispatcher: CallbackDispatcher;
  clock: () => number;
  settings: () => ViberSettings;
}

/** `set_webhook` and `get_account_info`. */
export class AccountService {
  /** @param deps state, tokens, dispatcher and settings */
  constructor(private readonly deps: AccountServiceDeps) {}

  /**
   * `POST /pa/set_webhook`. Before answering, POSTs the signed `webhook` verification callback to
   * the URL; anything but HTTP 200 is status 1 invalidUrl and leaves the old webhook in place.
   * An empty `url` removes the webhook.
   */
  async setWebhook(account: ViberAccount, body: Record<string, unknown>): Promise<ApiAnswer> {
    const { url } = body;
    if (url === undefined) return failure(VIBER_STATUS.missingData);
    if (typeof url !== 'string') return failure(VIBER_STATUS.badData);
    if (url === '') {
      account.webhook = null;
      return { status: 0, status_message: 'ok' };
    }
    let eventTypes = [...FILTERABLE_EVENTS];
    if (body.event_types !== undefined && body.event_types !== null) {
      if (!Array.isArray(body.event_types) || !body.event_types.every((e) => typeof e === 'string' && FILTERABLE_EVENTS.includes(e))) {
        return failure(VIBER_STATUS.badData);
      }
      eventTypes = [...new Set(body.event_types as string[])];
    }
    for (const k of ['send_name', 'send_photo']) if (body[k] !== undefined && typeof body[k] !== 'boolean') return failure(VIBER_STATUS.badData);
    if (!this.acceptableUrl(url)) return failure(VIBER_STATUS.invalidUrl);

    const payload = webhookEvent(this.deps.tokens.take(), this.deps.clock());
    const { reply } = await this.deps.dispatcher.post(account, url, toRawJson(payload), {
      event: 'webhook',
      messageToken: payload.message_token.toString(),
      userId: null,
      retries: 0,
      redeliveryOf: null,
    });
    if (reply?.status !== 200) return failure(VIBER_STATUS.invalidUrl);
    account.webhook = {
      url,
      eventTypes,
      sendName: body.send_name === true,
      sendPhoto: body.send_photo === true,
      setAt: this.deps.clock(),
    };
    return { status: 0, status_message: 'ok', event_types: eventTypes };
  }

  /** `POST /pa/get_account_info`. */
  accountInfo(account: ViberAccount): ApiAnswer {
    return {
      status: 0,
      status_message: 'ok',
      id: account.id,
      chat_hostname: CHAT_HOSTNAME,
      name: account.name,
      uri: account.uri,
      icon: account.avatar,
      background: 'https://media-direct.cdn.viber.com/pg_download?pgtp=backgrounds&dlid=mock&fltp=jpg&imsz=0000',
      category: 'Government',
      subcategory: 'Public Services',
      location: { lat: 50.4501, lon: 30.5234 },
      country: 'UA',
      webhook: account.webhook?.url,
      event_types: account.webhook ? account.webhook.eventTypes : undefined,
      subscribers_count: this.deps.users.subscribedCount(),
      members: [{ id: 'mockAdminMember0000000==', name: 'Mock Admin', avatar: account.avatar, role: 'admin' }],
    };
  }

  private acceptableUrl(url: string): boolean {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol === 'https:') return true;
    return parsed.protocol === 'http:' && !this.deps.settings().requireHttpsWebhook;
  }
}
