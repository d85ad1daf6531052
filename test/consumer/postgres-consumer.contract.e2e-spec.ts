import type { Client } from 'pg';
import { PostgresConsumerFactory, type PostgresBus } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { uniqueName } from '../harness/env';
import { openTestBus, type TestBus } from '../harness/test-bus';
import { describeConsumerContract } from './consumer-contract';

describeConsumerContract('PostgreSQL', () => {
  const schema = uniqueName('bus_contract');
  const applicationName = uniqueName('bus-contract');
  let testBus: TestBus;
  let admin: Client;
  let bus: PostgresBus;
  return {
    open: async () => {
      testBus = await openTestBus(schema, { application_name: applicationName });
      ({ bus, admin } = testBus);
    },
    close: () => testBus.close(),
    newQueue: async () => {
      const queue = uniqueName('contract');
      await bus.declareQueues(queue);
      return queue;
    },
    publish: (queue, payload, options = {}) =>
      bus.send(queue, [
        {
          messageId: options.messageId ?? null,
          body: payload,
          properties: options.contentType ? { contentType: options.contentType } : {},
          headers: options.headers ?? {},
        },
      ]),
    factory: (queue) =>
      new PostgresConsumerFactory(bus, queue, { leaseMs: 1_000, pollIntervalMs: 200 }, quietLogger),
    ready: (queue) => bus.waiting(queue),
    takeDeadLetters: (queue) => testBus.take(`${queue}.dead`),
    // As a lost connection: every connection of the consumers' pool is terminated.
    breakConsumers: async () => {
      const { rows } = await admin.query(
        `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      expect(rows.length).toBeGreaterThan(0);
    },
  };
});
