import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import sjson from 'secure-json-parse';
import { NOTIFICATION_CHANNELS, type NotificationChannel } from '../../contracts';
import type { Locale } from '../templates/status.labels';
import { TemplateCatalog, type TemplateVariables } from '../templates/template.catalog';
import { previewTemplate } from '../templates/template.preview';

const LOCALES = ['uk', 'ru', 'en'];

/** Lists templates and previews them: `GET /v1/templates`, `POST /v1/templates/<id>/preview`. */
@Controller()
export class TemplateController {
  constructor(private readonly catalog: TemplateCatalog) {}

  @Get('v1/templates')
  list(): { templates: { id: string; variables: string[]; channels: NotificationChannel[] }[] } {
    return {
      templates: Object.keys(this.catalog.templates).map((id) => ({ id, variables: [...this.catalog.variables(id)], channels: NOTIFICATION_CHANNELS.filter((c) => this.catalog.supports(id, c)) })),
    };
  }

  /** Body: `{ "locale": "uk", "channel": "sms", "variables": { ... } }`; everything optional. */
  @Post('v1/templates/:id/preview')
  preview(@Param('id') id: string, @Req() req: Request, @Res() res: Response): void {
    let body: { locale?: unknown; channel?: unknown; variables?: unknown } = {};
    const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    if (raw.trim()) {
      try {
        body = sjson.parse(raw, undefined, { protoAction: 'error', constructorAction: 'error' }) as typeof body;
      } catch {
        res.status(400).json({ error: 'body must be JSON: {"locale": "uk", "channel": "sms", "variables": {...}}' });
        return;
      }
    }
    const locale = (typeof body.locale === 'string' && LOCALES.includes(body.locale) ? body.locale : 'uk') as Locale;
    const channel = typeof body.channel === 'string' && (NOTIFICATION_CHANNELS as readonly string[]).includes(body.channel) ? (body.channel as NotificationChannel) : undefined;
    const vars: TemplateVariables = {};
    if (body.variables && typeof body.variables === 'object' && !Array.isArray(body.variables)) {
      for (const [k, v] of Object.entries(body.variables)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') vars[k] = v;
    }
    const p = previewTemplate(this.catalog, id, locale, vars, channel);
    if (!p.ok) res.status(p.status).json({ error: p.error, ...(p.missing ? { missing: p.missing } : {}) });
    else res.status(200).json(p);
  }
}
