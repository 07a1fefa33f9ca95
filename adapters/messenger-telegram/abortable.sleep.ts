import { TransientError } from '../../contracts';

/** `timeout` or `aborted`, for messages: the reason object itself may say anything. */
export function abortReason(signal: AbortSignal): string {
  return (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError' ? 'timed out' : 'aborted';
}

/**
 * Waits `ms`, or rejects with a TransientError as soon as the signal aborts: the hub's call
 * timeout must end a wait as it ends a request.
 * @param what what was being waited for, for the message
 */
export function abortableSleep(ms: number, signal: AbortSignal, what: string): Promise<void> {
  if (signal.aborted) return Promise.reject(new TransientError(`${what}: ${abortReason(signal)}`));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new TransientError(`${what}: ${abortReason(signal)}`));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
