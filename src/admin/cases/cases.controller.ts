import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { CASE_KINDS, CASE_REF_MAX_LENGTH, TransientError, type CaseKind } from '../../../contracts';
import { reasonOf } from '../audit/admin-audit.service';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { allows } from '../auth/admin.roles';
import { CaseSearchService, filtersOf } from './case-search.service';
import { CaseTimelineService } from './case-timeline.service';
import { contactHash } from './pii-mask.mapper';
import { PiiRevealService } from './pii-reveal.service';

const CONTROL = /[\u0000-\u001f\u007f]/;

/** A database that is not reachable answers 503 (the admin refusal), not 500. */
export async function available<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof TransientError) throw new AdminDenied(503, 'the database is not available; try again shortly');
    throw e;
  }
}

/** The kinds asked for with `?kind=` (or in a body), or all. */
export function kindsOf(value: unknown): CaseKind[] {
  if (value === undefined || value === '') return [...CASE_KINDS];
  if (typeof value !== 'string' || !(CASE_KINDS as readonly string[]).includes(value)) throw new AdminDenied(400, `kind: one of ${CASE_KINDS.join(', ')}`);
  return [value as CaseKind];
}

/** A caseRef from the path that can name a case at all. */
export function checkCaseRef(caseRef: string): void {
  if (caseRef.length > CASE_REF_MAX_LENGTH || CONTROL.test(caseRef)) throw new AdminDenied(404, 'this tenant has no case with this caseRef');
}

/** A reveal needs `pii.reveal` (the guard) AND `cases.read` for the tenant: a pii-reader alone reads nothing. */
export function checkCanRead(req: AdminRequest, tenant: string): void {
  if (!allows(req.principal.grants, 'cases.read', tenant)) throw new AdminDenied(403, `cases.read is not among your permissions for tenant ${tenant.slice(0, 64)}`);
}

/** The reason of a reveal, required. */
export function revealReason(body: Record<string, unknown> | undefined): string {
  const r = reasonOf(body?.reason);
  if (!r.ok) throw new AdminDenied(400, r.error);
  return r.reason;
}

/**
 * The JSON API of cases for admins (contracts/model/admin-cases.schema.ts): search, the case
 * timeline, the message view, and the audited reveal of a masked field. Answers are
 * `Cache-Control: no-store`: even masked, they are about people.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class AdminCasesController {
  constructor(
    private readonly search: CaseSearchService,
    private readonly timeline: CaseTimelineService,
    private readonly reveal: PiiRevealService,
  ) {}

  @Get('v1/admin/:tenant/cases')
  @Requires('cases.read')
  async list(@Param('tenant') tenant: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    const q = filtersOf(req.query as Record<string, unknown>);
    const page = await available(this.search.search([tenant], q.filters, { limit: q.limit, ...(q.after ? { after: q.after } : {}) }));
    res.setHeader('Cache-Control', 'no-store');
    res.json(page);
  }

  @Post('v1/admin/contact-hash')
  @Requires('cases.read', 'any')
  hash(@Req() req: AdminRequest, @Res() res: Response): void {
    const h = typeof req.body?.contact === 'string' ? contactHash(req.body.contact) : undefined;
    if (!h) throw new AdminDenied(400, 'contact: a phone number with its country code, or an e-mail address');
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json({ kind: h.kind, contactHash: h.hash });
  }

  @Get('v1/admin/:tenant/cases/:caseRef/timeline')
  @Requires('cases.read')
  async caseTimeline(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    checkCaseRef(caseRef);
    const found = await available(this.timeline.timeline(tenant, caseRef, kindsOf(req.query.kind)));
    if (found.found === 'none') throw new AdminDenied(404, 'this tenant has no case with this caseRef');
    if (found.found === 'ambiguous') throw new AdminDenied(409, `this tenant has an appeal and an application with this caseRef: ask with ?kind=${found.kinds.join(' or ?kind=')}`);
    res.setHeader('Cache-Control', 'no-store');
    res.json(found.value);
  }

  @Post('v1/admin/:tenant/cases/:caseRef/reveal')
  @Requires('pii.reveal')
  async revealCase(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    checkCanRead(req, tenant);
    checkCaseRef(caseRef);
    const reason = revealReason(req.body);
    const r = await available(this.reveal.revealCase(req.principal, tenant, caseRef, kindsOf(req.body?.kind), req.body?.pointer, reason));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(r);
  }

  @Get('v1/admin/:tenant/messages/:journalId')
  @Requires('cases.read')
  async message(@Param('tenant') tenant: string, @Param('journalId') journalId: string, @Res() res: Response): Promise<void> {
    const view = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(journalId) ? await available(this.timeline.message(tenant, journalId)) : undefined;
    if (!view) throw new AdminDenied(404, 'this tenant has no journal entry with this id');
    res.setHeader('Cache-Control', 'no-store');
    res.json(view);
  }

  @Post('v1/admin/:tenant/messages/:journalId/reveal')
  @Requires('pii.reveal')
  async revealMessage(@Param('tenant') tenant: string, @Param('journalId') journalId: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    checkCanRead(req, tenant);
    const reason = revealReason(req.body);
    const r = await available(this.reveal.revealMessage(req.principal, tenant, journalId, req.body?.pointer, reason));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(r);
  }
}
