import { MockAdminError } from '../_kit';
import { RECIPIENT_BEHAVIOURS, type RecipientBehaviour } from './twilio-message.model';

/** How one number behaves. */
export interface RecipientRule {
  to: string;
  behaviour: RecipientBehaviour;
  /** The error code used: delivery code for `undelivered` / `failed`, REST code for the create-time refusals; null for the others. */
  errorCode: number | null;
}

/** The code each behaviour reports when none is given. */
export const DEFAULT_BEHAVIOUR_CODES: Readonly<Record<RecipientBehaviour, number | null>> = {
  delivered: null,
  undelivered: 30003,
  failed: 30008,
  unsubscribed: 21610,
  invalid: 21211,
  'not-mobile': 21614,
  silent: null,
};

/** Behaviours that take an error code. */
const WITH_CODE = new Set<RecipientBehaviour>(['undelivered', 'failed', 'unsubscribed', 'invalid', 'not-mobile']);

/** The simulated handsets: a behaviour per number; unknown numbers deliver. */
export class RecipientBook {
  private readonly rules = new Map<string, RecipientRule>();

  /**
   * Sets how a number behaves.
   * @throws MockAdminError(400) on an invalid number, behaviour or error code
   */
  set(to: unknown, behaviour: unknown, errorCode?: unknown): RecipientRule {
    if (typeof to !== 'string' || to.trim() === '' || to.length > 64) throw new MockAdminError(400, 'to must be a non-empty string of at most 64 characters');
    if (typeof behaviour !== 'string' || !(RECIPIENT_BEHAVIOURS as readonly string[]).includes(behaviour)) {
      throw new MockAdminError(400, `behaviour must be one of ${RECIPIENT_BEHAVIOURS.join(', ')}`);
    }
    const b = behaviour as RecipientBehaviour;
    if (errorCode !== undefined && errorCode !== null) {
      if (!WITH_CODE.has(b)) throw new MockAdminError(400, `behaviour ${b} takes no errorCode`);
      if (!Number.isInteger(errorCode) || (errorCode as number) < 10000 || (errorCode as number) > 99999) {
        throw new MockAdminError(400, 'errorCode must be a five-digit integer');
      }
    }
    const rule: RecipientRule = { to, behaviour: b, errorCode: (errorCode as number | null | undefined) ?? DEFAULT_BEHAVIOUR_CODES[b] };
    this.rules.set(to, rule);
    return { ...rule };
  }

  /** The rule for a number (the default `delivered` one when none was set). */
  get(to: string): RecipientRule {
    const rule = this.rules.get(to);
    return rule ? { ...rule } : { to, behaviour: 'delivered', errorCode: null };
  }

  /** Rules set so far. */
  list(): RecipientRule[] {
    return [...this.rules.values()].map((r) => ({ ...r }));
  }

  /** Forgets one number's rule; false when it had none. */
  delete(to: string): boolean {
    return this.rules.delete(to);
  }

  /** Forgets every rule. */
  reset(): void {
    this.rules.clear();
  }
}
