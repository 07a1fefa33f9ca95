import { Injectable } from '@nestjs/common';
import { CASE_KINDS, CASE_REF_MAX_LENGTH, type CaseKind } from '../../../contracts';
import { CASE_COLUMNS, CaseRepository, type AdminCaseRow } from '../../cases/case.repository';
import { DeadlineRepository } from '../../deadlines/deadline.repository';
import { JournalRepository } from '../../persistence/journal.repository';
import { SqlParams, type CaseCondition } from '../../persistence/sql-params.codec';
import { TransactionRunner } from '../../persistence/transaction.runner';
import { AdminDenied } from '../auth/admin.guard';

/** Cases per page of the search: default and most. */
export const SEARCH_PAGE = { default: 50, max: 200 } as const;

/** The filters of a case search, all from the URL query (a view can be shared by its link). */
export interface CaseFilters {
  caseRef?: string;
  kind?: CaseKind;
  status?: string;
  registrationNumber?: string;
  externalId?: string;
  eventId?: string;
  /** SHA-256 hex of a normalised phone or e-mail (pii-mask.mapper.ts, contactHash); never the contact itself. */
  contactHash?: string;
  /** An adapter instance id: a message of the case was routed to it, or a result came from it. */
  adapter?: string;
  dueFrom?: string;
  dueTo?: string;
  overdue?: boolean;
  /** Only terms standing still (true) or running (false). */
  paused?: boolean;
  /** The executor the term is with (case_deadline.addressee; empty: none named), as the dashboard's rows link. */
  addressee?: string;
}

/** The query parameters of the search, in the order the console's links write them. */
export const FILTER_NAMES = ['caseRef', 'kind', 'status', 'registrationNumber', 'externalId', 'eventId', 'contactHash', 'adapter', 'dueFrom', 'dueTo', 'overdue', 'paused', 'addressee'] as const;
/** Paging parameters. */
const PAGING = ['limit', 'cursor'] as const;
/** Parameters that would put a contact in clear into a URL: refused with a pointer to the hash. */
const CLEAR_CONTACT = ['phone', 'email', 'contact'];

const CONTROL = /[\u0000-\u001f\u007f]/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A page position: the last case's (created_at, id). */
export interface SearchCursor {
  at: string;
  id: string;
}

export function encodeSearchCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id]), 'utf8').toString('base64url');
}

export function decodeSearchCursor(s: string): SearchCursor | undefined {
  if (s.length > 200) return undefined;
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [at, id] = v as unknown[];
    if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at)) return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return undefined;
    return { at, id };
  } catch {
    return undefined;
  }
}

/**
 * The search's filters and paging from a URL query, checked: each at most once, one line, bounded;
 * unknown parameters refused (a typo must not silently widen a search), except those `extra`
 * names (the console's `tenant`, `lang`). Empty values count as absent (an HTML form sends them).
 */
export function filtersOf(query: Record<string, unknown>, extra: readonly string[] = []): { filters: CaseFilters; limit: number; after?: SearchCursor } {
  const known = new Set<string>([...FILTER_NAMES, ...PAGING, ...extra]);
  for (const k of Object.keys(query)) {
    if (CLEAR_CONTACT.includes(k))
      throw new AdminDenied(
        400,
        `${k}: contacts never travel in a URL; search by contactHash (SHA-256 hex of the digits of the phone, or of the e-mail in lower case), or POST the contact to /v1/admin/contact-hash`,
      );
    if (!known.has(k)) throw new AdminDenied(400, `unknown query parameter ${k.slice(0, 40)}; the search takes ${[...FILTER_NAMES, ...PAGING].join(', ')}`);
  }
  const text = (k: string, max = 256): string | undefined => {
    const v = query[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new AdminDenied(400, `${k}: give it once, as plain text`);
    const t = v.trim();
    if (!t) return undefined;
    if (t.length > max || CONTROL.test(t)) throw new AdminDenied(400, `${k}: one line of at most ${max} characters`);
    return t;
  };
  const f: CaseFilters = {};
  const set = <K extends keyof CaseFilters>(k: K, v: CaseFilters[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('caseRef', text('caseRef', CASE_REF_MAX_LENGTH));
  const kind = text('kind');
  if (kind !== undefined && !(CASE_KINDS as readonly string[]).includes(kind)) throw new AdminDenied(400, `kind: one of ${CASE_KINDS.join(', ')}`);
  set('kind', kind as CaseKind | undefined);
  set('status', text('status', 64));
  set('registrationNumber', text('registrationNumber', 64));
  set('externalId', text('externalId', 256));
  set('eventId', text('eventId', 256));
  const hash = text('contactHash', 64)?.toLowerCase();
  if (hash !== undefined && !/^[0-9a-f]{64}$/.test(hash)) throw new AdminDenied(400, 'contactHash: 64 hexadecimal digits (SHA-256)');
  set('contactHash', hash);
  set('adapter', text('adapter', 128));
  for (const k of ['dueFrom', 'dueTo'] as const) {
    const d = text(k, 10);
    if (d !== undefined && !DATE.test(d)) throw new AdminDenied(400, `${k}: a date, YYYY-MM-DD`);
    set(k, d);
  }
  // `1`/`0` as the dashboard's links write them, `true`/`false` as the form does.
  for (const k of ['overdue', 'paused'] as const) {
    const v = text(k, 5);
    if (v !== undefined && !['true', 'false', '1', '0'].includes(v)) throw new AdminDenied(400, `${k}: true or false`);
    set(k, v === undefined ? undefined : v === 'true' || v === '1');
  }
  // The dashboard links `addressee=` (empty) for terms with no executor named: empty is a value here.
  const addressee = query.addressee;
  if (addressee !== undefined && (typeof addressee !== 'string' || addressee.length > 256 || CONTROL.test(addressee))) throw new AdminDenied(400, 'addressee: one line of at most 256 characters');
  if (typeof addressee === 'string') f.addressee = addressee.trim();
  const limitText = text('limit', 4);
  const limit = limitText === undefined ? SEARCH_PAGE.default : /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= SEARCH_PAGE.max)) throw new AdminDenied(400, `limit: a whole number from 1 to ${SEARCH_PAGE.max}`);
  const cursorText = text('cursor', 200);
  const after = cursorText === undefined ? undefined : decodeSearchCursor(cursorText);
  if (cursorText !== undefined && !after) throw new AdminDenied(400, 'cursor: pass nextCursor of an earlier page as it was');
  return { filters: f, limit, ...(after ? { after } : {}) };
}

/** The filters as a URL query (for the console's links and the next page). */
export function filtersQuery(f: CaseFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of FILTER_NAMES) if (f[k] !== undefined) q.set(k, String(f[k]));
  return q;
}

