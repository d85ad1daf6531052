import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { DATABASE_URL } from '../test/harness/env';
import { measureCourierConsume } from './phases/postgres/courier-consume';

async function main() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  for (let i = 0; i < Number(process.env.ROUNDS ?? 2); i++) {
    const schema = `bench_zz_${randomUUID().slice(0, 8)}`;
    const r = await measureCourierConsume(pool, schema, Number(process.env.N ?? 50000), {
      concurrency: Number(process.env.C ?? 200),
      prefetch: Number(process.env.P ?? 1000),
    });
    console.log('courier', Math.round(r));
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  await pool.end();
}
void main();
