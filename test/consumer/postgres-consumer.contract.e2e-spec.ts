import { Pool, type Client } from 'pg';
import { busSchemaSql, PostgresBus, PostgresConsumerFactory } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { dropSchema, openDatabase } from '../harness/database';
import { DATABASE_URL, uniqueName } from '../harness/env';
import { describeConsumerContract, type ContractMessage } from './consumer-contract';

describeConsumerContract('PostgreSQL', () => {
  const schema = uniqueName('bus_contract');
  const applicationName = uniqueName('bus-contract');
  let admin: Client;
  let pool: Pool;
  let bus: PostgresBus;
  return {
    open: async () => {
      admin = await openDatabase();
      for (const statement of busSchemaSql(schema)) await admin.query(statement);
      pool = new Pool({ connectionString: DATABASE_URL, application_name: applicationName, max: 6 });
      // Connections the test terminates report here; the pool replaces them.
      pool.on('error', () => undefined);
      bus = new PostgresBus(pool, schema, quietLogger);
    },
    close: async () => {
      await bus.close();
      await pool.end();
      await dropSchema(admin, schema);
      await admin.end();
    },
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
    takeDeadLetters: async (queue) => {
      const { rows } = await admin.query(
        `DELETE FROM "${schema}".bus_messages WHERE queue = $1 RETURNING seq, message_id, body, headers, routing_key`,
        [`${queue}.dead`],
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
