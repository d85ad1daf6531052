import 'reflect-metadata';
import { Client } from 'pg';
import { measureEndToEnd } from './phases/end-to-end';
import { BenchContext } from './support/bench-context';
import { percentile } from './support/bench-stats';

async function stats(c: Client) {
  const { rows } = await c.query(
    `SELECT xact_commit::bigint AS c, tup_inserted::bigint AS i, tup_updated::bigint AS u, tup_deleted::bigint AS d, tup_returned::bigint AS r, tup_fetched::bigint AS f FROM pg_stat_database WHERE datname = current_database()`,
  );
  const w = await c.query(
    `SELECT wal_records::bigint AS rec, wal_bytes::bigint AS bytes, wal_sync::bigint AS sync FROM pg_stat_wal`,
  );
  return { ...rows[0], ...w.rows[0] };
}
async function main() {
  const context = await BenchContext.open('e2e');
  const c = new Client({
    connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  });
  await c.connect();
  const rate = Number(process.env.RATE ?? 900);
  try {
    await c.query('SELECT pg_stat_clear_snapshot()');
    const before = await stats(c);
    const r = await measureEndToEnd(context, rate, 8000);
    await new Promise((res) => setTimeout(res, 800));
    await c.query('SELECT pg_stat_clear_snapshot()');
    const after = await stats(c);
    const n = r.sent + 300;
    console.log(
      `rate ${rate} achieved ${r.achievedRate.toFixed(0)} p50 ${percentile(r.latencies, 50).toFixed(1)} p99 ${percentile(r.latencies, 99).toFixed(1)}`,
    );
    for (const k of Object.keys(before))
      console.log(`  ${k} per msg ${((Number(after[k]) - Number(before[k])) / n).toFixed(2)}`);
  } finally {
    await c.end();
    await context.cleanup();
  }
}
void main();
