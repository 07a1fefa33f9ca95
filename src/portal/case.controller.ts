import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { CASE_KINDS, CASE_REF_MAX_LENGTH, DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE, TransientError, type CaseKind, type ErrorResponse, type HttpError } from '../../contracts';
import { CaseLookup, CaseViewService } from '../cases/case-view.service';
import { LOGGER } from '../config/injection.tokens';
import { DeadlineService } from '../deadlines/deadline.service';
import { safeError } from '../logging/pii.mask';
import { CaseAccessService } from './case-access.service';
import { decodeCursor, encodeCursor } from './history-cursor.codec';

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The portal-facing read API of cases: `GET /v1/cases/{tenant}/{caseRef}` (the current state) and
 * `GET /v1/cases/{tenant}/{caseRef}/history` (every step, oldest first, a page at a time).
 *
 * Rights first, then the lookup: 401 without a valid token, 403 for a tenant (or kind) the token
 * does not cover, whether or not such a case exists, and only then 404 for a case the tenant does
 * not have. Without `?kind=`, the kinds the token may read are looked up; when the tenant has both
 * an appeal and an application with this caseRef the answer is 409 naming both, so a portal never
 * gets one it did not mean. Answers are `Cache-Control: no-store`: they name people.
 */
@Controller('v1/cases')
export class CaseController {
  constructor(
    private readonly access: CaseAccessService,
    private readonly views: CaseViewService,
    private readonly deadlines: DeadlineService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':tenant/:caseRef')
  async view(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = readQuery(req, ['kind']);
    if (!q.ok) return badRequest(res, q.errors);
    await this.serve(req, res, tenant, caseRef, q.kind, 'view', (kinds) => this.views.view(tenant, caseRef, kinds));
  }

  @Get(':tenant/:caseRef/history')
  async history(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = readQuery(req, ['kind', 'limit', 'cursor']);
    if (!q.ok) return badRequest(res, q.errors);
    await this.serve(req, res, tenant, caseRef, q.kind, 'history', async (kinds) => {
      const found = await this.views.history(tenant, caseRef, kinds, { after: q.after, limit: q.limit });
      if (found.found !== 'one') return found;
      const { next, ...page } = found.value;
      return { found: 'one', value: { ...page, ...(next ? { nextCursor: encodeCursor(next) } : {}) } };
    });
  }

  /** The statutory term of an appeal and the reason for every day (README, "Deadlines"). */
  @Get(':tenant/:caseRef/deadline')
  async deadline(@Param('tenant') tenant: string, @Param('caseRef') caseRef: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const q = readQuery(req, []);
    if (!q.ok) return badRequest(res, q.errors);
    await this.serve(req, res, tenant, caseRef, 'appeal', 'deadline', () => this.deadlines.view(tenant, caseRef));
  }

  private async serve<T>(req: Request, res: Response, tenant: string, caseRef: string, kind: CaseKind | undefined, what: string, lookup: (kinds: CaseKind[]) => Promise<CaseLookup<T>>): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const access = this.access.authorize(req.headers.authorization, tenant, kind);
    if (!access.ok) {
      // Who was refused, never the token; a 403 is someone asking outside their tenant.
      this.logger.info({ event: 'case.read-refused', what, status: access.status, tenant: short(tenant) }, 'case read refused');
      if (access.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return void res.status(access.status).json(errors([{ pointer: '', reason: access.reason }]));
    }
    if (caseRef.length > CASE_REF_MAX_LENGTH || CONTROL.test(caseRef)) return notFound(res);
    let found: CaseLookup<T>;
    try {
      found = await lookup(access.kinds);
    } catch (e) {
      if (e instanceof TransientError) {
        return void res
          .status(503)
          .setHeader('Retry-After', '5')
          .json(errors([{ pointer: '', reason: 'the database is not reachable; retry later' }]));
      }
      this.logger.error({ event: 'case.read-failed', what, tenant, err: safeError(e) }, 'case read failed');
      return void res.status(500).json(errors([{ pointer: '', reason: 'the hub could not read the case' }]));
    }
    this.logger.debug({ event: 'case.read', what, reader: access.reader, tenant, found: found.found }, 'case read');
    if (found.found === 'none') return notFound(res);
    if (found.found === 'ambiguous') {
      return void res
        .status(409)
        .json(errors([{ pointer: '', parameter: 'kind', reason: `this tenant has an appeal and an application with this caseRef: ask for one with ?kind=${found.kinds.join(' or ?kind=')}` }]));
    }
    res.status(200).json(found.value);
  }
}

type Query = { ok: true; kind?: CaseKind; limit: number; after?: { at: string; id: string } } | { ok: false; errors: HttpError[] };

/** The query parameters, each at most once; unknown ones are refused so that a typo does not pass unnoticed. */
function readQuery(req: Request, allowed: readonly string[]): Query {
  const errs: HttpError[] = [];
  const raw = (req.query ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(raw)) {
    if (!allowed.includes(name))
      errs.push({
        pointer: '',
        parameter: short(name),
        reason: allowed.length ? `unknown query parameter; this endpoint takes ${allowed.join(', ')}` : 'unknown query parameter; this endpoint takes none',
      });
    else if (typeof raw[name] !== 'string') errs.push({ pointer: '', parameter: name, reason: 'give this parameter once, as plain text' });
  }
  const text = (name: string) => (typeof raw[name] === 'string' && allowed.includes(name) ? (raw[name] as string) : undefined);
  const kindText = text('kind');
  const kind = CASE_KINDS.find((k) => k === kindText);
  if (kindText !== undefined && !kind) errs.push({ pointer: '', parameter: 'kind', reason: `must be one of: ${CASE_KINDS.join(', ')}` });
  const limitText = text('limit');
  const limit = limitText === undefined ? DEFAULT_HISTORY_PAGE : /^[0-9]{1,4}$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= MAX_HISTORY_PAGE)) errs.push({ pointer: '', parameter: 'limit', reason: `must be a whole number from 1 to ${MAX_HISTORY_PAGE}` });
  const cursorText = text('cursor');
  const after = cursorText === undefined ? undefined : decodeCursor(cursorText);
  if (cursorText !== undefined && !after) errs.push({ pointer: '', parameter: 'cursor', reason: 'is not a cursor of this hub: pass nextCursor of an earlier page as it was' });
  return errs.length ? { ok: false, errors: errs } : { ok: true, kind, limit, after };
}

function errors(list: HttpError[]): ErrorResponse {
  return { errors: list };
}

function badRequest(res: Response, list: HttpError[]): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(400).json(errors(list));
}

function notFound(res: Response): void {
  res.status(404).json(errors([{ pointer: '', reason: 'this tenant has no case with this caseRef' }]));
}

/** A path or query text safe to echo: one line, bounded. */
function short(s: string): string {
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 63)}…` : clean;
}
