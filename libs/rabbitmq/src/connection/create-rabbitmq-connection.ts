import type { CourierRabbitMQOptions } from '../interfaces';
import { resolveRabbitMQOptions } from '../rabbitmq-options.resolver';
import { RabbitMQConnection } from './rabbitmq.connection';

/**
 * A recovering RabbitMQ connection outside Nest, for the consumer builder in scripts and
 * command-line tools. The options are those of `CourierRabbitMQModule.forRoot`, checked the
 * same way (a bad one throws `InvalidOptionError` here). Nothing is opened until `connect()`;
 * like the module's connection, `connect()` does not wait for the broker: await
 * `waitUntilConnected()` where that matters, and `close()` when done.
 *
 * @example
 * const connection = createRabbitMQConnection({ uri: process.env.AMQP_URL!, connectionName: 'importer' });
 * const runner = new ConsumerBuilder(new RabbitMQConsumerFactory(connection, { queue: 'jobs' }))
 *   .withProcessor(async () => Outcome.ack())
 *   .build();
 * await connection.connect();
 * runner.start();
 */
export function createRabbitMQConnection(options: CourierRabbitMQOptions): RabbitMQConnection {
  return new RabbitMQConnection(resolveRabbitMQOptions(options));
}
