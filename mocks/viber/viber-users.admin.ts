import { MockAdminError, type AdminContext, type AdminRoute } from '../_kit';
import type { AccountRepository } from './viber-accounts.repository';
import type { CallbackRecord } from './viber-callback.dispatcher';
import type { CallbackDispatcher, CallbackOutcome } from './viber-callback.dispatcher';
import { conversationStartedEvent, messageEvent, subscribedEvent, unsubscribedEvent } from './viber-events.factory';
import type { MessageTokenSequence } from './viber-id.generator';
import { isJsonObject, parseRequestJson } from './viber-json.codec';
import type { MessagingService } from './viber-messaging.service';
import type { SentRepository } from './viber-sent.repository';
import { MAX_TEXT, MAX_TRACKING_DATA } from './viber-status.constants';
import { USER_BEHAVIOURS, type UserBehaviour, type ViberUser } from './viber-domain.types';
import type { UserRepository } from './viber-users.repository';
import { sentView, userView, type SentMessageView, type UserView } from './viber-views.mapper';

/** A user to create (`users.add`, `POST /__admin/users`). */
export interface AddUserInput {
  /** Default: a fresh base64 id like `jc9HsWTZ2Yf2NkRZ8KcNug==`. */
  id?: string;
  name?: string;
  avatar?: string;
  /** Default `uk`. */
  language?: string;
  /** Default `UA`. */
  country?: string;
  /** Default `delivers`. */
  behaviour?: UserBehaviour;
  /** Default 10; `min_api_version` above it gets status 13. */
  apiVersion?: number;
  /** Default true. */
  subscribed?: boolean;
  /** Default false (`get_online` says offline). */
  online?: boolean;
}

/** Changes to a user (`users.update`, `PATCH /__admin/users/:id`). */
export type UpdateUserInput = Omit<AddUserInput, 'id'>;

/** Which bot a driven event goes to: its name or auth token; default the first bot. */
export interface DriveOptions {
  account?: string;
}

/** What a driven event did. */
export interface DrivenEvent {
  user: UserView;
  /** The callback as logged once its attempts were over; null when no webhook is set or the event is filtered out. */
  callback: CallbackRecord | null;
}

/** What `users.open` did, including the welcome message the webhook answered with, if any. */
export interface OpenResult extends DrivenEvent {
  welcome: SentMessageView | null;
}

/** Collaborators of the {@link ViberUsersDriver}. */
export interface UsersDriverDeps {
  users: UserRepository;
  accounts: AccountRepository;
  sent: SentRepository;
  messaging: MessagingService;
  dispatcher: CallbackDispatcher;
  tokens: MessageTokenSequence;
  clock: () => number;
}

const ADD_KEYS = ['id', 'name', 'avatar', 'language', 'country', 'behaviour', 'apiVersion', 'subscribed', 'online'];

/**
 * Simulated Viber users: create them, and make them act (open the chat through a deep link,
 * write, subscribe, unsubscribe). Every action POSTs the matching callback to the bot's webhook
 * and resolves once its attempts are over.
 */
export class ViberUsersDriver {
  /** @param deps state, dispatcher and messaging */
  constructor(private readonly deps: UsersDriverDeps) {}

  /**
   * Creates a subscribed user (no callback: it is an existing subscriber).
   * @throws MockAdminError 400 bad input, 409 id taken
   */
  add(input: AddUserInput = {}): UserView {
    const clean = checkUserInput(input, ADD_KEYS);
    if (clean.id !== undefined && this.deps.users.has(clean.id)) throw new MockAdminError(409, `user ${clean.id} already exists`);
    return userView(this.deps.users.put(clean));
  }

  /** @throws MockAdminError(404) for an unknown id */
  get(id: string): UserView {
    return userView(this.find(id));
  }

  /** Every user. */
  list(): UserView[] {
    return this.deps.users.list().map(userView);
  }

  /**
   * Changes a user (behaviour, online, apiVersion, ...); `subscribed` changes silently, without callbacks.
   * @throws MockAdminError 404 / 400
   */
  update(id: string, patch: UpdateUserInput): UserView {
    const user = this.find(id);
    const clean = checkUserInput(
      patch,
      ADD_KEYS.filter((k) => k !== 'id'),
    );
    Object.assign(user, clean);
    return userView(user);
  }

