import { MockAdminError } from '../_kit';

/**
 * How a phone behaves when messaged:
 * - `delivered` (default): Sent → Delivered (Viber: → Read);
 * - `undelivered` / `rejected` / `expired`: Sent → Undelivered / Rejected / Expired;
 * - `stoplist`: refused at send time with a per-recipient 404 NOT_ALLOWED_NUMBER_STOPLIST;
 * - `no-viber`: has no Viber: a hybrid message goes out as SMS, a Viber-only one ends Undelivered;
 * - `silent`: stays Sent forever (no report ever comes).
 */
export const RECIPIENT_BEHAVIOURS = ['delivered', 'undelivered', 'rejected', 'expired', 'stoplist', 'no-viber', 'silent'] as const;

/** One of {@link RECIPIENT_BEHAVIOURS}. */
export type RecipientBehaviour = (typeof RECIPIENT_BEHAVIOURS)[number];

/** A phone and its configured behaviour. */
export interface RecipientSetting {
  phone: string;
  behaviour: RecipientBehaviour;
}

/** Per-phone behaviours; phones not listed behave as `delivered`. */
export class RecipientsRepository {
  private readonly behaviours = new Map<string, RecipientBehaviour>();

  /** The behaviour of a phone (default `delivered`). */
  get(phone: string): RecipientBehaviour {
    return this.behaviours.get(phone) ?? 'delivered';
  }

  /**
   * Sets how a phone behaves from now on (messages already sent keep their fate).
   * @throws MockAdminError(400) for a phone that is not digits or an unknown behaviour
   */
  set(phone: string, behaviour: RecipientBehaviour): RecipientSetting {
    if (typeof phone !== 'string' || !/^\d{5,15}$/.test(phone)) {
      throw new MockAdminError(400, 'phone must be 5-15 digits without "+", e.g. 380501234567');
    }
    if (!RECIPIENT_BEHAVIOURS.includes(behaviour)) {
      throw new MockAdminError(400, `behaviour must be one of ${RECIPIENT_BEHAVIOURS.join(', ')}`);
    }
    if (behaviour === 'delivered') this.behaviours.delete(phone);
    else this.behaviours.set(phone, behaviour);
    return { phone, behaviour };
  }

  /** Forgets a phone's behaviour (back to `delivered`); false when it had none. */
  delete(phone: string): boolean {
    return this.behaviours.delete(phone);
  }

  /** Phones with a behaviour other than the default. */
  list(): RecipientSetting[] {
    return [...this.behaviours].map(([phone, behaviour]) => ({ phone, behaviour }));
  }

  /** Forgets every behaviour. */
  clear(): void {
    this.behaviours.clear();
  }
}
