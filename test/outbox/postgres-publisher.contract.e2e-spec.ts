import { Pool } from 'pg';
import { busSchemaSql, PostgresBus, PostgresOutboxPublisher } from '@courier-nest/postgres';
import { quietLogger } from '../harness/broker';
import { startEmbeddedPostgres, type EmbeddedServer } from '../harness/embedded-postgres';
import { describePublisherContract } from './publisher-contract';

// The bus in a database of its own (an embedded server), which the restart case stops
// and starts without touching the shared one.
describePublisherContract('PostgreSQL bus', () => {
  const schema = 'courier_bus';
  let server: EmbeddedServer;
  let pool: Pool;
  let bus: PostgresBus;
  let publisher: PostgresOutboxPublisher;
  return {
    open: async () => {
      server = await startEmbeddedPostgres();
      pool = new Pool({ connectionString: server.url, max: 4 });
      pool.on('error', () => undefined); // connections the restart ends; the pool replaces them
      for (const statement of busSchemaSql(schema)) await pool.query(statement);
      bus = new PostgresBus(pool, schema, quietLogger);
      publisher = new PostgresOutboxPublisher(bus);
    },
    close: async () => {
      await bus?.close();
      await pool?.end();
      await server?.remove();
    },
    publisher: () => publisher,
    declareDestination: async () => undefined,
    subscribe: (destination, queue) => bus.subscribe(destination, queue),
    take: async (queue) => {
      const { rows } = await pool.query(
        `DELETE FROM ${schema}.bus_messages WHERE queue = $1 RETURNING message_id, body, properties, headers`,
        [queue],
      );
      return rows.map((row) => ({
        messageId: row.message_id,
        body: (row.body as Buffer).toString('utf8'),
        type: row.properties.type,
        headers: row.headers,
      }));
    },
    stopServer: () => server.stop(),
    startServer: () => server.start(),
  };
});