/** A case in the search results. */
export interface CaseListItem {
  tenant: string;
  kind: CaseKind;
  caseRef: string;
  status: string;
  statusSince?: string;
  registrations: { system: string; registrationNumber?: string; externalId?: string }[];
  openedAt: string;
  updatedAt: string;
  deadline?: { dueDate?: string; overdue: boolean };
}

function listItem(r: AdminCaseRow, deadline?: { dueDate?: string; overdue: boolean }): CaseListItem {
  return {
    tenant: r.tenant,
    kind: r.kind,
    caseRef: r.caseRef,
    status: r.status,
    ...(r.statusAt.getTime() > 0 ? { statusSince: r.statusAt.toISOString() } : {}),
    registrations: Object.entries(r.externalIds).map(([system, x]) => ({
      system,
      ...(x?.registrationNumber ? { registrationNumber: x.registrationNumber } : {}),
      ...(x?.externalId ? { externalId: x.externalId } : {}),
    })),
    openedAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    ...(deadline ? { deadline } : {}),
  };
}

/**
 * Finding a case: one statement over `cases` (CaseRepository) with the conditions on the
 * journal (event id, adapter) and on the computed terms (deadline window) written by their
 * owners, newest first, a keyset page at a time. The tenants are those the caller may read.
 */
@Injectable()
export class CaseSearchService {
  constructor(
    private readonly cases: CaseRepository,
    private readonly journal: JournalRepository,
    private readonly deadlines: DeadlineRepository,
    private readonly transactions: TransactionRunner,
  ) {}

  async search(tenants: readonly string[], f: CaseFilters, page: { limit: number; after?: SearchCursor }): Promise<{ cases: CaseListItem[]; nextCursor?: string }> {
    if (!tenants.length) return { cases: [] };
    return this.transactions.snapshot(async (tx) => {
      const p = new SqlParams();
      const conditions: CaseCondition[] = [];
      if (f.eventId) conditions.push(this.journal.eventCondition(p, CASE_COLUMNS, f.eventId));
      if (f.adapter) conditions.push(this.journal.adapterCondition(p, CASE_COLUMNS, f.adapter));
      if (f.dueFrom || f.dueTo || f.overdue !== undefined || f.paused !== undefined || f.addressee !== undefined)
        conditions.push(this.deadlines.windowCondition(p, CASE_COLUMNS, { dueFrom: f.dueFrom, dueTo: f.dueTo, overdue: f.overdue, paused: f.paused, addressee: f.addressee }));
      const rows = await this.cases.adminSearch(tx, p, {
        tenants,
        kind: f.kind,
        caseRef: f.caseRef,
        status: f.status,
        registrationNumber: f.registrationNumber,
        externalId: f.externalId,
        contactHash: f.contactHash,
        conditions,
        limit: page.limit + 1,
        ...(page.after ? { after: page.after } : {}),
      });
      const shown = rows.slice(0, page.limit);
      const terms = await this.deadlines.summaries(
        tx,
        shown.map((r) => r.id),
      );
      const last = shown[shown.length - 1];
      return {
        cases: shown.map((r) => {
          const d = terms.get(r.id);
          return listItem(r, d ? { ...(d.dueDate ? { dueDate: d.dueDate } : {}), overdue: d.overdue } : undefined);
        }),
        ...(rows.length > page.limit && last ? { nextCursor: encodeSearchCursor({ at: last.createdKey, id: last.id }) } : {}),
      };
    });
  }
}
