import { performance } from 'node:perf_hooks';
import { OutboxRelay } from '@courier-nest/outbox';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { waitFor } from '../../test/harness/wait-for';
import type { BenchContext } from '../support/bench-context';
import { benchMessage, bootBenchApp, type BenchApp } from '../support/bench-messages';

export interface DrainSettings {
  batchSize: number;
  concurrency: number;
}

export interface DrainResult extends DrainSettings {
  count: number;
  loadMs: number;
  drainMs: number;
  perSecond: number;
  /** Messages in the queue at the end; more than `count` means duplicates. */
  delivered: number;
}

const ROWS_PER_PUBLISH = 1_000;
const LOAD_WRITERS = 2;

/**
 * Relay drain throughput: loads `count` rows with the relay stopped (multi-row
 * publish calls, one transaction each), then starts the relay and times until the
 * queue holds them all and the outbox table is empty.
 */
export async function measureDrain(
  context: BenchContext,
  settings: DrainSettings,
  count: number,
): Promise<DrainResult> {
  const schema = context.newSchema(`drain_${settings.batchSize}x${settings.concurrency}`);
  const bench = await bootBenchApp(schema, { enabled: false, ...settings }, settings.concurrency + 4);
  try {
    await bench.app.get(RabbitMQConnection).waitUntilConnected();
    const loadStarted = performance.now();
    await loadOutbox(context, bench, count);
    const loadMs = performance.now() - loadStarted;
    const rows = await context.rowCount(schema);
    if (rows !== count) throw new Error(`Loaded ${rows} outbox rows, expected ${count}`);
    // Planner statistics as autovacuum would have them for a standing backlog.
    await context.db.query(`ANALYZE "${schema}".outbox_messages`);
    await context.purgeQueue();

    const relay = bench.app.get(OutboxRelay);
    const started = performance.now();
    relay.start();
    // The queue fills before the last batch's DELETE; the table check is the last word.
    await context.waitForQueueDepth(count);
    await waitFor(() => context.isEmpty(schema), `outbox ${schema} to be empty`, {
      timeoutMs: 60_000,
      intervalMs: 10,
    });
    const drainMs = performance.now() - started;
    await relay.stop();
    const delivered = await context.queueDepth();
    await context.purgeQueue();
    return { ...settings, count, loadMs, drainMs, perSecond: count / (drainMs / 1000), delivered };
  } finally {
    await bench.app.close();
  }
}

async function loadOutbox(context: BenchContext, bench: BenchApp, count: number): Promise<void> {
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      const size = Math.min(ROWS_PER_PUBLISH, count - from);
      next += size;
      const messages = Array.from({ length: size }, (_, i) => benchMessage(context, from + i));
      await bench.dataSource.transaction((manager) => bench.outbox.publish(manager, ...messages));
    }
  };
  await Promise.all(Array.from({ length: LOAD_WRITERS }, writer));
}
