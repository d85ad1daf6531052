import { uniqueName } from '../../test/harness/env';
import type { BenchContext } from '../support/bench-context';
import { BenchProcess } from '../support/bench-process';
import { cpuPerMessage, runOnce, WARM_UP_MESSAGES, type EndToEndResult } from './end-to-end';

/** What the Courier run measures, less the relay's steps and the baseline (the peer has neither). */
export type PeerEndToEndResult = Pick<
  EndToEndResult,
  'rate' | 'achievedRate' | 'errors' | 'latencies' | 'ranTwice' | 'cpu'
>;

/** Courier's RabbitMQ inbox prefetch by default. */
const PREFETCH = 500;

/**
 * The hand-written floor of the same path, at the same rate: commit the order, then
 * publish with amqplib and await the confirm; consume, record the id, run the handler,
 * ack (see the two e2e-peer processes). No outbox and no inbox table: what the machine
 * spends on the least a team would write, to set Courier's CPU per message against.
 */
export async function measurePeerEndToEnd(
  context: BenchContext,
  rate: number,
  durationMs: number,
): Promise<PeerEndToEndResult> {
  const exchange = uniqueName('bench_e2e_peer');
  const queue = `${exchange}.queue`;
  context.trackBrokerObjects({ queues: [queue], exchanges: [exchange] });
  const schema = context.newSchema('e2e_peer');
  // The consumer first: it declares the exchange and binds its queue.
  const consumer = await BenchProcess.start('e2e-peer-consumer.process.ts', {
    schema,
    exchange,
    queue,
    prefetch: PREFETCH,
  });
  let producer: BenchProcess | undefined;
  try {
    producer = await BenchProcess.start('e2e-peer-producer.process.ts', { schema, exchange });
    await Promise.all([consumer.checkSharedClock(), producer.checkSharedClock()]);
    await runOnce(producer, consumer, rate, WARM_UP_MESSAGES, false);
    const total = Math.round((rate * durationMs) / 1000);
    const meter = cpuPerMessage(producer, consumer);
    const run = await runOnce(producer, consumer, rate, total, false);
    return {
      rate,
      achievedRate: run.achievedRate,
      errors: run.errors,
      latencies: run.latencies,
      ranTwice: run.ranTwice,
      cpu: meter(run.sent),
    };
  } finally {
    await producer?.stop();
    await consumer.stop();
  }
}
