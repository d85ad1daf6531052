import type { Client } from 'pg';
import { PostgresConsumerFactory, PostgresQueueAdmin, type PostgresBus } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { uniqueName } from '../harness/env';
import { openTestBus, type TestBus } from '../harness/test-bus';
import type { ContractMessage } from './consumer-contract';
import { describeQueueAdminContract } from './queue-admin-contract';

describeQueueAdminContract('PostgreSQL', () => {
  const schema = uniqueName('bus_qadmin');
  const factories = new Map<string, PostgresConsumerFactory>();
  let testBus: TestBus;
  let admin: Client;
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
      ({ bus, admin } = testBus);
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
    drain: async (queue) => {
      const { rows } = await admin.query(
        `DELETE FROM "${schema}".bus_messages WHERE queue = $1 AND lease_token IS NULL AND available_at <= now()
         RETURNING seq, message_id, body, headers, routing_key`,
        [queue],
      );
      return rows
        .sort((a, b) => Number(a.seq) - Number(b.seq))
        .map((row): ContractMessage => ({
          payload: row.body,
          headers: row.headers,
          messageId: row.message_id ?? undefined,
          routingKey: row.routing_key,
        }));
    },
  };
});