  /**
   * The user opens the bot's chat, e.g. through a deep link whose `context` carries a one-time
   * token: `conversation_started`. An unknown user is created, not subscribed. A valid message in
   * the webhook's HTTP answer is recorded as the welcome message sent to the user.
   * @throws MockAdminError(400) for a bad context or account
   */
  async open(id: string, context = '', options: DriveOptions & { name?: string } = {}): Promise<OpenResult> {
    if (typeof context !== 'string' || context.length > 2048) throw new MockAdminError(400, 'context must be a string of at most 2048 characters');
    const account = this.deps.accounts.pick(options.account);
    const user = this.findOrCreate(id, false, options.name);
    const payload = conversationStartedEvent(user, this.deps.tokens.take(), this.deps.clock(), context, account.webhook);
    const outcome = await this.deps.dispatcher.emit(account, payload, { userId: user.id });
    let welcome: SentMessageView | null = null;
    if (outcome?.record.delivered && outcome.reply && outcome.reply.body.trim() !== '') {
      const parsed = parseRequestJson(outcome.reply.body);
      const sent = parsed.ok ? this.deps.messaging.recordWelcome(account, user, parsed.value) : null;
      welcome = sent ? sentView(sent) : null;
    }
    return { ...this.result(user, outcome), welcome };
  }

  /**
   * The user writes text to the bot: `message`, carrying the `tracking_data` of the bot's last
   * message to the user. Writing subscribes the user, without a `subscribed` callback (as Viber).
   * @throws MockAdminError(400) for bad text or account
   */
  async write(id: string, text: string, options: DriveOptions & { trackingData?: string; name?: string } = {}): Promise<DrivenEvent> {
    if (typeof text !== 'string' || text === '' || text.length > MAX_TEXT) throw new MockAdminError(400, `text must be a non-empty string of at most ${MAX_TEXT} characters`);
    if (options.trackingData !== undefined && (typeof options.trackingData !== 'string' || options.trackingData.length > MAX_TRACKING_DATA)) {
      throw new MockAdminError(400, 'trackingData must be a string');
    }
    const account = this.deps.accounts.pick(options.account);
    const user = this.findOrCreate(id, true, options.name);
    user.subscribed = true;
    user.lastOnline = this.deps.clock();
    const payload = messageEvent(user, this.deps.tokens.take(), user.lastOnline, text, options.trackingData ?? user.lastTrackingData, account.webhook);
    return this.result(user, await this.deps.dispatcher.emit(account, payload, { userId: user.id }));
  }

  /**
   * The user subscribes (taps "subscribe" in the chat): `subscribed` with the user object. An
   * unknown user is created.
   * @throws MockAdminError(409) when already subscribed
   */
  async subscribe(id: string, options: DriveOptions = {}): Promise<DrivenEvent> {
    const account = this.deps.accounts.pick(options.account);
    const existing = this.deps.users.get(id);
    if (existing?.subscribed) throw new MockAdminError(409, `user ${id} is already subscribed`);
    const user = existing ?? this.findOrCreate(id, true);
    user.subscribed = true;
    const payload = subscribedEvent(user, this.deps.tokens.take(), this.deps.clock(), account.webhook);
    return this.result(user, await this.deps.dispatcher.emit(account, payload, { userId: user.id }));
  }

  /**
   * The user unsubscribes: `unsubscribed`; later sends to them get status 6.
   * @throws MockAdminError 404 unknown user, 409 not subscribed
   */
  async unsubscribe(id: string, options: DriveOptions = {}): Promise<DrivenEvent> {
    const account = this.deps.accounts.pick(options.account);
    const user = this.find(id);
    if (!user.subscribed) throw new MockAdminError(409, `user ${id} is not subscribed`);
    user.subscribed = false;
    const payload = unsubscribedEvent(user.id, this.deps.tokens.take(), this.deps.clock());
    return this.result(user, await this.deps.dispatcher.emit(account, payload, { userId: user.id }));
  }

  /**
   * What the bots sent to the user, oldest first (welcome messages included).
   * @throws MockAdminError(404) for an unknown user
   */
  messages(id: string): SentMessageView[] {
    this.find(id);
    return this.deps.sent.forUser(id).map(sentView);
  }

