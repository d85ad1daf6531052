import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DATABASE_URL } from '../test/harness/env';
import { BusQueue } from '../libs/postgres/src/consumer/bus-queue';
import { BusSettler } from '../libs/postgres/src/consumer/bus-settler';
import { measureCourierConsume } from './phases/postgres/courier-consume';

const acc: Record<string, { n: number; ms: number; rows: number }> = {};
function wrap(proto: any, name: string, rowsOf: (args: any[], r: any) => number) {
  const orig = proto[name];
  proto[name] = async function (...args: any[]) {
    const t = performance.now();
    const r = await orig.apply(this, args);
    const a = (acc[name] ??= { n: 0, ms: 0, rows: 0 });
    a.n++;
    a.ms += performance.now() - t;
    a.rows += rowsOf(args, r);
    return r;
  };
}
wrap(BusQueue.prototype, 'claim', (_a, r) => r.items.length);
wrap(BusSettler.prototype, 'run', (a) => (Array.isArray(a[1][0]) ? a[1][0].length : 1));
async function main() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  const schema = `bench_zz_${randomUUID().slice(0, 8)}`;
  const r = await measureCourierConsume(pool, schema, 50000, {
    concurrency: 200,
    prefetch: Number(process.env.P ?? 1000),
  });
  console.log('courier', Math.round(r));
  for (const [k, v] of Object.entries(acc))
    console.log(
      `   ${k}: n ${v.n} total ${v.ms.toFixed(0)} ms avg ${(v.ms / v.n).toFixed(1)} ms rows ${v.rows}`,
    );
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
}
void main();
