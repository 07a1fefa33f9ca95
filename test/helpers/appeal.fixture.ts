import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { exampleEvent } from '../../contracts';

/**
 * A valid appeal.submitted for `tenant` with a fresh id and the given case reference (the
 * example's subject is dropped, so the case reference is the only key of the case).
 */
export function newAppeal(caseRef: string, tenant = 'demo'): any {
  const ev = exampleEvent('appeal.submitted', { id: randomUUID(), tenant }) as any;
  ev.data.caseRef = caseRef;
  delete ev.subject;
  return ev;
}

/** `n` appeals with case references `<prefix>-0` … `<prefix>-<n-1>`. */
export const newAppeals = (n: number, prefix: string): any[] => Array.from({ length: n }, (_, i) => newAppeal(`${prefix}-${i}`));

/** rabbitmqctl is how this machine restarts its broker; without it (a remote broker) such tests can't run. */
export const canRestartBroker = (() => {
  try {
    execFileSync('rabbitmqctl', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined; // --help exits non-zero but exists
  }
})();
