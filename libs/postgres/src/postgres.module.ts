import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONSUMER_QUEUE_ADMIN, CONSUMER_TRANSPORT } from '@courier-nest/consumer';
import { PostgresQueueAdmin } from './admin/postgres-queue.admin';
import { OUTBOX_PUBLISHER } from '@courier-nest/core';
import { PostgresBusProvider } from './bus.provider';
import { PostgresConsumerTransport } from './consumer/postgres-consumer.transport';
import { PostgresBusHealthIndicator } from './health/postgres-bus.health';
import { PostgresInboxBridge } from './inbox/postgres-inbox.bridge';
import { BusMetrics, busMetricProviders } from './metrics/bus.metrics';
import {
  ConfigurablePostgresModule,
  POSTGRES_MODULE_OPTIONS,
  POSTGRES_OPTIONS_TYPE,
} from './postgres.module-definition';
import { RESOLVED_POSTGRES_OPTIONS, resolvePostgresOptions } from './postgres-options.resolver';
import { PostgresOutboxPublisher } from './publisher/postgres-outbox.publisher';

/**
 * PostgreSQL as Courier's transport, no broker: the outbox publisher (`OUTBOX_PUBLISHER`),
 * the consumer transport (`CONSUMER_TRANSPORT`) and its queue admin (`CONSUMER_QUEUE_ADMIN`, for the operations console), the inbox feed, a health indicator and metrics, on queues in a
 * PostgreSQL schema of their own. It replaces `CourierRabbitMQModule` one for one: no
 * handler changes. Global by default.
 *
 * @example
 * CourierPostgresModule.forRoot({ url: process.env.DATABASE_URL })
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: RESOLVED_POSTGRES_OPTIONS,
      useFactory: resolvePostgresOptions,
      inject: [POSTGRES_MODULE_OPTIONS],
    },
    PostgresBusProvider,
    {
      provide: PostgresOutboxPublisher,
      useFactory: (provider: PostgresBusProvider) => new PostgresOutboxPublisher(provider.bus),
      inject: [PostgresBusProvider],
    },
    { provide: OUTBOX_PUBLISHER, useExisting: PostgresOutboxPublisher },
    PostgresConsumerTransport,
    { provide: CONSUMER_TRANSPORT, useExisting: PostgresConsumerTransport },
    {
      provide: PostgresQueueAdmin,
      useFactory: (provider: PostgresBusProvider, transport: PostgresConsumerTransport) =>
        new PostgresQueueAdmin(provider.bus, () =>
          transport.consumerFactories().map((factory) => ({
            queue: factory.source,
            deadLetterQueue: factory.deadLetterQueue,
            subscribed: () => factory.subscribed,
          })),
        ),
      inject: [PostgresBusProvider, PostgresConsumerTransport],
    },
    { provide: CONSUMER_QUEUE_ADMIN, useExisting: PostgresQueueAdmin },
    PostgresInboxBridge,
    PostgresBusHealthIndicator,
    ...busMetricProviders,
    BusMetrics,
  ],
  exports: [
    PostgresBusProvider,
    PostgresOutboxPublisher,
    OUTBOX_PUBLISHER,
    PostgresConsumerTransport,
    CONSUMER_TRANSPORT,
    PostgresQueueAdmin,
    CONSUMER_QUEUE_ADMIN,
    PostgresInboxBridge,
    PostgresBusHealthIndicator,
  ],
})
export class CourierPostgresModule extends ConfigurablePostgresModule {
  /** Validates the options at once, so a bad one fails before any connection is opened. */
  static override forRoot(options: typeof POSTGRES_OPTIONS_TYPE): DynamicModule {
    resolvePostgresOptions(options);
    return super.forRoot(options);
  }
}
