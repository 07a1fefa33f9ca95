import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AdapterDefinition } from '../../contracts';
import { AdapterRunner } from '../adapter-host/adapter.runner';
import { AttemptRepository } from '../adapter-host/attempt.repository';
import { CaseRepository } from '../cases/case.repository';
import { CaseStateService } from '../cases/case-state.service';
import { CaseViewService } from '../cases/case-view.service';
import { CaseAccessService } from '../portal/case-access.service';
import { CaseController } from '../portal/case.controller';
import { OpenApiController } from '../portal/openapi.controller';
import { KpiController } from '../portal/kpi.controller';
import { EvidenceController } from '../portal/evidence.controller';
import { ChainService } from '../evidence/chain.service';
import { AdapterCursorRepository } from '../adapter-host/adapter-cursor.repository';
import { DELIVERY_REPORTS } from '../adapter-host/delivery-reports.port';
import { ResultCommitService } from '../adapter-host/result-commit.service';
import { ConsumerFactory } from '../messaging/consumer.factory';
import { CallbackService } from '../notifications/callback.service';
import { NotificationRules } from '../notifications/notification-rules.service';
import { DataSource } from 'typeorm';
import type { EnvConfig } from '../config/env.config';
import type { HubConfig } from '../config/hub-config.schema';
import { HttpIngressController } from '../ingress/http-ingress.controller';
import { IngressConsumer } from '../ingress/ingress.consumer';
import { IngressPipeline } from '../ingress/ingress.pipeline';
import { AmqpClient } from '../messaging/amqp.client';
import { ConfirmPublisher } from '../messaging/confirm.publisher';
import { FailureRouter } from '../messaging/failure.router';
import { TopologyPlan } from '../messaging/topology.plan';
import { MetricsService } from '../metrics/metrics.service';
import { OpsController } from '../ops/ops.controller';
import { OutboxCompleter } from '../outbox/outbox.completer';
import { OutboxRelay } from '../outbox/outbox.relay';
import { JournalRepository } from '../persistence/journal.repository';
import { Router } from '../routing/event.router';
import { BotService } from '../notifications/bot.service';
import { DeliverySweeper } from '../notifications/delivery.sweeper';
import { NotificationRepository } from '../notifications/notification.repository';
import { NotificationService } from '../notifications/notification.service';
import { NotifyConsumer } from '../notifications/notify.consumer';
import { TemplateCatalog } from '../templates/template.catalog';
import { TemplateController } from '../notifications/template.controller';
import { WebhookController } from '../notifications/webhook.controller';
import { EventEmitter } from '../outbox/event.emitter';
import { TransactionRunner } from '../persistence/transaction.runner';
import { ADAPTER_DEFINITIONS, ADAPTER_FILES, CLOCK, type Clock, ENV_CONFIG, FILE_STORE, HUB_CONFIG, LOGGER } from '../config/injection.tokens';
import { DownloadLinks } from '../files/download-link.signer';
import { FileDownloadController } from '../files/file-download.controller';
import { FileLinkKeyRepository } from '../files/file-link-key.repository';
import { createFileStore } from '../files/file-store.factory';
import type { FileStore } from '../files/file-store.port';
import { FileIntake, HubFiles } from '../files/hub-files.service';
import { FileIntakeService, INTAKE_STORE } from '../adapter-host/file-intake.service';
import { UrlFetcher } from '../files/url.fetcher';
import { FileTenantRepository } from '../files/file-tenant.repository';
import { poolOf } from '../persistence/database.setup';
import { DeadlineRepository } from '../deadlines/deadline.repository';
import { DeadlineScheduler } from '../deadlines/deadline.scheduler';
import { DeadlineService } from '../deadlines/deadline.service';
import { KpiService } from '../deadlines/kpi.service';
import { TenantCalendars } from '../deadlines/tenant.calendars';
import { CalendarRepository } from '../deadlines/calendar.repository';
import { CalendarService } from '../deadlines/calendar.service';
import { AdminSessionRepository } from '../admin/auth/admin-session.repository';
import { AdminAuthService } from '../admin/auth/admin-auth.service';
import { AdminGuard } from '../admin/auth/admin.guard';
import { OidcLogin } from '../admin/auth/oidc-login.service';
import { AdminAudit } from '../admin/audit/admin-audit.service';
import { ConsoleController } from '../admin/console/console.controller';
import { AuditController } from '../admin/audit/audit.controller';
import { TokenController } from '../admin/auth/token.controller';
import { EvidenceExportController } from '../admin/audit/evidence-export.controller';
import { AdminCasesController } from '../admin/cases/cases.controller';
import { CasesConsoleController } from '../admin/cases/cases-console.controller';
import { CaseSearchService } from '../admin/cases/case-search.service';
import { CaseTimelineService } from '../admin/cases/case-timeline.service';
import { PiiRevealService } from '../admin/cases/pii-reveal.service';
import { CASE_TIMELINE_SOURCES, type TimelineSource } from '../admin/cases/timeline-source.port';
import { AttemptTimelineSource, CaseAuditTimelineSource, NotificationTimelineSource } from '../admin/cases/timeline-sources.service';
import { DeadLetterTimelineSource } from '../admin/dead-letters/dead-letter-timeline.service';
// Admin operations (issue 10, items 7-9): adapters and breakers, configuration and dry run, SLA dashboard.
import { AdapterOverrideRepository } from '../adapter-host/adapter-override.repository';
import { BreakerOverrides } from '../adapter-host/breaker-override.service';
import { QueueStatsClient } from '../admin/adapters/queue-stats.client';
import { AdapterStatusService } from '../admin/adapters/adapter-status.service';
import { AdaptersController } from '../admin/adapters/adapters.controller';
import { EffectiveConfigService } from '../admin/operations/effective-config.service';
import { DryRunService } from '../admin/operations/dry-run.service';
import { ConfigController } from '../admin/operations/config.controller';
import { DashboardService } from '../admin/dashboard/dashboard.service';
import { DashboardController } from '../admin/dashboard/dashboard.controller';

