import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import sjson from 'secure-json-parse';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { TransientError } from '../../contracts';
import { LOGGER } from '../config/injection.tokens';
import { KPI_NAMES, kpiCsv, type KpiName } from '../deadlines/kpi-report.mapper';
import { KpiService } from '../deadlines/kpi.service';
import { isLocalDate } from '../deadlines/local-date.codec';
import { safeError } from '../logging/pii.mask';
import { CaseAccessService } from './case-access.service';

/** Longest period one report covers: a year and a day (a leap year). */
const MAX_DAYS = 366;

/**
 * The managers' KPIs of a tenant (README, "KPIs"): `GET /v1/kpi/{tenant}?from&to[&by=addressee][&format=csv]`
 * and `POST /v1/kpi/{tenant}/exclusions` to leave a case out of one KPI with a reason. Rights as
 * for reading the tenant's appeals. The console with roles comes with the admin console (issue 10).
 */
@Controller('v1/kpi')
export class KpiController {
  constructor(
    private readonly access: CaseAccessService,
    private readonly kpis: KpiService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':tenant')
  async report(@Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (!this.allowed(req, res, tenant)) return;
    const q = req.query as Record<string, unknown>;
    const errors: { parameter: string; reason: string }[] = [];
    for (const k of Object.keys(q))
      if (!['from', 'to', 'by', 'format'].includes(k)) errors.push({ parameter: k.slice(0, 64), reason: 'unknown query parameter; this endpoint takes from, to, by, format' });
    const from = isLocalDate(q.from) ? q.from : undefined;
    const to = isLocalDate(q.to) ? q.to : undefined;
    if (!from) errors.push({ parameter: 'from', reason: 'give the first day of the period as YYYY-MM-DD' });
    if (!to) errors.push({ parameter: 'to', reason: 'give the last day of the period as YYYY-MM-DD' });
    if (from && to && (to < from || (Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS)) errors.push({ parameter: 'to', reason: `must be on or after from, at most ${MAX_DAYS} days later` });
    if (q.by !== undefined && q.by !== 'addressee') errors.push({ parameter: 'by', reason: 'must be addressee' });
    if (q.format !== undefined && q.format !== 'csv' && q.format !== 'json') errors.push({ parameter: 'format', reason: 'must be csv or json' });
    if (errors.length) return void res.status(400).json({ errors: errors.map((e) => ({ pointer: '', ...e })) });
    try {
      const report = await this.kpis.report(tenant, from as string, to as string, q.by === 'addressee' ? 'addressee' : undefined);
      if (!report) return void res.status(404).json({ errors: [{ pointer: '', reason: 'this tenant has no statutory deadlines configured' }] });
      if (q.format === 'csv') {
        res.setHeader('Content-Disposition', `attachment; filename="kpi-${tenant}-${from}-${to}.csv"`);
        return void res.status(200).type('text/csv; charset=utf-8').send(kpiCsv(report));
      }
      res.status(200).json(report);
    } catch (e) {
      this.failed(res, e);
    }
  }

  /** Body: `{ "caseRef": "…", "kpi": "late", "reason": "…" }` (read raw, parsed without prototype keys). */
  @Post(':tenant/exclusions')
  async exclude(@Param('tenant') tenant: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const reader = this.allowed(req, res, tenant);
    if (!reader) return;
    let body: unknown;
    try {
      body = sjson.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '', undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return void res.status(400).json({ errors: [{ pointer: '', reason: 'the body must be a JSON object: {"caseRef": "…", "kpi": "late", "reason": "…"}' }] });
    }
    const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const errors: { pointer: string; reason: string }[] = [];
    for (const k of Object.keys(b)) if (!['caseRef', 'kpi', 'reason'].includes(k)) errors.push({ pointer: `/${k.slice(0, 64)}`, reason: 'unknown property' });
    if (typeof b.caseRef !== 'string' || !b.caseRef || b.caseRef.length > 128) errors.push({ pointer: '/caseRef', reason: 'the case reference of an appeal of this tenant' });
    if (!KPI_NAMES.includes(b.kpi as KpiName)) errors.push({ pointer: '/kpi', reason: `must be one of: ${KPI_NAMES.join(', ')}` });
    if (typeof b.reason !== 'string' || b.reason.trim().length < 3 || b.reason.length > 2000) errors.push({ pointer: '/reason', reason: 'say why the case is left out (3 to 2000 characters)' });
    if (errors.length) return void res.status(400).json({ errors });
    try {
      const outcome = await this.kpis.exclude({ tenant, caseRef: b.caseRef as string, kpi: b.kpi as KpiName, reason: (b.reason as string).trim(), actor: reader });
      if (outcome === 'unknown-case') return void res.status(404).json({ errors: [{ pointer: '/caseRef', reason: 'this tenant has no appeal with a statutory term and this caseRef' }] });
      this.logger.info({ event: 'kpi.excluded', tenant, kpi: b.kpi, by: reader, outcome }, 'case left out of a KPI');
      res.status(outcome === 'excluded' ? 201 : 200).json({ tenant, caseRef: b.caseRef, kpi: b.kpi, excluded: true });
    } catch (e) {
      this.failed(res, e);
    }
  }

  /** The reader's name when the token may read this tenant's appeals; else answers 401/403. */
  private allowed(req: Request, res: Response, tenant: string): string | undefined {
    const access = this.access.authorize(req.headers.authorization, tenant, 'appeal');
    if (access.ok) return access.reader;
    if (access.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(access.status).json({ errors: [{ pointer: '', reason: access.reason }] });
    return undefined;
  }

  private failed(res: Response, e: unknown): void {
    if (e instanceof TransientError)
      return void res
        .status(503)
        .setHeader('Retry-After', '5')
        .json({ errors: [{ pointer: '', reason: 'the database is not reachable; retry later' }] });
    this.logger.error({ event: 'kpi.failed', err: safeError(e) }, 'KPI request failed');
    res.status(500).json({ errors: [{ pointer: '', reason: 'the hub could not compute the KPIs' }] });
  }
}
