/**
 * How a failure is handled is decided by its class, not by its message: adapters throw one of
 * these, the hub retries transient failures with backoff and dead-letters permanent ones with
 * the reason. Messages must not contain personal data or secrets: they end up in the journal,
 * in dead-letter headers and in logs.
 */

/** A failure that may go away by itself (timeout, 429, 5xx, connection reset): retry later. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
  /**
   * @param message what failed, without personal data or secrets
   * @param retryAfterMs the earliest sensible retry the remote side asked for (e.g. Retry-After), if any
   */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A failure that will happen again for the same input (validation, auth, 4xx): dead-letter it. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  /** @param message what failed, without personal data or secrets */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The two ways a failed message is handled. */
export type FailureClass = 'transient' | 'permanent';

/**
 * The class of any thrown value. Errors that are neither class are bugs or surprises: they are
 * retried (it may be a passing condition) and, once the retries are used up, dead-lettered with
 * their message, so nothing loops forever and nothing is lost.
 */
export function failureClassOf(err: unknown): FailureClass {
  return err instanceof PermanentError ? 'permanent' : 'transient';
}
