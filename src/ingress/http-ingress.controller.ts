import { timingSafeEqual } from 'node:crypto';
import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CLOUDEVENTS_CONTENT_TYPE } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { EXCHANGES } from '../messaging/topology.declaration';
import { MetricsService } from '../metrics/metrics.service';
import { IngressPipeline } from './ingress.pipeline';

/**
 * CloudEvents HTTP binding, structured mode. A valid event is published to cabinet.in with a
 * confirm and follows exactly the AMQP path (so de-duplication and routing are the same code);
 * an invalid one is journaled and answered with every error at once.
 */
@Controller()
export class HttpIngressController {
  constructor(
    private readonly pipeline: IngressPipeline,
    private readonly publisher: ConfirmPublisher,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Post('v1/events')
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const msg = { body, contentType: req.headers['content-type'], via: 'http' as const, arrivedAt: process.hrtime.bigint() };
    const parsed = this.pipeline.parse(msg);
    if (!parsed.ok) {
      const stored = await this.pipeline.store([msg], [parsed]);
      await this.pipeline.publish(stored);
      const v = stored.verdicts[0];
      res.status(400).json({ errors: parsed.errors, journalId: v.outcome === 'rejected' ? v.journalId : undefined });
      return;
    }
    const ev = parsed.event;
    const tokens = this.config.tenants[ev.tenant].ingressTokens;
    if (tokens.length && !bearerMatches(req.headers.authorization, tokens)) {
      this.metrics.badSignatures.inc();
      res.status(401).json({ errors: [{ pointer: '', reason: `a valid bearer token for tenant "${ev.tenant}" is required` }] });
      return;
    }
    try {
      await this.publisher.publish({
        exchange: EXCHANGES.in,
        routingKey: ev.type,
        content: body,
        options: { contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: ev.id, persistent: true },
      });
    } catch {
      res.status(503).setHeader('Retry-After', '5').json({ errors: [{ pointer: '', reason: 'the message broker is not reachable; retry later with the same id' }] });
      return;
    }
    res.status(202).json({ id: ev.id });
  }

  /** Answers for a body the raw parser refused before it was read in full. */
  async tooLarge(req: Request, res: Response): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    const errors = [{ pointer: '', reason: `message is ${declared || 'more than the limit of'} bytes; the limit is ${this.config.hub.maxBodyBytes} bytes (send large files by URL)` }];
    const msg = { body: Buffer.alloc(0), contentType: req.headers['content-type'], via: 'http' as const, arrivedAt: process.hrtime.bigint() };
    const stored = await this.pipeline.store([msg], [{ ok: false, errors, peek: {} }]);
    await this.pipeline.publish(stored);
    res.status(413).json({ errors });
  }
}

function bearerMatches(header: string | undefined, tokens: string[]): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]);
  return tokens.some((t) => {
    const want = Buffer.from(t);
    return want.length === given.length && timingSafeEqual(want, given);
  });
}
