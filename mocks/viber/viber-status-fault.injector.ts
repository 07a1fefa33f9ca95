import { MockAdminError } from '../_kit';
import { isJsonObject } from './viber-json.codec';
import { isErrorStatus, statusMessage, VIBER_METHODS } from './viber-status.constants';

/** A protocol-level fault: the next matching API calls answer HTTP 200 with this `status`. */
export interface StatusFaultSpec {
  /** A §9.3 code from 1 to 20, e.g. 7 publicAccountBlocked, 12 tooManyRequests, 18 messageRateExceeded. */
  status: number;
  /** Only this method (`send_message`, ...); default every method. */
  method?: string;
  /** How many calls (default: until removed). */
  count?: number;
}

/** An active status fault. */
export interface ActiveStatusFault {
  id: string;
  status: number;
  statusMessage: string;
  method: string | null;
  /** Calls left; null for unlimited. */
  remaining: number | null;
}

/**
 * Status faults, checked in the order added; the first match answers. They complement the kit's
 * HTTP-level faults, which model an outage in front of the API rather than an API refusal.
 */
export class StatusFaultInjector {
  private faults: ActiveStatusFault[] = [];
  private nextId = 1;

  /**
   * Adds one fault or several.
   * @throws MockAdminError(400) for an invalid spec
   */
  add(spec: StatusFaultSpec | readonly StatusFaultSpec[]): ActiveStatusFault[] {
    const specs = Array.isArray(spec) ? spec : [spec];
    const added = specs.map((s, i) => this.check(s, specs.length > 1 ? `[${i}] ` : ''));
    this.faults.push(...added);
    return added.map((f) => ({ ...f }));
  }

  /** The status to force on a call of `method`, using one of the fault's count; null for none. */
  take(method: string): number | null {
    if (this.faults.length === 0) return null;
    const f = this.faults.find((x) => x.method === null || x.method === method);
    if (!f) return null;
    if (f.remaining !== null && --f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f.status;
  }

  /** Active faults in order. */
  list(): ActiveStatusFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes one fault; false when unknown. */
  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  /** Removes every fault. */
  clear(): void {
    this.faults = [];
  }

  private check(s: unknown, at: string): ActiveStatusFault {
    if (!isJsonObject(s)) throw new MockAdminError(400, `${at}a status fault must be an object`);
    for (const k of Object.keys(s)) if (!['status', 'method', 'count'].includes(k)) throw new MockAdminError(400, `${at}unknown field ${k} (status, method, count)`);
    if (!isErrorStatus(s.status)) throw new MockAdminError(400, `${at}status must be an integer from 1 to 20`);
    if (s.method !== undefined && !(VIBER_METHODS as readonly unknown[]).includes(s.method)) {
      throw new MockAdminError(400, `${at}method must be one of ${VIBER_METHODS.join(', ')}`);
    }
    if (s.count !== undefined && !(Number.isInteger(s.count) && (s.count as number) >= 1)) throw new MockAdminError(400, `${at}count must be a positive integer`);
    return {
      id: `sf-${this.nextId++}`,
      status: s.status,
      statusMessage: statusMessage(s.status),
      method: (s.method as string | undefined) ?? null,
      remaining: (s.count as number | undefined) ?? null,
    };
  }
}
