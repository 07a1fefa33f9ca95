import { newViberUserId } from './viber-id.generator';
import type { UserBehaviour, ViberUser } from './viber-domain.types';

/** What is needed to create a user; the rest is defaulted. */
export interface NewUser {
  id?: string;
  name?: string;
  avatar?: string;
  language?: string;
  country?: string;
  apiVersion?: number;
  behaviour?: UserBehaviour;
  subscribed?: boolean;
  online?: boolean;
}

/** Default `api_version` of a simulated user (a current Viber client). */
export const DEFAULT_USER_API_VERSION = 10;

/** Users by id: every lookup is one Map access. */
export class UserRepository {
  private readonly users = new Map<string, ViberUser>();

  /** @param clock ms since the epoch */
  constructor(private readonly clock: () => number) {}

  /** Creates (or replaces) a user. */
  put(input: NewUser): ViberUser {
    const id = input.id ?? this.freshId();
    const now = this.clock();
    const user: ViberUser = {
      id,
      name: input.name ?? `Viber User ${this.users.size + 1}`,
      avatar: input.avatar ?? `https://media-direct.cdn.viber.com/download_photo?dlid=${encodeURIComponent(id)}&fltp=jpg&imsz=0000`,
      language: input.language ?? 'uk',
      country: input.country ?? 'UA',
      apiVersion: input.apiVersion ?? DEFAULT_USER_API_VERSION,
      behaviour: input.behaviour ?? 'delivers',
      subscribed: input.subscribed ?? true,
      online: input.online ?? false,
      lastOnline: now,
      lastTrackingData: '',
      createdAt: now,
    };
    this.users.set(id, user);
    return user;
  }

  /** The user, or undefined. */
  get(id: string): ViberUser | undefined {
    return this.users.get(id);
  }

  /** True when the id is taken. */
  has(id: string): boolean {
    return this.users.has(id);
  }

  /** Every user, in creation order. */
  list(): ViberUser[] {
    return [...this.users.values()];
  }

  /** How many users are subscribed (`get_account_info.subscribers_count`). */
  subscribedCount(): number {
    let n = 0;
    for (const u of this.users.values()) if (u.subscribed) n++;
    return n;
  }

  /** Forgets everyone. */
  reset(): void {
    this.users.clear();
  }

  private freshId(): string {
    let id = newViberUserId();
    while (this.users.has(id)) id = newViberUserId();
    return id;
  }
}
