import type { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { RabbitMQConsumerFactory } from '@courier-nest/rabbitmq';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { sendConfirmed } from '../harness/broker';
import { brokerControl } from '../harness/broker-control';
import { AMQP_URL, uniqueName } from '../harness/env';
import { openCourierConnection } from '../harness/rabbitmq-connection';
import { describeConsumerContract, type ContractMessage } from './consumer-contract';

describeConsumerContract('RabbitMQ', () => {
  const connectionName = uniqueName('consumer-contract');
  const queues: string[] = [];
  let connection: RabbitMQConnection;
  let probe: ChannelModel;
  let channel: ConfirmChannel;
  return {
    open: async () => {
      connection = await openCourierConnection(connectionName);
      probe = await connect(AMQP_URL);
      channel = await probe.createConfirmChannel();
    },
    close: async () => {
      for (const queue of queues) {
        await channel.deleteQueue(queue).catch(() => undefined);
        await channel.deleteQueue(`${queue}.dead`).catch(() => undefined);
      }
      await probe.close();
      await connection.onApplicationShutdown();
    },
    newQueue: async () => {
      const queue = uniqueName('contract');
      queues.push(queue);
      await channel.assertQueue(queue, { durable: true });
      return queue;
    },
    publish: (queue, payload, options = {}) => sendConfirmed(channel, queue, payload, options),
    factory: (queue) => new RabbitMQConsumerFactory(connection, { queue }),
    ready: async (queue) => (await channel.checkQueue(queue)).messageCount,
    takeDeadLetters: async (queue) => {
      const taken: ContractMessage[] = [];
      await channel.assertQueue(`${queue}.dead`, { durable: true });
      for (;;) {
        const message = await channel.get(`${queue}.dead`, { noAck: true });
        if (!message) return taken;
        taken.push({
          payload: message.content,
          headers: { ...message.properties.headers },
          messageId: message.properties.messageId,
          routingKey: message.fields.routingKey,
        });
      }
    },
    breakConsumers: async () => {
      expect(await brokerControl.closeConnections(connectionName)).toBe(1);
    },
  };
});
