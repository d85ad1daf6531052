import { performance } from 'node:perf_hooks';
import { connect } from 'amqplib';
import { AMQP_URL } from '../../test/harness/env';
import type { BenchContext } from '../support/bench-context';
import { planDeliveries, prePublish } from '../support/inbox-messages';
import { CpuMeter, type CpuReading } from '../support/inbox-probes';
import type { RateResult } from './raw-ceilings';

export interface RawConsumeResult extends RateResult {
  /** CPU of the timed run: the broker's is what bounds the ceiling. */
  cpu: CpuReading;
}

const WARM_UP = 2_000;

/**
 * The inbox's raw ceiling: what amqplib alone does on this machine when it consumes
 * `count` pre-published persistent messages (the same bodies and properties the inbox
 * phase publishes) from the context's durable queue, prefetch `prefetch`, acking each
 * one as it arrives. Timed from `consume` until the last ack is written, then the
 * queue is checked empty.
 */
export async function measureRawConsume(
  context: BenchContext,
  count: number,
  prefetch: number,
): Promise<RawConsumeResult> {
  await context.purgeQueue();
  const connection = await connect(AMQP_URL);
  try {
    let cpu: CpuReading | undefined;
    const consumeAll = async (n: number): Promise<number> => {
      await prePublish(context.exchange, context.routingKey, planDeliveries(n, 0).ids);
      await context.waitForQueueDepth(n);
      const channel = await connection.createChannel();
      await channel.prefetch(prefetch);
      let acked = 0;
      let finishedAt = 0;
      const meter = new CpuMeter();
      const started = performance.now();
      const finished = new Promise<void>((resolve) => {
        void channel.consume(context.queue, (message) => {
          if (!message) return;
          channel.ack(message);
          if (++acked === n) {
            finishedAt = performance.now();
            resolve();
          }
        });
      });
      await finished;
      cpu = meter.stop();
      const ms = finishedAt - started;
      await channel.close();
      const left = await context.queueDepth();
      if (left !== 0) throw new Error(`${left} messages left in ${context.queue} after acking ${n}`);
      return ms;
    };
    // Warm-up: JIT, channel, queue files.
    await consumeAll(Math.min(WARM_UP, count));
    const ms = await consumeAll(count);
    return { count, ms, perSecond: count / (ms / 1000), cpu: cpu! };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
