import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { langOf } from '../console/console.i18n';
import { CONSOLE_BASE, renderError } from '../console/console.layout';
import type { AdminRequest } from './admin.guard';
import { AdminDenied } from './admin.guard';

/**
 * Refusals answered in the caller's terms: the API gets `{errors: [{pointer, reason}]}` as the rest
 * of the hub's HTTP API; the console gets a page in the user's language, and a browser that is not
 * signed in is sent to sign in and brought back.
 */
@Catch(AdminDenied)
export class AdminDeniedFilter implements ExceptionFilter {
  catch(e: AdminDenied, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    res.setHeader('Cache-Control', 'no-store');
    if (!req.path.startsWith(CONSOLE_BASE)) return void res.status(e.status).json({ errors: [{ pointer: '', reason: e.reason }] });
    if (e.status === 401 && req.method === 'GET' && !req.headers['hx-request']) return void res.redirect(302, `${CONSOLE_BASE}/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
    if (req.headers['hx-request']) res.setHeader('HX-Retarget', 'body');
    res
      .status(e.status)
      .type('text/html')
      .send(renderError(langOf(req), e.status, e.reason, (req as Partial<AdminRequest>).principal));
  }
}
