import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OutboxHealthIndicator } from './health/outbox.health';
import { OutboxMetrics, outboxMetricProviders } from './metrics/outbox.metrics';
import { RESOLVED_OUTBOX_OPTIONS } from './outbox.constants';
import { ConfigurableOutboxModule, OUTBOX_OPTIONS_TYPE } from './outbox.module-definition';
import { resolveOutboxOptions } from './outbox-options.resolver';
import { outboxCoreProviders } from './outbox.providers';
import { OutboxSchemaInitializer } from './outbox-schema.initializer';
import { OutboxService } from './outbox.service';
import { OutboxNotificationListener } from './relay/outbox-notification.listener';
import { OutboxRelay, RELAY_OBSERVER } from './relay/outbox-relay.service';
import { ScheduledMessagesMover } from './relay/scheduled-messages.mover';
import { OutboxTransactions } from './transaction/outbox-transactions.service';
import { TransactionalInterceptor } from './transaction/transactional.interceptor';

/**
 * The transactional outbox: `OutboxService.publish(manager, …)` writes in your
 * transaction, the relay publishes what committed through the transport registered
 * under `OUTBOX_PUBLISHER` (import `CourierRabbitMQModule`).
 *
 * @example
 * OutboxModule.forRoot({ migrationsRun: true, relay: { batchSize: 200 } })
 */
@Module({
  imports: [TerminusModule],
  providers: [
    ...outboxCoreProviders,
    ...outboxMetricProviders,
    OutboxSchemaInitializer,
    OutboxRelay,
    ScheduledMessagesMover,
    OutboxNotificationListener,
    OutboxService,
    OutboxTransactions,
    TransactionalInterceptor,
    OutboxHealthIndicator,
    OutboxMetrics,
    { provide: RELAY_OBSERVER, useExisting: OutboxMetrics },
  ],
  exports: [
    OutboxService,
    OutboxRelay,
    OutboxTransactions,
    TransactionalInterceptor,
    OutboxHealthIndicator,
    RESOLVED_OUTBOX_OPTIONS,
  ],
})
export class OutboxModule extends ConfigurableOutboxModule {
  /** Validates the options at once, so a bad one fails before any connection is opened. */
  static override forRoot(options: typeof OUTBOX_OPTIONS_TYPE = {}): DynamicModule {
    resolveOutboxOptions(options);
    return super.forRoot(options);
  }
}
