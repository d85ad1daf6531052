import { connect, type Channel, type ChannelModel } from 'amqplib';
import { RabbitMQOutboxPublisher, type RabbitMQConnection } from '@courier-nest/rabbitmq';
import { resolveRabbitMQOptions } from '@courier-nest/rabbitmq/rabbitmq-options.resolver';
import { brokerControl } from '../harness/broker-control';
import { AMQP_URL, uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { describePublisherContract, type ReceivedMessage } from './publisher-contract';

describePublisherContract('RabbitMQ', () => {
  const exchanges = new Set<string>();
  const queues = new Set<string>();
  let connection: RabbitMQConnection;
  let publisher: RabbitMQOutboxPublisher;
  let probe: { model: ChannelModel; channel: Channel } | undefined;

  // The test's own channel, opened again after the restart closed it.
  const channel = async (): Promise<Channel> => {
    if (!probe) {
      const model = await connect(AMQP_URL);
      model.on('error', () => undefined);
      model.on('close', () => (probe = undefined));
      probe = { model, channel: await model.createChannel() };
    }
    return probe.channel;
  };

  return {
    open: async () => {
      connection = await openCourierConnection(uniqueName('publisher-contract'));
      publisher = new RabbitMQOutboxPublisher(
        connection,
        resolveRabbitMQOptions({ uri: AMQP_URL, confirmTimeoutMs: 2_000 }),
      );
      publisher.onModuleInit();
    },
    close: async () => {
      await brokerControl.start().catch(() => undefined);
      const ch = await channel();
      for (const queue of queues) await ch.deleteQueue(queue);
      for (const exchange of exchanges) await ch.deleteExchange(exchange);
      await probe?.model.close();
      await connection.onApplicationShutdown();
    },
    publisher: () => publisher,
    declareDestination: async (destination) => {
      exchanges.add(destination);
      await (await channel()).assertExchange(destination, 'topic', { durable: true });
    },
    subscribe: async (destination, queue) => {
      exchanges.add(destination);
      queues.add(queue);
      const ch = await channel();
      await ch.assertExchange(destination, 'topic', { durable: true });
      await ch.assertQueue(queue, { durable: true });
      await ch.bindQueue(queue, destination, '#');
    },
    take: async (queue) => {
      const taken: ReceivedMessage[] = [];
      const ch = await channel();
      for (;;) {
        const message = await ch.get(queue, { noAck: true });
        if (!message) return taken;
        taken.push({
          messageId: message.properties.messageId,
          body: message.content.toString('utf8'),
          type: message.properties.type,
          headers: { ...message.properties.headers },
        });
      }
    },
    stopServer: () => brokerControl.stop(),
    startServer: () => brokerControl.start(),
  };
});
