import { PostgresConsumerFactory, PostgresQueueAdmin, type PostgresBus } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { uniqueName } from '../harness/env';
import { openTestBus, type TestBus } from '../harness/test-bus';
import { describeQueueAdminContract } from './queue-admin-contract';

describeQueueAdminContract('PostgreSQL', () => {
  const schema = uniqueName('bus_qadmin');
  const factories = new Map<string, PostgresConsumerFactory>();
  let testBus: TestBus;
  let bus: PostgresBus;
  const factory = (queue: string) => {
    let made = factories.get(queue);
    if (!made) {
      made = new PostgresConsumerFactory(bus, queue, { leaseMs: 1_000, pollIntervalMs: 100 }, quietLogger);
      factories.set(queue, made);
    }
    return made;
  };
  return {
    open: async () => {
      testBus = await openTestBus(schema);
      ({ bus } = testBus);
    },
    close: () => testBus.close(),
    newQueue: async () => {
      const queue = uniqueName('qadmin');
      await bus.declareQueues(queue, `${queue}.dead`);
      factory(queue); // what makes it a consumer queue the admin serves
      return queue;
    },
    publish: (queue, payload, options = {}) =>
      bus.send(queue, [
        {
          messageId: options.messageId ?? null,
          body: payload,
          properties: {
            ...(options.contentType ? { contentType: options.contentType } : {}),
            ...(options.type ? { type: options.type } : {}),
          },
          headers: options.headers ?? {},
        },
      ]),
    factory,
    admin: () =>
      new PostgresQueueAdmin(bus, () =>
        [...factories.values()].map((made) => ({
          queue: made.source,
          deadLetterQueue: made.deadLetterQueue,
          subscribed: () => made.subscribed,
        })),
      ),
    drain: (queue) => testBus.take(queue, true),
  };
});
