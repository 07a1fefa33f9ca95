import { Controller, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { WebhookOutcome } from '../../contracts';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { safeError } from '../logging/pii.mask';
import { MetricsService } from '../metrics/metrics.service';
import { CallbackService } from './callback.service';

/**
 * One endpoint per adapter instance for provider callbacks: `POST /v1/webhooks/<instance>`.
 * The adapter verifies the signature against the public URL; an unverified request is answered
 * 403, counted and journaled, and changes nothing. A verified one is de-duplicated on the
 * adapter's key in the same transaction that applies it, so a replay is answered 200 and
 * changes nothing either.
 */
@Controller()
export class WebhookController {
  constructor(
    private readonly runner: AdapterRunner,
    private readonly callbacks: CallbackService,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('v1/webhooks/:instance')
  async receive(@Param('instance') instance: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const adapter = this.runner.adapterOf(instance);
    if (!adapter?.webhook) {
      res.status(404).json({ error: 'no adapter instance takes callbacks here' });
      return;
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const base = this.config.hub.publicUrl ?? `${req.protocol}://${req.headers.host}`;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    let outcome: WebhookOutcome;
    try {
      outcome = await adapter.webhook({ method: req.method, url: `${base}${req.originalUrl}`, headers, rawBody });
    } catch (e) {
      // The contract says webhook() never throws; if one does, the provider should come back later.
      this.logger.error({ event: 'webhook.adapter-error', adapter: instance, error: safeError(e) }, 'adapter failed on a callback');
      res.status(500).end();
      return;
    }
    if (!outcome.verified) {
      this.metrics.webhooks.inc({ adapter: instance, result: 'rejected' });
      await this.callbacks.rejected(instance, rawBody, outcome.detail ?? 'signature did not verify');
      this.logger.warn({ event: 'webhook.rejected', adapter: instance, detail: outcome.detail }, 'callback rejected: signature did not verify');
      res.status(403).json({ error: 'signature verification failed' });
      return;
    }
    let fresh: boolean;
    try {
      fresh = await this.callbacks.accepted(instance, rawBody, outcome);
    } catch (e) {
      this.logger.warn({ event: 'webhook.failed', adapter: instance, error: safeError(e) }, 'callback could not be stored; the provider will retry');
      res.status(503).end();
      return;
    }
    this.metrics.webhooks.inc({ adapter: instance, result: fresh ? 'accepted' : 'replay' });
    const reply = outcome.reply ?? { status: 200 };
    if (reply.contentType) res.type(reply.contentType);
    res.status(reply.status).send(reply.body ?? '');
  }
}
