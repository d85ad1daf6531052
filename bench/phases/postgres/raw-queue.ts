import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import { queuePayload } from './queue-payload';

/**
 * A raw queue ceiling's frame: creates `table` as `definition` (its column list, with a
 * `payload jsonb` among them, and any storage options), loads `count` payloads (not timed), then times `workers` connections each
 * calling `takeBatch` until it takes nothing, and drops the table. Returns messages/s.
 */
export async function timeRawQueue(
  pool: Pool,
  table: string,
  definition: string,
  count: number,
  workers: number,
  takeBatch: (client: PoolClient) => Promise<number>,
): Promise<number> {
  await pool.query(`CREATE TABLE ${table} ${definition}`);
  await pool.query(`INSERT INTO ${table} (payload) SELECT $1::jsonb FROM generate_series(1, $2)`, [
    JSON.stringify(queuePayload(0)),
    count,
  ]);
  await pool.query(`ANALYZE ${table}`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const client = await pool.connect();
      try {
        while ((await takeBatch(client)) > 0);
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.query(`DROP TABLE ${table}`);
  return count / seconds;
}
