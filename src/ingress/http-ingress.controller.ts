import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CLOUDEVENTS_CONTENT_TYPE } from '../../contracts';
import { HUB_CONFIG } from '../config/injection.tokens';
import type { HubConfig } from '../config/hub-config.schema';
import { AmqpClient } from '../messaging/amqp.client';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { EXCHANGES } from '../messaging/topology.declaration';
import { MetricsService } from '../metrics/metrics.service';
import { InboundMessage, IngressPipeline } from './ingress.pipeline';
import { HTTP_INGRESS_HEADER } from './publisher-rights.service';

/**
 * CloudEvents HTTP binding, structured mode. A valid event is published to cabinet.in with a
 * confirm and follows exactly the AMQP path (so de-duplication and routing are the same code);
 * an invalid one is journaled and answered with every error at once.
 *
 * Authentication comes first: a bearer token is required unless the event's tenant is explicitly
 * open (`tenants.<t>.http.open`). No or a wrong token: 401, nothing journaled (the hub does not
 * answer strangers on the bus). A valid token whose rights do not cover the event's tenant or type:
 * 403 with the errors, journaled and answered with message.rejected on the publisher's tenant, as
 * on AMQP (403 rather than 400: the event is well formed, the sender is not allowed to send it).
 */
@Controller()
export class HttpIngressController {
  constructor(
    private readonly pipeline: IngressPipeline,
    private readonly publisher: ConfirmPublisher,
    private readonly amqp: AmqpClient,
    private readonly metrics: MetricsService,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  @Post('v1/events')
  async post(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const msg: InboundMessage = { body, contentType: req.headers['content-type'], via: 'http' as const, arrivedAt: process.hrtime.bigint() };
    const bearer = this.pipeline.rights.forBearer(req.headers.authorization);
    if (bearer === 'invalid') return this.unauthorized(res, 'the bearer token is not valid');
    msg.publisher = bearer;
    const parsed = this.pipeline.parse(msg);
    if (!bearer) {
      // No token: only a tenant configured open lets the request in (an invalid event for it still
      // gets its 400); an open tenant's rights are that tenant and every type, nothing more to check.
      msg.publisher = this.pipeline.rights.openTenant(parsed.ok ? parsed.event.tenant : parsed.peek.tenant);
      if (!msg.publisher) return this.unauthorized(res, 'a bearer token is required (Authorization: Bearer <token>)');
    }
    if (!parsed.ok) {
      const stored = await this.pipeline.store([msg], [parsed]);
      await this.pipeline.publish(stored);
      const v = stored.verdicts[0];
      res.status(parsed.forbidden ? 403 : 400).json({ errors: parsed.errors, journalId: v.outcome === 'rejected' ? v.journalId : undefined });
      return;
    }
    const ev = parsed.event;
    try {
      await this.publisher.publish({
        exchange: EXCHANGES.in,
        routingKey: ev.type,
        content: body,
        // Published as the hub's own broker user with the ingress mark: the rights were checked here.
        options: { contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: ev.id, persistent: true, userId: this.amqp.user, headers: { [HTTP_INGRESS_HEADER]: 'http' } },
      });
    } catch {
      res
        .status(503)
        .setHeader('Retry-After', '5')
        .json({ errors: [{ pointer: '', reason: 'the message broker is not reachable; retry later with the same id' }] });
      return;
    }
    res.status(202).json({ id: ev.id });
  }

  private unauthorized(res: Response, reason: string): void {
    this.metrics.badSignatures.inc();
    res
      .status(401)
      .setHeader('WWW-Authenticate', 'Bearer')
      .json({ errors: [{ pointer: '', reason }] });
  }

  /** Answers for a body the raw parser refused before it was read in full. */
  async tooLarge(req: Request, res: Response): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    const errors = [{ pointer: '', reason: `message is ${declared || 'more than the limit of'} bytes; the limit is ${this.config.hub.maxBodyBytes} bytes (send large files by URL)` }];
    const bearer = this.pipeline.rights.forBearer(req.headers.authorization);
    // Without a valid token the body cannot tell whose it is; answer without journaling a stranger's upload.
    if (!bearer || bearer === 'invalid') {
      res.status(413).json({ errors });
      return;
    }
    const msg = { body: Buffer.alloc(0), contentType: req.headers['content-type'], via: 'http' as const, arrivedAt: process.hrtime.bigint(), publisher: bearer };
    const stored = await this.pipeline.store([msg], [{ ok: false, errors, peek: {} }]);
    await this.pipeline.publish(stored);
    res.status(413).json({ errors });
  }
}
