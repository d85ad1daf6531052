import type { Pool } from 'pg';
import { timeRawQueue } from './raw-queue';

/**
 * The ceiling for a PostgreSQL queue's consume + ack: `workers` connections, each in a
 * loop of BEGIN; SELECT … ORDER BY id LIMIT batch FOR UPDATE SKIP LOCKED; DELETE those;
 * COMMIT, until the table is empty. No lease, no fencing, no dead letters: the least a
 * consumer that takes and removes messages does.
 */
export function measureRawSkipLocked(
  pool: Pool,
  schema: string,
  count: number,
  settings: { workers: number; batch: number },
): Promise<number> {
  const table = `"${schema}".raw_queue`;
  const definition = `(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL)`;
  return timeRawQueue(pool, table, definition, count, settings.workers, async (client) => {
    await client.query('BEGIN');
    const { rows } = await client.query({
      name: `raw_take_${schema}`,
      text: `SELECT id, payload FROM ${table} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      values: [settings.batch],
    });
    if (rows.length > 0) {
      await client.query({
        name: `raw_delete_${schema}`,
        text: `DELETE FROM ${table} WHERE id = ANY($1::bigint[])`,
        values: [rows.map((row) => row.id)],
      });
    }
    await client.query('COMMIT');
    return rows.length;
  });
}
