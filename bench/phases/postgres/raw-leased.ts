import type { Pool } from 'pg';
import { timeRawQueue } from './raw-queue';

/**
 * The least a consumer with leases does (context for the raw ceiling, which holds row
 * locks instead): `workers` connections, each in a loop of one statement that locks
 * `batch` rows with SKIP LOCKED and writes a lease on them (committed), then one DELETE
 * of those rows fenced by the lease's token (committed), until the table is empty. The
 * table has room on its pages for the leased versions (fillfactor 50), as the bus's has.
 */
export function measureRawLeased(
  pool: Pool,
  schema: string,
  count: number,
  settings: { workers: number; batch: number },
): Promise<number> {
  const table = `"${schema}".raw_leased`;
  const definition = `(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL,
    available_at timestamptz NOT NULL DEFAULT now(), lease_token bigint) WITH (fillfactor = 50)`;
  let token = 0;
  return timeRawQueue(pool, table, definition, count, settings.workers, async (client) => {
    const lease = ++token;
    const { rows } = await client.query({
      name: `raw_lease_${schema}`,
      text: `UPDATE ${table} SET lease_token = $2, available_at = now() + interval '30 seconds'
        WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE available_at <= now()
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED))
        RETURNING id, payload`,
      values: [settings.batch, lease],
    });
    if (rows.length > 0) {
      await client.query({
        name: `raw_settle_${schema}`,
        text: `DELETE FROM ${table} WHERE id = ANY($1::bigint[]) AND lease_token = $2`,
        values: [rows.map((row) => row.id), lease],
      });
    }
    return rows.length;
  });
}
