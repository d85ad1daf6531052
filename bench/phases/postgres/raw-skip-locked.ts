import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { queuePayload } from './queue-payload';

/**
 * The ceiling for a PostgreSQL queue's consume + ack: `workers` connections, each in a
 * loop of BEGIN; SELECT … ORDER BY id LIMIT batch FOR UPDATE SKIP LOCKED; DELETE those;
 * COMMIT, until the table is empty. No lease, no fencing, no dead letters: the least a
 * consumer that takes and removes messages does.
 */
export async function measureRawSkipLocked(
  pool: Pool,
  schema: string,
  count: number,
  settings: { workers: number; batch: number },
): Promise<number> {
  const table = `"${schema}".raw_queue`;
  await pool.query(
    `CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL)`,
  );
  await pool.query(`INSERT INTO ${table} (payload) SELECT $1::jsonb FROM generate_series(1, $2)`, [
    JSON.stringify(queuePayload(0)),
    count,
  ]);
  await pool.query(`ANALYZE ${table}`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.workers }, async () => {
      const client = await pool.connect();
      try {
        for (;;) {
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
          if (rows.length === 0) return;
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.query(`DROP TABLE ${table}`);
  return count / seconds;
}
