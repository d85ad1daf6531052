import { InMemoryBroker, InMemoryQueueAdmin } from '@courier-nest/consumer';
import { uniqueName } from '../harness/env';
import type { ContractMessage } from './consumer-contract';
import { describeQueueAdminContract } from './queue-admin-contract';

describeQueueAdminContract('in-memory', () => {
  const broker = new InMemoryBroker();
  return {
    open: async () => undefined,
    close: async () => broker.close(),
    newQueue: async () => {
      const queue = uniqueName('qadmin');
      broker.consumerFactory(queue); // what makes it a consumer queue the admin serves
      return queue;
    },
    publish: async (queue, payload, options = {}) => broker.publish(queue, payload, options),
    factory: (queue) => broker.consumerFactory(queue),
    admin: () => new InMemoryQueueAdmin(broker),
    drain: async (queue): Promise<ContractMessage[]> =>
      broker
        .take(queue, () => true, Infinity)
        .map((message) => ({
          payload: message.payload,
          headers: { ...message.attributes.headers },
          messageId: message.attributes.messageId,
          routingKey: message.attributes.routingKey,
        })),
  };
});
