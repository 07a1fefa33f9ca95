import { MockAdminError } from '../_kit';
import { parseSmtpReply, type SmtpReply, type SmtpReplyInput } from './smtp-reply.codec';

/** A recipient the mock refuses at RCPT TO, until the rule is removed. */
export interface RecipientRule extends SmtpReply {
  /** Lower-cased address (`ivan@example.org`), or a whole domain (`@example.org`). */
  address: string;
  /** How many RCPT TO commands it has refused. */
  applied: number;
}

const MAX_ADDRESS_CHARS = 320;
// No whitespace, control characters or angle brackets: RCPT TO could not carry them anyway.
const ADDRESS = /^[^\s<>\x00-\x1f\x7f]*@[^\s<>@\x00-\x1f\x7f]+$/u;

/** Refusals of individual recipients, looked up in O(1) per RCPT TO (address, then its domain). */
export class RecipientPolicy {
  private readonly rules = new Map<string, RecipientRule>();

  /**
   * Refuses an address (or `@domain`) with the given reply; replaces an earlier rule for it.
   * The reply defaults to `550 5.1.1 User unknown`.
   * @throws MockAdminError(400) on a bad address or reply
   */
  reject(address: string, reply: SmtpReplyInput = {}): RecipientRule {
    const key = normalizeRuleAddress(address);
    const rule: RecipientRule = { address: key, ...parseSmtpReply(reply, 550), applied: 0 };
    this.rules.set(key, rule);
    return { ...rule };
  }

  /** Removes the rule for an address or domain; false when there is none. */
  allow(address: string): boolean {
    return typeof address === 'string' && this.rules.delete(address.trim().toLowerCase());
  }

  /** Every rule, in the order set. */
  list(): RecipientRule[] {
    return [...this.rules.values()].map((r) => ({ ...r }));
  }

  /** Removes every rule. */
  clear(): void {
    this.rules.clear();
  }

  /** The rule refusing this RCPT TO address (exact address first, then its domain), counting the use. */
  match(address: string): RecipientRule | null {
    const lower = address.toLowerCase();
    const at = lower.lastIndexOf('@');
    const rule = this.rules.get(lower) ?? (at === -1 ? undefined : this.rules.get(lower.slice(at)));
    if (rule === undefined) return null;
    rule.applied++;
    return { ...rule };
  }
}

function normalizeRuleAddress(address: unknown): string {
  if (typeof address !== 'string') throw new MockAdminError(400, 'address must be a string like user@example.org or @example.org');
  const a = address.trim().toLowerCase();
  if (a.length === 0 || a.length > MAX_ADDRESS_CHARS || !ADDRESS.test(a)) {
    throw new MockAdminError(400, `address must look like user@example.org or @example.org (at most ${MAX_ADDRESS_CHARS} characters)`);
  }
  return a;
}
