import type { ActiveFault, FaultMatch, MockAdminApi, MockRequest } from '../_kit';

interface Seen {
  faults: ActiveFault[];
  type: string | null;
}

/**
 * Finds the `retryAfterSeconds` of the rate-limit fault that answered a request, so the body can
 * carry `parameters.retry_after` (the kit's ErrorResponder is not told which fault fired). The
 * rate-limit faults in force are noted when the request is classified, which the kit does right
 * before it picks the fault; the applied one is the first of them that matches (the kit's rule).
 */
export class TgFaultRetryResolver {
  private readonly seen = new WeakMap<MockRequest, Seen>();

  /** @param admin the kit's admin API (bound late: it exists only once the server is created) */
  constructor(private readonly admin: () => MockAdminApi) {}

  /** Notes the rate-limit faults in force for a request; cheap when there are none. */
  note(req: MockRequest, type: string | null): void {
    const faults = this.admin().faults();
    if (faults.length === 0) return;
    const rateLimits = faults.filter((f) => f.fault === 'rate-limit');
    if (rateLimits.length > 0) this.seen.set(req, { faults: rateLimits, type });
  }

  /** Seconds of the rate-limit fault applied to the request (1 when unknown). */
  retryAfter(req: MockRequest): number {
    const seen = this.seen.get(req);
    const fault = seen?.faults.find((f) => matches(f.match, req, seen.type));
    return fault?.fault === 'rate-limit' ? (fault.retryAfterSeconds ?? 1) : 1;
  }
}

/** The kit's documented match rule (mocks/README.md, "Faults"). */
function matches(match: FaultMatch | undefined, req: MockRequest, type: string | null): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return type === match || req.url.includes(match) || req.text().includes(match);
  if (match.type !== undefined && type !== match.type) return false;
  if (match.bodyContains !== undefined && !req.text().includes(match.bodyContains)) return false;
  if (match.urlContains !== undefined && !req.url.includes(match.urlContains)) return false;
  if (match.path !== undefined && req.path !== match.path) return false;
  if (match.method !== undefined && req.method.toUpperCase() !== match.method.toUpperCase()) return false;
  return true;
}