  /** The `/__admin/users...` endpoints. */
  routes(): AdminRoute[] {
    const body = (ctx: AdminContext) => {
      const b = ctx.json();
      if (!isJsonObject(b)) throw new MockAdminError(400, 'body must be a JSON object');
      return b;
    };
    const only = (b: Record<string, unknown>, keys: string[]) => {
      for (const k of Object.keys(b)) if (!keys.includes(k)) throw new MockAdminError(400, `unknown field ${k} (${keys.join(', ')})`);
      for (const k of ['account', 'name', 'trackingData']) if (b[k] !== undefined && typeof b[k] !== 'string') throw new MockAdminError(400, `${k} must be a string`);
      return b as Record<string, string | undefined>;
    };
    return [
      { method: 'GET', path: '/__admin/users', handle: () => ({ body: { users: this.list() } }) },
      { method: 'POST', path: '/__admin/users', handle: (ctx) => ({ status: 201, body: this.add(body(ctx) as AddUserInput) }) },
      { method: 'GET', path: '/__admin/users/:id', handle: (ctx) => ({ body: this.get(ctx.params.id) }) },
      { method: 'PATCH', path: '/__admin/users/:id', handle: (ctx) => ({ body: this.update(ctx.params.id, body(ctx) as UpdateUserInput) }) },
      {
        method: 'POST',
        path: '/__admin/users/:id/open',
        handle: async (ctx) => {
          const b = only(body(ctx), ['context', 'account', 'name']);
          return { body: await this.open(ctx.params.id, b.context ?? '', { account: b.account, name: b.name }) };
        },
      },
      {
        method: 'POST',
        path: '/__admin/users/:id/messages',
        handle: async (ctx) => {
          const b = only(body(ctx), ['text', 'account', 'trackingData', 'name']);
          return { body: await this.write(ctx.params.id, b.text as string, { account: b.account, trackingData: b.trackingData, name: b.name }) };
        },
      },
      { method: 'GET', path: '/__admin/users/:id/messages', handle: (ctx) => ({ body: { messages: this.messages(ctx.params.id) } }) },
      {
        method: 'POST',
        path: '/__admin/users/:id/subscribe',
        handle: async (ctx) => ({ body: await this.subscribe(ctx.params.id, { account: only(body(ctx), ['account']).account }) }),
      },
      {
        method: 'POST',
        path: '/__admin/users/:id/unsubscribe',
        handle: async (ctx) => ({ body: await this.unsubscribe(ctx.params.id, { account: only(body(ctx), ['account']).account }) }),
      },
    ];
  }

  private find(id: string): ViberUser {
    const user = typeof id === 'string' ? this.deps.users.get(id) : undefined;
    if (!user) throw new MockAdminError(404, `no user ${String(id)}`);
    return user;
  }

  private findOrCreate(id: string, subscribed: boolean, name?: string): ViberUser {
    if (typeof id !== 'string' || id === '' || id.length > 128) throw new MockAdminError(400, 'user id must be a non-empty string of at most 128 characters');
    if (name !== undefined && (typeof name !== 'string' || name === '' || name.length > 100)) throw new MockAdminError(400, 'name must be a non-empty string');
    return this.deps.users.get(id) ?? this.deps.users.put({ id, name, subscribed });
  }

  private result(user: ViberUser, outcome: CallbackOutcome | null): DrivenEvent {
    return { user: userView(user), callback: outcome ? { ...outcome.record, attempts: outcome.record.attempts.map((a) => ({ ...a })) } : null };
  }
}

/** Validates user fields; returns only the given ones. @throws MockAdminError(400) */
function checkUserInput(input: unknown, allowed: string[]): AddUserInput {
  if (!isJsonObject(input)) throw new MockAdminError(400, 'user must be an object');
  const problems: string[] = [];
  for (const k of Object.keys(input)) if (!allowed.includes(k)) problems.push(`unknown field ${k}`);
  const s = (k: string, max: number) => {
    if (input[k] !== undefined && !(typeof input[k] === 'string' && input[k] !== '' && (input[k] as string).length <= max))
      problems.push(`${k} must be a non-empty string of at most ${max} characters`);
  };
  s('id', 128);
  s('name', 100);
  s('avatar', 2000);
  s('language', 16);
  s('country', 8);
  if (input.behaviour !== undefined && !USER_BEHAVIOURS.includes(input.behaviour as UserBehaviour)) problems.push(`behaviour must be one of ${USER_BEHAVIOURS.join(', ')}`);
  if (input.apiVersion !== undefined && !(Number.isInteger(input.apiVersion) && (input.apiVersion as number) >= 1 && (input.apiVersion as number) <= 100)) {
    problems.push('apiVersion must be an integer from 1 to 100');
  }
  for (const k of ['subscribed', 'online']) if (input[k] !== undefined && typeof input[k] !== 'boolean') problems.push(`${k} must be a boolean`);
  if (problems.length > 0) throw new MockAdminError(400, `invalid user: ${problems.join('; ')}`, { problems });
  const out: Record<string, unknown> = {};
  for (const k of allowed) if (input[k] !== undefined) out[k] = input[k];
  return out as AddUserInput;
}
