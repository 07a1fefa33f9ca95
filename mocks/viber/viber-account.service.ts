import type { CallbackDispatcher } from './viber-callback.dispatcher';
import { webhookEvent } from './viber-events.factory';
import type { MessageTokenSequence } from './viber-id.generator';
import { toRawJson, type RawJsonValue } from './viber-json.codec';
import { failure, type ApiAnswer } from './viber-messaging.service';
import type { ViberSettings } from './viber-mock.options';
import { CHAT_HOSTNAME, FILTERABLE_EVENTS, MAX_ONLINE_IDS, VIBER_STATUS } from './viber-status.constants';
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

/** `set_webhook`, `get_account_info`, `get_user_details`, `get_online`. */
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

  /** `POST /pa/get_user_details` `{id}`: status 5 for an unknown user. */
  userDetails(body: Record<string, unknown>): ApiAnswer {
    if (body.id === undefined) return failure(VIBER_STATUS.missingData);
    if (typeof body.id !== 'string' || body.id === '') return failure(VIBER_STATUS.badData);
    const user = this.deps.users.get(body.id);
    if (!user) return failure(VIBER_STATUS.receiverNotRegistered);
    return {
      status: 0,
      status_message: 'ok',
      message_token: this.deps.tokens.take(),
      chat_hostname: CHAT_HOSTNAME,
      user: {
        id: user.id,
        name: user.name,
        avatar: user.avatar,
        country: user.country,
        language: user.language,
        primary_device_os: 'Android 14',
        api_version: user.apiVersion,
        viber_version: '24.9.2.0',
        mcc: 255,
        mnc: 1,
        device_type: 'SM-A546B',
      },
    };
  }

  /** `POST /pa/get_online` `{ids}` (1 to 100 ids). */
  online(body: Record<string, unknown>): ApiAnswer {
    const { ids } = body;
    if (ids === undefined) return failure(VIBER_STATUS.missingData);
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_ONLINE_IDS || !ids.every((i) => typeof i === 'string')) {
      return failure(VIBER_STATUS.badData);
    }
    const users: RawJsonValue[] = (ids as string[]).map((id) => {
      const u = this.deps.users.get(id);
      if (!u) return { id, online_status: 4, online_status_message: 'unavailable', last_online: 0 };
      return u.online
        ? { id, online_status: 0, online_status_message: 'online' }
        : { id, online_status: 1, online_status_message: 'offline', last_online: u.lastOnline };
    });
    return { status: 0, status_message: 'ok', users };
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
