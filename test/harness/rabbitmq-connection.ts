import { RabbitMQConnection } from '@courier/rabbitmq';
import { resolveRabbitMQOptions } from '@courier/rabbitmq/rabbitmq-options.resolver';
import { AMQP_URL } from './env';

/** A Courier connection outside Nest, named so a test can find and break it with rabbitmqctl. */
export async function openCourierConnection(connectionName: string): Promise<RabbitMQConnection> {
  const connection = new RabbitMQConnection(
    resolveRabbitMQOptions({
      uri: AMQP_URL,
      connectionName,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    }),
  );
  await connection.onModuleInit();
  await connection.waitUntilConnected();
  return connection;
}
