import { MockAdminError } from '../_kit';
import { newAccountId } from './viber-id.generator';
import type { ViberAccountOptions } from './viber-mock.options';
import type { ViberAccount } from './viber-domain.types';

/** The bots of the mock, by auth token and by name. */
export class AccountRepository {
  private readonly byToken = new Map<string, ViberAccount>();
  private readonly byName = new Map<string, ViberAccount>();
  private readonly ordered: ViberAccount[];

  /** @param accounts validated account options, the first being the default for driven events */
  constructor(accounts: readonly Required<ViberAccountOptions>[]) {
    this.ordered = accounts.map((a) => ({ ...a, id: newAccountId(), webhook: null }));
    for (const a of this.ordered) {
      this.byToken.set(a.authToken, a);
      if (!this.byName.has(a.name)) this.byName.set(a.name, a);
    }
  }

  /** The bot an auth token belongs to. */
  byAuthToken(token: string): ViberAccount | undefined {
    return this.byToken.get(token);
  }

  /** The bot with that name. */
  named(name: string): ViberAccount | undefined {
    return this.byName.get(name);
  }

  /**
   * The bot a driver call targets: by name or auth token, the first one when absent.
   * @throws MockAdminError(400) for an unknown bot
   */
  pick(nameOrToken?: unknown): ViberAccount {
    if (nameOrToken === undefined || nameOrToken === null) return this.ordered[0];
    const found = typeof nameOrToken === 'string' ? (this.byName.get(nameOrToken) ?? this.byToken.get(nameOrToken)) : undefined;
    if (!found) throw new MockAdminError(400, 'account must be the name or auth token of a configured bot');
    return found;
  }

  /** Every bot, in configuration order. */
  list(): ViberAccount[] {
    return [...this.ordered];
  }

  /** Removes every webhook. */
  reset(): void {
    for (const a of this.ordered) a.webhook = null;
  }
}
