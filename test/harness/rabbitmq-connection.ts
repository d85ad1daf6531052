import { createRabbitMQConnection, type RabbitMQConnection } from '@courier-nest/rabbitmq';
import { AMQP_URL } from './env';

/**
 * A Courier connection outside Nest, made through the public factory (as a script's would be),
 * named so a test can find and break it with rabbitmqctl.
 */
export async function openCourierConnection(connectionName: string): Promise<RabbitMQConnection> {
  const connection = createRabbitMQConnection({
    uri: AMQP_URL,
    connectionName,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
  });
  await connection.connect();
  await connection.waitUntilConnected();
  return connection;
}
