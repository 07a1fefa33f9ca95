/**
 * A signal that aborts once every one of `signals` has aborted: a batch send stops only when
 * no caller waits for it any more, since each caller has its own deadline.
 * @returns the signal and `dispose`, which removes the listeners once the send is over
 */
export function whenAllAborted(signals: readonly AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let left = signals.filter((s) => !s.aborted).length;
  const onAbort = () => {
    left -= 1;
    if (left === 0) controller.abort();
  };
  if (left === 0) controller.abort();
  const listening = signals.filter((s) => !s.aborted);
  for (const s of listening) s.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose: () => listening.forEach((s) => s.removeEventListener('abort', onAbort)) };
}
