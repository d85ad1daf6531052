import type { Provider } from '@nestjs/common';
import { backoffDelayRanges, ConsumerRegistry } from '@courier-nest/consumer';
import { RabbitMQConnection } from '../connection/rabbitmq.connection';
import { RabbitMQConsumerTransport } from '../consumer/rabbitmq-consumer.transport';
import { retryLevelsBetween } from '../consumer/retry-queues';
import { RabbitMQQueueAdmin, type RabbitMQAdminQueue } from './rabbitmq-queue.admin';

/**
 * The module's queue admin: it serves the queues the consumer transport made consumers for
 * (the `@ConsumeQueue` queues, once the application started). Their retry queues are the
 * levels the consumer's backoff can reach (from `ConsumerModule`'s options, so those another
 * replica declared count too) and the levels this process used (a processor's own delays).
 */
export const rabbitMQQueueAdminProvider: Provider = {
  provide: RabbitMQQueueAdmin,
  useFactory: (
    connection: RabbitMQConnection,
    transport: RabbitMQConsumerTransport,
    registry?: ConsumerRegistry,
  ) =>
    new RabbitMQQueueAdmin(connection, () =>
      transport.consumerFactories().map((factory): RabbitMQAdminQueue => ({
        source: factory.source,
        deadLetterQueue: factory.deadLetterQueue,
        retryLevelsMs: () => [
          ...backoffDelayRanges(registry?.runnerOptions(factory.source)).flatMap(({ minMs, maxMs }) =>
            retryLevelsBetween(minMs, maxMs),
          ),
          ...factory.retryLevelsMs(),
        ],
      })),
    ),
  inject: [RabbitMQConnection, RabbitMQConsumerTransport, { token: ConsumerRegistry, optional: true }],
};
