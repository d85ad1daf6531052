import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { ConsumerRunner } from '@courier-nest/consumer';
import { DATABASE_URL } from '../test/harness/env';
import { measureCourierConsume } from './phases/postgres/courier-consume';

const orig = ConsumerRunner.prototype.start;
ConsumerRunner.prototype.start = function (this: any) {
  console.log('WINDOW start', String(process.hrtime.bigint() / 1000n));
  return orig.apply(this);
};
async function main() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  const schema = `bench_zz_${randomUUID().slice(0, 8)}`;
  const r = await measureCourierConsume(pool, schema, 100000, { concurrency: 200, prefetch: 1000 });
  console.log('WINDOW end', String(process.hrtime.bigint() / 1000n));
  console.log('courier', Math.round(r));
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
}
void main();
