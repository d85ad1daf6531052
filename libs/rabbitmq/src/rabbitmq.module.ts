import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OUTBOX_PUBLISHER } from '@courier/outbox';
import { RabbitMQConnection } from './connection/rabbitmq.connection';
import { RabbitMQHealthIndicator } from './health/rabbitmq.health';
import { RabbitMQInboxBridge } from './inbox/rabbitmq-inbox.bridge';
import { RabbitMQOutboxPublisher } from './publisher/rabbitmq-outbox.publisher';
import {
  ConfigurableRabbitMQModule,
  RABBITMQ_MODULE_OPTIONS,
  RABBITMQ_OPTIONS_TYPE,
} from './rabbitmq.module-definition';
import { RESOLVED_RABBITMQ_OPTIONS, resolveRabbitMQOptions } from './rabbitmq-options.resolver';

/**
 * RabbitMQ for Courier: one recovering connection, the outbox publisher (registered
 * as `OUTBOX_PUBLISHER`) and a health indicator. Global by default.
 *
 * @example
 * CourierRabbitMQModule.forRoot({ uri: process.env.AMQP_URL })
 */
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: RESOLVED_RABBITMQ_OPTIONS,
      useFactory: resolveRabbitMQOptions,
      inject: [RABBITMQ_MODULE_OPTIONS],
    },
    RabbitMQConnection,
    RabbitMQOutboxPublisher,
    { provide: OUTBOX_PUBLISHER, useExisting: RabbitMQOutboxPublisher },
    RabbitMQHealthIndicator,
    RabbitMQInboxBridge,
  ],
  exports: [
    RabbitMQConnection,
    RabbitMQOutboxPublisher,
    OUTBOX_PUBLISHER,
    RabbitMQHealthIndicator,
    RabbitMQInboxBridge,
  ],
})
export class CourierRabbitMQModule extends ConfigurableRabbitMQModule {
  /** Validates the options at once, so a bad one fails before any connection is opened. */
  static override forRoot(options: typeof RABBITMQ_OPTIONS_TYPE): DynamicModule {
    resolveRabbitMQOptions(options);
    return super.forRoot(options);
  }
}
