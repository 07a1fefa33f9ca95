import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { CaseRepository, type AdminAuditLine } from '../../cases/case.repository';
import { TransactionRunner } from '../../persistence/transaction.runner';
import type { Principal } from '../auth/admin-auth.service';

/** What an admin action records besides who did it. */
export interface AdminActionRecord {
  /** The tenant acted in; `*` for hub-wide actions (a breaker, a token). */
  tenant: string;
  action: string;
  target: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

/** Shortest and longest reason accepted for an action that changes state. */
export const REASON_LIMITS = { min: 3, max: 1000 } as const;

/** The reason of a request, trimmed, or why it is not acceptable. */
export function reasonOf(value: unknown): { ok: true; reason: string } | { ok: false; error: string } {
  if (typeof value !== 'string' || !value.trim()) return { ok: false, error: 'a reason is required for this action' };
  const reason = value.trim();
  if (reason.length < REASON_LIMITS.min || reason.length > REASON_LIMITS.max) return { ok: false, error: `the reason must be ${REASON_LIMITS.min} to ${REASON_LIMITS.max} characters` };
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(reason)) return { ok: false, error: 'the reason must not contain control characters' };
  return { ok: true, reason };
}

/**
 * Every admin action, audited: who, what, on what, when, why, before and after. The lines go
 * into `audit_log`, which is append-only and hash-chained with the journal (the tenant picks the
 * chain), so an admin action is as tamper-evident as the messages it acted on.
 */
@Injectable()
export class AdminAudit {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly cases: CaseRepository,
  ) {}

  /** Records an action in the caller's transaction: the change and its audit line commit together. */
  recordIn(tx: PoolClient, who: Principal, a: AdminActionRecord): Promise<AdminAuditLine> {
    return this.cases.appendAdminAudit(tx, { ...a, actor: who.actor });
  }

  /** Records an action in its own transaction (reads such as a reveal, sign-ins). */
  record(who: Principal | { actor: string }, a: AdminActionRecord): Promise<AdminAuditLine> {
    return this.tx.run((tx) => this.cases.appendAdminAudit(tx, { ...a, actor: who.actor }));
  }

  list(q: Parameters<CaseRepository['adminAudit']>[1]): Promise<AdminAuditLine[]> {
    return this.tx.snapshot((tx) => this.cases.adminAudit(tx, q));
  }
}
