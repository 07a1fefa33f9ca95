import { Controller, Get, Inject, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CASE_KINDS, CASE_REF_MAX_LENGTH } from '../../../contracts';
import { FILE_STORE, LOGGER } from '../../config/injection.tokens';
import { exportEvidencePack, zipAnswer } from '../../evidence/evidence-pack.service';
import type { FileStore } from '../../files/file-store.port';
import { safeError } from '../../logging/pii.mask';
import { poolOf } from '../../persistence/database.setup';
import { AdminDeniedFilter } from '../auth/admin-denied.filter';
import { AdminDenied, AdminGuard, Requires, type AdminRequest } from '../auth/admin.guard';
import { AdminAudit, reasonOf } from './admin-audit.service';
import { logActor } from '../auth/admin-auth.service';

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * `GET /v1/admin/{tenant}/evidence/{caseRef}.zip?reason=…`: a case's evidence pack for auditors
 * and admins. A pack holds personal data, so taking one needs a reason and is audited before anything
 * is read (action `evidence.export`, also when the case turns out not to exist); the audit line is chained like every other, so the
 * export itself is evidence.
 */
@Controller()
@UseGuards(AdminGuard)
@UseFilters(AdminDeniedFilter)
export class EvidenceExportController {
  constructor(
    private readonly audit: AdminAudit,
    private readonly db: DataSource,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('v1/admin/:tenant/evidence/:file')
  @Requires('evidence.export')
  async pack(@Param('tenant') tenant: string, @Param('file') file: string, @Req() req: AdminRequest, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const caseRef = file.endsWith('.zip') ? file.slice(0, -4) : '';
    if (!caseRef || caseRef.length > CASE_REF_MAX_LENGTH || CONTROL.test(caseRef)) throw new AdminDenied(404, 'ask for <caseRef>.zip of a case of this tenant');
    const reason = reasonOf(req.query.reason);
    if (!reason.ok) throw new AdminDenied(400, `${reason.error} (?reason=…)`);
    // Audited before anything is read: an export that fails half-way was still asked for by someone.
    await this.audit.record(req.principal, { tenant, action: 'evidence.export', target: caseRef, reason: reason.reason });
    try {
      const summary = await exportEvidencePack(poolOf(this.db), this.store, tenant, caseRef, zipAnswer(res, tenant, caseRef), { kinds: CASE_KINDS });
      if (!summary || 'forbidden' in summary) throw new AdminDenied(404, 'this tenant has no case with this caseRef');
      this.logger.info(
        { event: 'evidence.exported', actor: logActor(req.principal), tenant, entries: summary.entries, files: summary.files, checkpoint: summary.checkpoint },
        'evidence pack exported',
      );
    } catch (e) {
      if (e instanceof AdminDenied) throw e;
      this.logger.error({ event: 'evidence.export-failed', tenant, err: safeError(e) }, 'evidence export failed');
      if (!res.headersSent) throw new AdminDenied(503, 'the hub could not build the evidence pack; try again');
      res.destroy();
    }
  }
}
