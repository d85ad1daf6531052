// The public surface of @courier-nest/rabbitmq: what an application writes against.
export { CourierRabbitMQModule } from './rabbitmq.module';
export type { CourierRabbitMQOptions, RabbitMQInboxOptions } from './interfaces';
export { RabbitMQConnection } from './connection/rabbitmq.connection';
export { createRabbitMQConnection } from './connection/create-rabbitmq-connection';
export { RabbitMQHealthIndicator } from './health/rabbitmq.health';
export { DEAD_LETTER_REASON_HEADER, RabbitMQInboxBridge } from './inbox/rabbitmq-inbox.bridge';
export { RabbitMQOutboxPublisher } from './publisher/rabbitmq-outbox.publisher';
export {
  RabbitMQConsumerFactory,
  type RabbitMQConsumerFactoryOptions,
} from './consumer/rabbitmq-consumer.factory';
export { RabbitMQConsumerTransport } from './consumer/rabbitmq-consumer.transport';
// The consumer queues' admin (dead letters: peek, requeue, purge), CONSUMER_QUEUE_ADMIN in Nest.
export { RabbitMQQueueAdmin, type RabbitMQAdminQueue } from './admin/rabbitmq-queue.admin';
// The retry queues' names, for operators and tests that look at them on the broker.
export { retryLevelMs, retryQueueName } from './consumer/retry-queues';
// Request / response with direct reply-to (docs/rpc.md).
export { RabbitMQRpcClient } from './rpc/rabbitmq-rpc.client';
export { RabbitMQRpcResponder } from './rpc/rabbitmq-rpc.responder';
export { DIRECT_REPLY_TO, RPC_ERROR_HEADER } from './rpc/rpc.constants';
export type {
  RabbitMQRpcClientOptions,
  RabbitMQRpcResponderOptions,
  RpcErrorBody,
  RpcHandler,
  RpcHeaders,
  RpcRequestContext,
  RpcRequestOptions,
  RpcServeOptions,
} from './rpc/rpc.interfaces';
export * from './rpc/errors';
