import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { busSchemaSql, PostgresBus } from '@courier-nest/postgres';
import { BusQueue } from '../libs/postgres/src/consumer/bus-queue';
import { DATABASE_URL } from '../test/harness/env';
import { quietLogger } from '../test/harness/broker';
import { queuePayload } from './phases/postgres/queue-payload';

async function main() {
  const pool = new Pool({ connectionString: DATABASE_URL, max: 12 });
  const schema = `bench_zz_${randomUUID().slice(0, 8)}`;
  for (const s of busSchemaSql(schema)) await pool.query(s);
  const bus = new PostgresBus(pool, schema, quietLogger);
  const N = 50000;
  for (let sent = 0; sent < N; sent += 1000)
    await bus.send(
      'q',
      Array.from({ length: 1000 }, (_, i) => ({
        messageId: `m-${sent + i}`,
        body: Buffer.from(JSON.stringify(queuePayload(i))),
        properties: { contentType: 'application/json' },
        headers: {},
      })),
    );
  await pool.query(`ANALYZE "${schema}".bus_messages`);
  const workers = Number(process.env.W ?? 1);
  const batch = Number(process.env.B ?? 500);
  const t0 = performance.now();
  let claimMs = 0,
    ackMs = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const q = new BusQueue(bus, 'q', 'o');
      for (;;) {
        const t = performance.now();
        const c = await q.claim(batch, 5000);
        claimMs += performance.now() - t;
        if (c.items.length === 0) return;
        const t2 = performance.now();
        await bus.query(bus.sql.ack, [c.items.map((i) => i.seq), [c.token]]);
        ackMs += performance.now() - t2;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  console.log(
    `workers ${workers} batch ${batch}: ${Math.round(N / s)} msg/s claim ${claimMs.toFixed(0)} ack ${ackMs.toFixed(0)}`,
  );
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool.end();
}
void main();
