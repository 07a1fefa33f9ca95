import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { batchSocketWrites } from '../messaging/socket.batching';
import { ADAPTERS } from '../../adapters';
import type { AdapterDefinition } from '../../contracts';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { checkAdapterInstances } from '../adapter-host/adapter.registry';
import { ConfigError } from '../config/config.errors';
import { EnvConfig } from '../config/env.config';
import { DEMO_CONFIG_PATH, loadHubConfig } from '../config/hub-config.loader';
import type { HubConfig } from '../config/hub-config.schema';
import type { Clock } from '../config/injection.tokens';
import { HttpIngressController } from '../ingress/http-ingress.controller';
import { IngressConsumer } from '../ingress/ingress.consumer';
import { createLogger } from '../logging/logger.factory';
import { NestPinoLogger } from '../logging/nest-logger.adapter';
import { createDataSource, migrate, untilDatabase } from '../persistence/database.setup';
import { StartupHealth } from '../ops/startup-health.service';
import { DeadlineScheduler } from '../deadlines/deadline.scheduler';
import { DeliverySweeper } from '../notifications/delivery.sweeper';
import { NotifyConsumer } from '../notifications/notify.consumer';
import { DownloadLinks } from '../files/download-link.signer';
import { DeadLetterKeeper } from '../admin/dead-letters/dead-letter-keeper.consumer';
import { DeadLetterRedriveJob } from '../admin/dead-letters/dead-letter-redrive.service';
import { HubModule } from './hub.module';
import { adminBody } from '../admin/auth/admin-body.reader';
import { consoleHeaders } from '../admin/console/console.headers';

/** Largest provider callback accepted; real ones are a few kilobytes. */
const WEBHOOK_MAX_BYTES = 1024 * 1024;

/** A started hub. */
export interface RunningHub {
  app: NestExpressApplication;
  /** Base URL of the HTTP server (ingress, health, metrics). */
  url: string;
  config: HubConfig;
  /** Graceful stop: drain in-flight work, close channels, then the connection and the pool. */
  close(): Promise<void>;
}

/** Options for {@link startHub}; tests pass their own config, schema and logger. */
export interface StartOptions {
  env: EnvConfig;
  config?: HubConfig;
  logger?: Logger;
  /** Installed adapters; defaults to adapters/index.ts (tests pass fakes). */
  adapters?: readonly AdapterDefinition[];
  /** The clock deadlines are computed with; default the real one (tests pass a simulated one). */
  clock?: Clock;
}

/** Reads a body as bytes; an oversized or unreadable one gets a JSON error, never a stack trace. */
function rawBody(limit: number): express.RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return (req, res, next) =>
    raw(req, res, (err?: unknown) => {
      if (!err) return next();
      if ((err as { type?: string }).type === 'entity.too.large') return void res.status(413).json({ error: `body larger than ${limit} bytes` });
      res.status(400).json({ error: 'the request body could not be read' });
    });
}

/** The Nest application with the raw-body readers the ingress and webhook routes need. */
async function buildApp(env: EnvConfig, hubConfig: HubConfig, log: Logger, dataSource: DataSource, adapters: readonly AdapterDefinition[], clock?: Clock): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(HubModule.forRoot({ env, config: hubConfig, logger: log, dataSource, adapters, ...(clock ? { clock } : {}) }), {
    bodyParser: false,
    logger: new NestPinoLogger(log),
  });
  const http = app.get(HttpIngressController);
  const raw = express.raw({ type: () => true, limit: hubConfig.hub.maxBodyBytes });
  app.use('/v1/events', (req: express.Request, res: express.Response, next: express.NextFunction) =>
    raw(req, res, (err?: unknown) => {
      if (!err) return next();
      if ((err as { type?: string }).type === 'entity.too.large') return void http.tooLarge(req, res).catch(next);
      res.status(400).json({ errors: [{ pointer: '', reason: 'the request body could not be read' }] });
    }),
  );
  // Callbacks are read raw: signatures cover the exact bytes (Viber) or the exact form (Twilio).
  app.use('/v1/webhooks', rawBody(WEBHOOK_MAX_BYTES));
  app.use('/v1/templates', rawBody(64 * 1024));
  app.use('/v1/kpi', rawBody(16 * 1024));
  // The admin API and console read JSON or forms (edit-and-replay carries a whole message).
  app.use('/v1/admin', adminBody(Math.max(1024 * 1024, 2 * hubConfig.hub.maxBodyBytes)));
  app.use('/console', consoleHeaders, adminBody(Math.max(1024 * 1024, 2 * hubConfig.hub.maxBodyBytes)));
  return app;
}