import { DeadLetterKeeper } from '../admin/dead-letters/dead-letter-keeper.consumer';
import { DeadLetterRedriveJob } from '../admin/dead-letters/dead-letter-redrive.service';
import { DeadLetterRepository } from '../admin/dead-letters/dead-letter.repository';
import { DeadLetterService } from '../admin/dead-letters/dead-letter.service';
import { DeadLetterController } from '../admin/dead-letters/dead-letter.controller';
import { DeadLetterConsoleController } from '../admin/dead-letters/dead-letter-console.controller';
/** What the hub module is built from: validated configuration, the logger and a ready data source. */
export interface HubModuleOptions {
  env: EnvConfig;
  adapters: readonly AdapterDefinition[];
  config: HubConfig;
  logger: Logger;
  dataSource: DataSource;
  /** The clock deadlines are computed with; default the real one (tests pass a simulated one). */
  clock?: Clock;
}

/**
 * The whole hub in one flat module: every provider is listed here once, dependencies are plain
 * constructor parameters, and there are no sub-module imports that could form cycles.
 */
@Module({})
export class HubModule {
  static forRoot(o: HubModuleOptions): DynamicModule {
    return {
      module: HubModule,
      controllers: [
        HttpIngressController,
        OpsController,
        WebhookController,
        TemplateController,
        CaseController,
        KpiController,
        OpenApiController,
        FileDownloadController,
        EvidenceController,
        ConsoleController,
        AuditController,
        TokenController,
        EvidenceExportController,
        // Dead letters (admin console, issue 10 item 6): JSON API and console pages.
        DeadLetterController,
        DeadLetterConsoleController,
        // Admin cases (issue 10, items 3-5): search, timeline, message view, audited reveal.
        AdminCasesController,
        CasesConsoleController,
        // Admin operations: adapters and breakers, configuration and dry run, SLA dashboard.
        AdaptersController,
        ConfigController,
        DashboardController,
      ],
      providers: [
        { provide: ENV_CONFIG, useValue: o.env },
        { provide: HUB_CONFIG, useValue: o.config },
        { provide: LOGGER, useValue: o.logger },
        { provide: DataSource, useValue: o.dataSource },
        { provide: ADAPTER_DEFINITIONS, useValue: o.adapters },
        { provide: CLOCK, useValue: o.clock ?? { now: () => new Date() } },
        CaseRepository,
        CaseStateService,
        CaseViewService,
        CaseAccessService,
        AttemptRepository,
        AdapterCursorRepository,
        ResultCommitService,
        ConsumerFactory,
        CallbackService,
        { provide: DELIVERY_REPORTS, useExisting: NotificationService },
        AdapterRunner,
        MetricsService,
        AmqpClient,
        TopologyPlan,
        ConfirmPublisher,
        FailureRouter,
        JournalRepository,
        Router,
        IngressPipeline,
        IngressConsumer,
        OutboxRelay,
        OutboxCompleter,
        EventEmitter,
        TransactionRunner,
        { provide: TemplateCatalog, useValue: new TemplateCatalog(o.config.notifications.templates) },
        NotificationRepository,
        NotificationService,
        NotificationRules,
        NotifyConsumer,
        BotService,
        DeliverySweeper,
        // Files: the store `hub.files.store` names, fetching by URL, download links; the adapter
        // host gives adapters ADAPTER_FILES (HubFiles) and fetches referenced files with FileIntake.
        { provide: FILE_STORE, useFactory: (db: DataSource, config: HubConfig) => createFileStore(config.hub.files.store, poolOf(db)), inject: [DataSource, HUB_CONFIG] },
        FileLinkKeyRepository,
        DownloadLinks,
        { provide: UrlFetcher, useFactory: (store: FileStore, config: HubConfig) => new UrlFetcher(store, config), inject: [FILE_STORE, HUB_CONFIG] },
        { provide: HubFiles, useFactory: (store: FileStore, links: DownloadLinks, config: HubConfig) => new HubFiles(store, links, config), inject: [FILE_STORE, DownloadLinks, HUB_CONFIG] },
        { provide: ADAPTER_FILES, useExisting: HubFiles },
        FileTenantRepository,
        {
          provide: FileIntake,
          useFactory: (store: FileStore, fetcher: UrlFetcher, tenants: FileTenantRepository) => new FileIntake(store, fetcher, tenants),
          inject: [FILE_STORE, UrlFetcher, FileTenantRepository],
        },
        // FileIntake fetches and opens what an event references: the intake's store as it is.
        { provide: INTAKE_STORE, useExisting: FileIntake },
        FileIntakeService,
        // Deadlines: calendars and legal profiles (data), the terms computed from each case's
        // journaled events, and the one scheduler that raises warnings, overdue and extensions.
        CalendarRepository,
        CalendarService,
        TenantCalendars,
        DeadlineRepository,
        DeadlineService,
        DeadlineScheduler,
        KpiService,
        // The tamper-evident journal: chainer and RFC 3161 checkpoints, a leader job (evidence.chain).
        ChainService,
        // The admin API and console: sessions and API tokens, the guard that checks every route,
        // OIDC sign-in, and the audit of admin actions (chained with the journal).
        AdminSessionRepository,
        AdminAuthService,
        AdminGuard,
        OidcLogin,
        AdminAudit,
        // Dead letters (admin console, issue 10 item 6): the keeper that moves *.dlq messages into
        // PostgreSQL, the service behind the API and pages, and the leader job that runs redrive plans.
        DeadLetterRepository,
        DeadLetterKeeper,
        DeadLetterService,
        DeadLetterRedriveJob,
        // Admin cases (issue 10, items 3-5): search, the case timeline and its sources, masked
        // personal data with an audited reveal. A new timeline source (dead letters) is one more
        // entry in CASE_TIMELINE_SOURCES: add its class to the list and to `inject`.
        CaseSearchService,
        CaseTimelineService,
        PiiRevealService,
        AttemptTimelineSource,
        CaseAuditTimelineSource,
        NotificationTimelineSource,
        DeadLetterTimelineSource,
        {
          provide: CASE_TIMELINE_SOURCES,
          useFactory: (...sources: TimelineSource[]) => sources,
          inject: [AttemptTimelineSource, CaseAuditTimelineSource, NotificationTimelineSource, DeadLetterTimelineSource],
        },
        // Admin operations: breakers held by hand (hub-wide, polled by every instance's runner),
        // queue depths, the adapters page, the masked configuration and dry run, the SLA dashboard.
        AdapterOverrideRepository,
        BreakerOverrides,
        QueueStatsClient,
        AdapterStatusService,
        EffectiveConfigService,
        DryRunService,
        DashboardService,
      ],
      exports: [ADAPTER_FILES, FileIntake, FILE_STORE],
    };
  }
}
