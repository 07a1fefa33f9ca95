import { MockAdminError } from '../_kit';
import { parseSmtpReply, type SmtpReply } from './smtp-reply.codec';

/** Where in an SMTP session a scheduled fault answers. */
export type SmtpStage = 'connect' | 'auth' | 'mail' | 'rcpt' | 'data';

/** The stages, in session order. */
export const SMTP_STAGES: readonly SmtpStage[] = ['connect', 'auth', 'mail', 'rcpt', 'data'];

/** A fault as posted: `{ stage: 'data', code: 451, message: '4.3.0 Try later', count: 2 }`. */
export interface SmtpFaultSpec {
  stage: SmtpStage;
  /** 400-599. */
  code: number;
  /** Default: the usual one for `code`, or the one `message` starts with. */
  enhancedCode?: string;
  message?: string;
  /** Answer this many times, then disappear; without it the fault stays until removed. */
  count?: number;
}

/** A scheduled fault. */
export interface ActiveSmtpFault {
  id: string;
  stage: SmtpStage;
  code: number;
  enhancedCode: string;
  message: string;
  /** Uses left; null = until removed. */
  remaining: number | null;
  /** How many times it has answered. */
  applied: number;
  createdAt: string;
}

const ALLOWED_KEYS = new Set(['stage', 'code', 'enhancedCode', 'message', 'count']);
const MAX_COUNT = 1_000_000_000;

/**
 * Scheduled SMTP-level faults. Per stage they are used in the order posted: the first one with
 * uses left answers, and one use is spent per connection (`connect`), AUTH command (`auth`),
 * transaction (`mail`, `data`) or RCPT TO command (`rcpt`).
 */
export class SmtpFaultScheduler {
  private readonly byStage = new Map<SmtpStage, ActiveSmtpFault[]>(SMTP_STAGES.map((s) => [s, []]));
  private seq = 0;

  /** @param clock milliseconds since the epoch, for `createdAt` */
  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * Schedules one or more faults (all or none).
   * @throws MockAdminError(400) listing every problem
   */
  add(input: SmtpFaultSpec | readonly SmtpFaultSpec[]): ActiveSmtpFault[] {
    const specs = Array.isArray(input) ? input : [input as SmtpFaultSpec];
    if (specs.length === 0) throw new MockAdminError(400, 'no fault given');
    const problems: string[] = [];
    const parsed: { stage: SmtpStage; reply: SmtpReply; count: number | null }[] = [];
    specs.forEach((spec, i) => {
      const at = specs.length > 1 ? `faults[${i}]: ` : '';
      try {
        parsed.push(parseSpec(spec));
      } catch (err) {
        problems.push(...problemsOf(err).map((m) => at + m));
      }
    });
    if (problems.length > 0) throw new MockAdminError(400, `invalid SMTP fault: ${problems.join('; ')}`, { problems });
    const createdAt = new Date(this.clock()).toISOString();
    return parsed.map(({ stage, reply, count }) => {
      const fault: ActiveSmtpFault = { id: `smtp-fault-${++this.seq}`, stage, ...reply, remaining: count, applied: 0, createdAt };
      this.queue(stage).push(fault);
      return { ...fault };
    });
  }

  /** Scheduled faults in the order posted. */
  list(): ActiveSmtpFault[] {
    const all: ActiveSmtpFault[] = [];
    for (const q of this.byStage.values()) all.push(...q);
    return all.sort((a, b) => seqOf(a) - seqOf(b)).map((f) => ({ ...f }));
  }

  /** Removes one fault; false when the id is unknown. */
  remove(id: string): boolean {
    for (const q of this.byStage.values()) {
      const i = q.findIndex((f) => f.id === id);
      if (i !== -1) {
        q.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Removes every fault. */
  clear(): void {
    for (const q of this.byStage.values()) q.length = 0;
  }

  /** Spends one use of the first fault of the stage and returns it; null when none is scheduled. */
  take(stage: SmtpStage): ActiveSmtpFault | null {
    const q = this.queue(stage);
    const fault = q[0];
    if (fault === undefined) return null;
    fault.applied++;
    if (fault.remaining !== null && --fault.remaining <= 0) q.shift();
    return { ...fault };
  }

  private queue(stage: SmtpStage): ActiveSmtpFault[] {
    return this.byStage.get(stage) as ActiveSmtpFault[];
  }
}

function problemsOf(err: unknown): string[] {
  const listed = err instanceof MockAdminError ? (err.details as { problems?: unknown } | undefined)?.problems : undefined;
  return Array.isArray(listed) ? (listed as string[]) : [(err as Error)?.message ?? String(err)];
}

function seqOf(f: ActiveSmtpFault): number {
  return Number(f.id.slice(f.id.lastIndexOf('-') + 1));
}

function parseSpec(spec: SmtpFaultSpec): { stage: SmtpStage; reply: SmtpReply; count: number | null } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new MockAdminError(400, 'a fault must be a JSON object');
  const problems: string[] = [];
  const unknown = Object.keys(spec).filter((k) => !ALLOWED_KEYS.has(k));
  if (unknown.length > 0) problems.push(`unknown field(s) ${unknown.join(', ')} (allowed: ${[...ALLOWED_KEYS].join(', ')})`);
  if (!SMTP_STAGES.includes(spec.stage)) problems.push(`stage must be one of ${SMTP_STAGES.join(', ')}`);
  if (spec.code === undefined) problems.push('code is required');
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count >= 1 && spec.count <= MAX_COUNT)) {
    problems.push('count must be a positive integer');
  }
  let reply: SmtpReply | null = null;
  if (spec.code !== undefined) {
    try {
      reply = parseSmtpReply({ code: spec.code, enhancedCode: spec.enhancedCode, message: spec.message });
    } catch (err) {
      problems.push(...problemsOf(err));
    }
  }
  if (problems.length > 0 || reply === null) throw new MockAdminError(400, problems.join('; '), { problems });
  return { stage: spec.stage, reply, count: spec.count ?? null };
}
