import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { CASE_REF_MAX_LENGTH } from '../../contracts';
import { FILE_STORE, LOGGER } from '../config/injection.tokens';
import { exportEvidencePack, zipAnswer } from '../evidence/evidence-pack.service';
import type { FileStore } from '../files/file-store.port';
import { safeError } from '../logging/pii.mask';
import { poolOf } from '../persistence/database.setup';
import { CaseAccessService } from './case-access.service';

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * `GET /v1/evidence/{tenant}/{caseRef}.zip`: the evidence pack of a case for the console (README,
 * "Tamper-evident journal and evidence packs"). Guarded exactly like the case API today: a token
 * that may read the tenant's cases (publisher or ingress token, or an open tenant). The admin
 * console with its own roles comes in a later issue; until then whoever may read the case's
 * history may take its evidence. 401/403 before any lookup, 404 for a case the tenant does not
 * have, `Cache-Control: no-store` (a pack holds personal data).
 */
@Controller('v1/evidence')
export class EvidenceController {
  constructor(
    private readonly access: CaseAccessService,
    private readonly db: DataSource,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':tenant/:file')
  async pack(@Param('tenant') tenant: string, @Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const access = this.access.authorize(req.headers.authorization, tenant);
    if (!access.ok) {
      if (access.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return void res.status(access.status).json({ errors: [{ pointer: '', reason: access.reason }] });
    }
    const caseRef = file.endsWith('.zip') ? file.slice(0, -4) : '';
    if (!caseRef || caseRef.length > CASE_REF_MAX_LENGTH || CONTROL.test(caseRef))
      return void res.status(404).json({ errors: [{ pointer: '', reason: 'ask for <caseRef>.zip of a case of this tenant' }] });
    try {
      const summary = await exportEvidencePack(poolOf(this.db), this.store, tenant, caseRef, zipAnswer(res, tenant, caseRef), { kinds: access.kinds });
      if (!summary) return void res.status(404).json({ errors: [{ pointer: '', reason: 'this tenant has no case with this caseRef' }] });
      if ('forbidden' in summary) return void res.status(403).json({ errors: [{ pointer: '', reason: `this caseRef is also a ${summary.forbidden} case, which this token may not read` }] });
      // Who took which case's evidence, never its content.
      this.logger.info({ event: 'evidence.exported', reader: access.reader, tenant, entries: summary.entries, files: summary.files, checkpoint: summary.checkpoint }, 'evidence pack exported');
    } catch (e) {
      this.logger.error({ event: 'evidence.export-failed', tenant, err: safeError(e) }, 'evidence export failed');
      if (!res.headersSent) res.status(500).json({ errors: [{ pointer: '', reason: 'the hub could not build the evidence pack' }] });
      else res.destroy();
    }
  }
}
