import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { queuePayload } from './queue-payload';

/**
 * The least a consumer with leases does (context for the raw ceiling, which holds row
 * locks instead): `workers` connections, each in a loop of one statement that locks
 * `batch` rows with SKIP LOCKED and writes a lease on them (committed), then one DELETE
 * of those rows fenced by the lease's token (committed), until the table is empty. The
 * table has room on its pages for the leased versions (fillfactor 50), as the bus's has.
 */
export async function measureRawLeased(
  pool: Pool,
  schema: string,
  count: number,
  settings: { workers: number; batch: number },
): Promise<number> {
  const table = `"${schema}".raw_leased`;
  await pool.query(
    `CREATE TABLE ${table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL,
      available_at timestamptz NOT NULL DEFAULT now(), lease_token bigint) WITH (fillfactor = 50)`,
  );
  await pool.query(`INSERT INTO ${table} (payload) SELECT $1::jsonb FROM generate_series(1, $2)`, [
    JSON.stringify(queuePayload(0)),
    count,
  ]);
  await pool.query(`ANALYZE ${table}`);
  let token = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.workers }, async () => {
      const client = await pool.connect();
      try {
        for (;;) {
          const lease = ++token;
          const { rows } = await client.query({
            name: `raw_lease_${schema}`,
            text: `UPDATE ${table} SET lease_token = $2, available_at = now() + interval '30 seconds'
              WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE available_at <= now()
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
              RETURNING id, payload`,
            values: [settings.batch, lease],
          });
          if (rows.length === 0) return;
          await client.query({
            name: `raw_settle_${schema}`,
            text: `DELETE FROM ${table} WHERE id = ANY($1::bigint[]) AND lease_token = $2`,
            values: [rows.map((row) => row.id), lease],
          });
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
