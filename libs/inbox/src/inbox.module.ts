import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { InboxDispatcher } from './dispatcher/inbox-dispatcher.service';
import { InboxConfigurationError } from './errors/inbox-configuration.error';
import { InboxHealthIndicator } from './health/inbox.health';
import { INBOX_FEED } from '@courier-nest/core';
import { INBOX_DATA_SOURCE, RESOLVED_INBOX_OPTIONS } from './inbox.constants';
import { InboxExplorer } from './inbox.explorer';
import { InboxHandlerRegistrar } from './inbox-handler.registrar';
import { inboxFeedProvider } from './inbox-feed.provider';
import { ConfigurableInboxModule, INBOX_MODULE_OPTIONS, INBOX_OPTIONS_TYPE } from './inbox.module-definition';
import { InboxNotificationListener } from './inbox-notification.listener';
import { resolveInboxOptions, type ResolvedInboxOptions } from './inbox-options.resolver';
import { InboxRegistry } from './inbox.registry';
import { InboxSchemaInitializer } from './inbox-schema.initializer';
import { InboxService } from './inbox.service';
import { InboxDeadSql } from './inbox-dead.sql';
import { InboxDeadStore } from './inbox-dead.store';
import { InboxSql } from './inbox.sql';
import { InboxStore } from './inbox.store';
import type { InboxModuleOptions } from './interfaces/inbox-options.interface';
import { InboxMetrics, inboxMetricProviders } from './metrics/inbox.metrics';
import { InboxRetention } from './retention/inbox-retention.service';

/**
 * The durable inbox: `@InboxHandler` methods are found at bootstrap; `InboxService.receive`
 * stores each message once; the dispatcher runs every handler until done or dead.
 * A transport (CourierRabbitMQModule) feeds it from the broker.
 *
 * @example
 * InboxModule.forRoot({ handlerTimeoutMs: 10_000, maxAttempts: 5 })
 */
@Module({
  imports: [DiscoveryModule, TerminusModule],
  providers: [
    {
      provide: RESOLVED_INBOX_OPTIONS,
      useFactory: (o: InboxModuleOptions) => resolveInboxOptions(o),
      inject: [INBOX_MODULE_OPTIONS],
    },
    {
      provide: InboxStore,
      useFactory: (options: ResolvedInboxOptions, dataSource: DataSource) =>
        new InboxStore(postgresPool(dataSource), new InboxSql(options.schema)),
      inject: [RESOLVED_INBOX_OPTIONS, INBOX_DATA_SOURCE],
    },
    {
      provide: InboxDeadStore,
      useFactory: (options: ResolvedInboxOptions, dataSource: DataSource) =>
        new InboxDeadStore(postgresPool(dataSource), new InboxDeadSql(options.schema)),
      inject: [RESOLVED_INBOX_OPTIONS, INBOX_DATA_SOURCE],
    },
    ...inboxMetricProviders,
    InboxMetrics,
    InboxRegistry,
    InboxHandlerRegistrar,
    InboxExplorer,
    InboxSchemaInitializer,
    InboxDispatcher,
    InboxNotificationListener,
    InboxRetention,
    InboxService,
    InboxHealthIndicator,
    inboxFeedProvider,
  ],
  exports: [InboxService, InboxDispatcher, InboxRetention, InboxHealthIndicator, INBOX_FEED],
})
export class InboxModule extends ConfigurableInboxModule {
  /** Validates the options at once, so a bad one fails before any connection is opened. */
  static override forRoot(options: typeof INBOX_OPTIONS_TYPE = {}): DynamicModule {
    resolveInboxOptions(options);
    return super.forRoot(options);
  }
}

/** TypeORM's own pool: the stores use node-postgres directly (named prepared statements, LISTEN). */
function postgresPool(dataSource: DataSource): Pool {
  if (dataSource.options.type !== 'postgres') {
    throw new InboxConfigurationError(
      `The inbox needs a PostgreSQL DataSource (type "postgres"); the configured one is "${dataSource.options.type}".`,
    );
  }
  return (dataSource.driver as unknown as { master: Pool }).master;
}
