import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CONSUMER_QUEUE_ADMIN, CONSUMER_TRANSPORT } from '@courier-nest/consumer';
import { OUTBOX_PUBLISHER, REQUEST_CLIENT, REQUEST_RESPONDER } from '@courier-nest/core';
import { rabbitMQQueueAdminProvider } from './admin/rabbitmq-queue-admin.provider';
import { RabbitMQQueueAdmin } from './admin/rabbitmq-queue.admin';
import { RabbitMQConnection } from './connection/rabbitmq.connection';
import { RabbitMQConsumerTransport } from './consumer/rabbitmq-consumer.transport';
import { RabbitMQHealthIndicator } from './health/rabbitmq.health';
import { RabbitMQInboxBridge } from './inbox/rabbitmq-inbox.bridge';
import { RabbitMQOutboxPublisher } from './publisher/rabbitmq-outbox.publisher';
import { RabbitMQRpcClient } from './rpc/rabbitmq-rpc.client';
import { RabbitMQRpcResponder } from './rpc/rabbitmq-rpc.responder';
import {
  ConfigurableRabbitMQModule,
  RABBITMQ_MODULE_OPTIONS,
  RABBITMQ_OPTIONS_TYPE,
} from './rabbitmq.module-definition';
import { RESOLVED_RABBITMQ_OPTIONS, resolveRabbitMQOptions } from './rabbitmq-options.resolver';

/**
 * RabbitMQ for Courier: one recovering connection, the outbox publisher (registered
 * as `OUTBOX_PUBLISHER`), the consumer transport (`CONSUMER_TRANSPORT`) and its queue admin
 * (`CONSUMER_QUEUE_ADMIN`, for the operations console), the RPC client and responder
 * (`RabbitMQRpcClient`, `RabbitMQRpcResponder`) and a health indicator. Global by default.
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
    RabbitMQConsumerTransport,
    { provide: CONSUMER_TRANSPORT, useExisting: RabbitMQConsumerTransport },
    rabbitMQQueueAdminProvider,
    { provide: CONSUMER_QUEUE_ADMIN, useExisting: RabbitMQQueueAdmin },
    // Plain classes (usable without Nest), built here on the module's connection.
    {
      provide: RabbitMQRpcClient,
      useFactory: (connection: RabbitMQConnection) => new RabbitMQRpcClient(connection),
      inject: [RabbitMQConnection],
    },
    {
      provide: RabbitMQRpcResponder,
      useFactory: (connection: RabbitMQConnection) => new RabbitMQRpcResponder(connection),
      inject: [RabbitMQConnection],
    },
    { provide: REQUEST_CLIENT, useExisting: RabbitMQRpcClient },
    { provide: REQUEST_RESPONDER, useExisting: RabbitMQRpcResponder },
  ],
  exports: [
    CONSUMER_TRANSPORT,
    CONSUMER_QUEUE_ADMIN,
    RabbitMQQueueAdmin,
    RabbitMQConnection,
    RabbitMQOutboxPublisher,
    OUTBOX_PUBLISHER,
    RabbitMQHealthIndicator,
    RabbitMQInboxBridge,
    RabbitMQRpcClient,
    RabbitMQRpcResponder,
    REQUEST_CLIENT,
    REQUEST_RESPONDER,
  ],
})
export class CourierRabbitMQModule extends ConfigurableRabbitMQModule {
  /** Validates the options at once, so a bad one fails before any connection is opened. */
  static override forRoot(options: typeof RABBITMQ_OPTIONS_TYPE): DynamicModule {
    resolveRabbitMQOptions(options);
    return super.forRoot(options);
  }
}
