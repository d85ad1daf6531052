import { Pool, type Client, type PoolConfig } from 'pg';
import { busSchemaSql, PostgresBus } from '@courier-nest/postgres';
import type { ContractMessage } from '../consumer/consumer-contract';
import { quietLogger } from './broker';
import { dropSchema, openDatabase } from './database';
import { DATABASE_URL } from './env';

/** A bus in a schema of its own in the test database, on a pool of its own. */
export interface TestBus {
  readonly bus: PostgresBus;
  readonly pool: Pool;
  /** A connection outside the bus's pool, for the test's own queries (it made the schema). */
  readonly admin: Client;
  /** Closes the bus and its pool and drops the schema. */
  close(): Promise<void>;
  /**
   * Deletes the messages of `queue` (only those no consumer holds and due now, with
   * `waitingOnly`) and returns them in queue order, as the contract suites read them.
   */
  take(queue: string, waitingOnly?: boolean): Promise<ContractMessage[]>;
}

export async function openTestBus(
  schema: string,
  poolConfig: Omit<PoolConfig, 'connectionString'> = {},
): Promise<TestBus> {
  const admin = await openDatabase();
  for (const statement of busSchemaSql(schema)) await admin.query(statement);
  const pool = new Pool({ connectionString: DATABASE_URL, max: 6, ...poolConfig });
  // Connections a test terminates report here; the pool replaces them.
  pool.on('error', () => undefined);
  const bus = new PostgresBus(pool, schema, quietLogger);
  return {
    bus,
    pool,
    admin,
    close: async () => {
      await bus.close();
      await pool.end();
      await dropSchema(admin, schema);
      await admin.end();
    },
    take: async (queue, waitingOnly = false) => {
      const waiting = waitingOnly ? 'AND lease_token IS NULL AND available_at <= now()' : '';
      const { rows } = await admin.query(
        `DELETE FROM "${schema}".bus_messages WHERE queue = $1 ${waiting}
         RETURNING seq, message_id, body, headers, routing_key`,
        [queue],
      );
      return rows
        .sort((a, b) => Number(a.seq) - Number(b.seq))
        .map((row) => ({
          payload: row.body,
          headers: row.headers,
          messageId: row.message_id ?? undefined,
          routingKey: row.routing_key,
        }));
    },
  };
}
