export { redactUri } from './connection/redact-uri';
export { RabbitMQConnection } from './connection/rabbitmq.connection';
export { createRabbitMQConnection } from './connection/create-rabbitmq-connection';
export { RabbitMQHealthIndicator } from './health/rabbitmq.health';
export { DEAD_LETTER_REASON_HEADER, RabbitMQInboxBridge } from './inbox/rabbitmq-inbox.bridge';
export type { CourierRabbitMQOptions, RabbitMQInboxOptions } from './interfaces';
export { toAmqpPublish } from './publisher/amqp-message.mapper';
export { RabbitMQOutboxPublisher } from './publisher/rabbitmq-outbox.publisher';
export { CourierRabbitMQModule } from './rabbitmq.module';
export { RABBITMQ_ASYNC_OPTIONS_TYPE, RABBITMQ_OPTIONS_TYPE } from './rabbitmq.module-definition';
export {
  RabbitMQConsumerFactory,
  type RabbitMQConsumerFactoryOptions,
} from './consumer/rabbitmq-consumer.factory';
export { retryLevelMs, retryQueueName } from './consumer/retry-queues';
export { RabbitMQConsumerTransport } from './consumer/rabbitmq-consumer.transport';
