import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { ConsumerRunner } from '@courier-nest/consumer';
import { busSchemaSql, PostgresBus, PostgresConsumerFactory } from '@courier-nest/postgres';
import { quietLogger } from '../../../test/harness/broker';
import { waitFor } from '../../../test/harness/wait-for';
import { LOAD_CHUNK, queuePayload } from './queue-payload';

export interface CourierConsumeSettings {
  concurrency: number;
  prefetch: number;
}

/**
 * Courier's PostgreSQL transport, consume + ack through the runner users get: `count`
 * messages sent to a queue first, then one consumer (the engine's claimer, prefetch
 * window, coalesced acks) with a processor that acks at once, timed until every message
 * was handled and the runner stopped (its acks written); the queue must then be empty.
 */
export async function measureCourierConsume(
  pool: Pool,
  schema: string,
  count: number,
  settings: CourierConsumeSettings,
): Promise<number> {
  for (const statement of busSchemaSql(schema)) await pool.query(statement);
  const bus = new PostgresBus(pool, schema, quietLogger);
  const queue = 'bench_jobs';
  await bus.declareQueues(queue);
  for (let sent = 0; sent < count; sent += LOAD_CHUNK) {
    const size = Math.min(LOAD_CHUNK, count - sent);
    await bus.send(
      queue,
      Array.from({ length: size }, (_, i) => ({
        messageId: `m-${sent + i}`,
        body: Buffer.from(JSON.stringify(queuePayload(sent + i))),
        properties: { contentType: 'application/json' },
        headers: {},
      })),
    );
  }
  await pool.query(`ANALYZE "${schema}".bus_messages`);
  let handled = 0;
  const runner = new ConsumerRunner(
    new PostgresConsumerFactory(bus, queue, {}, quietLogger),
    () => void handled++,
    { concurrency: settings.concurrency, prefetch: settings.prefetch, logger: quietLogger },
  );
  const started = performance.now();
  runner.start();
  // Counted in this process: a count(*) of the table every few ms would load the server
  // the consumer is measured on. Stopping writes the acks still pending, inside the time.
  await waitFor(() => handled >= count, `${count} messages handled`, { timeoutMs: 300_000, intervalMs: 2 });
  await runner.stop();
  const seconds = (performance.now() - started) / 1000;
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".bus_messages`);
  await bus.close();
  if (rows[0].n !== 0) throw new Error(`${rows[0].n} messages left in the queue after all were handled`);
  if (handled !== count) throw new Error(`${handled} deliveries handled for ${count} messages`);
  return count / seconds;
}