/** Validates configuration, migrates the database (waiting for it), starts HTTP and the consumers. */
export async function startHub({ env, config, logger, adapters = ADAPTERS, clock }: StartOptions): Promise<RunningHub> {
  const log = logger ?? createLogger(env.logLevel, env.instanceId);
  // The adapters' schemas are checked in the same pass, so a bad file lists every problem at once.
  const hubConfig = config ?? loadHubConfig(env.configFile ?? DEMO_CONFIG_PATH, process.env, { checkAdapters: (a) => checkAdapterInstances({ adapters: a }, adapters) });
  const adapterIssues = checkAdapterInstances(hubConfig, adapters);
  if (adapterIssues.length) throw new ConfigError(adapterIssues, env.configFile ?? 'configuration');
  if (!env.configFile && !config)
    log.warn(
      { event: 'config.demo', file: DEMO_CONFIG_PATH },
      'no CABINET_HUB_CONFIG given: running on the bundled demo configuration (tenant "demo"; its 1C instance is disabled, so routed appeals wait in hub.work.edms-demo). To see the whole flow with every mock, run `npm run demo` in a source checkout',
    );

  // Until the database answers, a plain server on the hub's port says what the hub waits for.
  const startup = new StartupHealth();
  await startup.listen(env.httpPort, env.httpHost);
  let app: NestExpressApplication;
  let dataSource: DataSource;
  try {
    startup.waitFor('postgresql');
    // Migration and the pool's first connection are one step: a restart in the middle of either
    // starts both again (migrations are transactional and skip what is already applied).
    dataSource = await untilDatabase(async () => {
      const applied = await migrate(env, log);
      if (applied.length) log.info({ event: 'db.migrated', migrations: applied }, 'database migrated');
      const ds = createDataSource(env, env.databasePoolSize ?? 20, log);
      await ds.initialize();
      return ds;
    }, log);
    startup.ready('postgresql');
    const pool = (dataSource.driver as unknown as { master?: { on(e: 'connect', cb: (c: { connection?: { stream?: Socket } }) => void): void } }).master;
    pool?.on('connect', (client) => batchSocketWrites(client.connection?.stream));
    app = await buildApp(env, hubConfig, log, dataSource, adapters, clock);
  } finally {
    await startup.close();
  }
  await app.listen(env.httpPort, env.httpHost);
  // Download links name the port actually listened on (it differs from HTTP_PORT when that is 0), before any adapter keeps a file.
  app.get(DownloadLinks).useListeningPort((app.getHttpServer().address() as { port: number }).port);
  await app.get(IngressConsumer).start();
  await app.get(AdapterRunner).start();
  await app.get(NotifyConsumer).start();
  app.get(DeliverySweeper).start();
  app.get(DeadlineScheduler).start();
  // Dead letters: the keeper moves *.dlq messages into PostgreSQL (deadLetters.keep); the job runs redrive plans.
  await app.get(DeadLetterKeeper).start();
  app.get(DeadLetterRedriveJob).start();
  await app.get(AdapterRunner).registerCallbacks();

  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  log.info({ event: 'hub.started', url, tenants: Object.keys(hubConfig.tenants), adapters: Object.keys(hubConfig.adapters) }, 'cabinet-hub started');

  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    config: hubConfig,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await dataSource.destroy().catch(() => undefined);
        log.info({ event: 'hub.stopped' }, 'cabinet-hub stopped');
        log.flush?.();
      })()),
  };
}
