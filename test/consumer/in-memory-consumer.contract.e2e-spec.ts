import { InMemoryBroker } from '@courier-nest/consumer';
import { uniqueName } from '../harness/env';
import { describeConsumerContract, type ContractMessage } from './consumer-contract';

describeConsumerContract('in-memory', () => {
  let broker = new InMemoryBroker();
  const taken = new Map<string, number>();
  return {
    open: async () => void (broker = new InMemoryBroker()),
    close: async () => broker.close(),
    newQueue: async () => uniqueName('contract'),
    publish: async (queue, payload, options = {}) => broker.publish(queue, payload, options),
    factory: (queue) => broker.consumerFactory(queue),
    ready: async (queue) => broker.messages(queue).length,
    takeDeadLetters: async (queue): Promise<ContractMessage[]> => {
      const all = broker.messages(`${queue}.dead`);
      const from = taken.get(queue) ?? 0;
      taken.set(queue, all.length);
      return all.slice(from).map((m) => ({
        payload: m.payload,
        headers: { ...m.attributes.headers },
        messageId: m.attributes.messageId,
        routingKey: m.attributes.routingKey,
      }));
    },
    breakConsumers: async (queue) => broker.disconnect(queue),
  };
});
