import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { AmqpClient } from '../messaging/amqp.client';
import { OutboxRelay } from '../outbox/outbox.relay';
import { MetricsService } from '../metrics/metrics.service';

/** Liveness/readiness and Prometheus metrics. */
@Controller()
export class OpsController {
  constructor(
    private readonly amqp: AmqpClient,
    private readonly db: DataSource,
    private readonly relay: OutboxRelay,
    private readonly adapters: AdapterRunner,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const broker = this.amqp.isConnected();
    const database = await Promise.race([
      this.db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    const ok = broker && database;
    // External systems being down degrades adapters, not the hub: messages wait in their queues.
    // The same field the startup server uses: what the hub waits for to come back.
    const waitingFor = [...(database ? [] : ['postgresql']), ...(broker ? [] : ['rabbitmq'])];
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      ...(waitingFor.length ? { waitingFor } : {}),
      broker: broker ? 'up' : 'down',
      database: database ? 'up' : 'down',
      outboxRelayLeader: this.relay.isLeader(),
      adapters: await this.adapters.probe(),
    });
  }

  @Get('metrics')
  async prometheus(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }
}
