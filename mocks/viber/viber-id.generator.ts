import { randomBytes } from 'node:crypto';

/** First `message_token` handed out: above 2^53, so JS Numbers cannot hold it exactly. */
export const FIRST_MESSAGE_TOKEN = 5098034272017990001n;

/**
 * Hands out increasing 64-bit message tokens. They stay BigInt inside the mock and only become
 * decimal strings in admin views.
 */
export class MessageTokenSequence {
  private next: bigint;

  /** @param first the first token (default {@link FIRST_MESSAGE_TOKEN}) */
  constructor(private readonly first: bigint = FIRST_MESSAGE_TOKEN) {
    this.next = first;
  }

  /** The next token. */
  take(): bigint {
    const t = this.next;
    this.next += 1n;
    return t;
  }

  /** Starts again from the first token (on reset). */
  reset(): void {
    this.next = this.first;
  }
}

/**
 * A new Viber user id: base64 of 16 random bytes, like the real `jc9HsWTZ2Yf2NkRZ8KcNug==`. It may
 * contain `+` and `/`, so clients must encode ids they put in URLs, as with the real ones.
 */
export function newViberUserId(): string {
  return randomBytes(16).toString('base64');
}

/** A public account id of `get_account_info`, `pa:` and 19 digits. */
export function newAccountId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 9_000_000_000_000_000_000n;
  return `pa:${(n + 1_000_000_000_000_000_000n).toString()}`;
}
