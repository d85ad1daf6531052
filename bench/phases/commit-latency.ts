import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { connect } from 'amqplib';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { AMQP_URL } from '../../test/harness/env';
import { waitFor } from '../../test/harness/wait-for';
import type { BenchContext } from '../support/bench-context';
import { benchMessage, bootBenchApp, type BenchApp } from '../support/bench-messages';

export interface LatencyResult {
  sent: number;
  /** Commits per second actually achieved by the open-loop writer. */
  achievedRate: number;
  errors: number;
  /** Arrival minus commit, ms, one per message. */
  latencies: number[];
}

const WARM_UP_MESSAGES = 300;

/**
 * Commit → publish latency: an open-loop writer commits one message per transaction
 * at `rate`/s for `durationMs` with the relay running at its defaults (woken by the
 * commit hook and NOTIFY). A raw amqplib consumer on the bound queue stamps each
 * arrival by message id; latency = arrival − (just after commit).
 */
export async function measureCommitLatency(
  context: BenchContext,
  rate: number,
  durationMs: number,
  relay: { batchSize?: number; concurrency?: number } = {},
): Promise<LatencyResult> {
  const schema = context.newSchema('latency');
  const bench = await bootBenchApp(schema, { enabled: true, ...relay });
  const consumerConnection = await connect(AMQP_URL);
  try {
    await bench.app.get(RabbitMQConnection).waitUntilConnected();
    await context.purgeQueue();
    const arrivals = new Map<string, number>();
    const channel = await consumerConnection.createChannel();
    await channel.consume(
      context.queue,
      (message) => message && arrivals.set(String(message.properties.messageId), performance.now()),
      { noAck: true },
    );

    // Warm-up at the same pace: prepared statements, publish channel, exchange declare, JIT.
    await runOpenLoop(context, bench, rate, WARM_UP_MESSAGES, new Map());
    await waitFor(() => arrivals.size >= WARM_UP_MESSAGES, 'warm-up messages to arrive');
    arrivals.clear();

    const commits = new Map<string, number>();
    const total = Math.round((rate * durationMs) / 1000);
    const { ms, errors } = await runOpenLoop(context, bench, rate, total, commits);
    await waitFor(
      () => [...commits.keys()].every((id) => arrivals.has(id)),
      'every committed message to arrive',
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    const latencies = [...commits].map(([id, committedAt]) => (arrivals.get(id) as number) - committedAt);
    await channel.close();
    return { sent: commits.size, achievedRate: commits.size / (ms / 1000), errors, latencies };
  } finally {
    await consumerConnection.close().catch(() => undefined);
    await bench.app.close();
    await context.purgeQueue();
  }
}

/**
 * Starts transaction i at i/rate seconds whether or not earlier ones have finished
 * (open loop: a slow commit does not slow the offered load), and records the time
 * just after each commit.
 */
async function runOpenLoop(
  context: BenchContext,
  bench: BenchApp,
  rate: number,
  total: number,
  commits: Map<string, number>,
): Promise<{ ms: number; errors: number }> {
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const writeOne = async (seq: number) => {
    const id = randomUUID();
    try {
      await bench.dataSource.transaction((manager) =>
        bench.outbox.publish(manager, benchMessage(context, seq, id)),
      );
      commits.set(id, performance.now());
    } catch {
      errors++;
    }
  };
  const started = performance.now();
  let launched = 0;
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (launched < due) {
      const write = writeOne(launched++).finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    // Pacing tick, not a wait for a condition.
    if (launched < total) await delay(1);
  }
  await Promise.all(inFlight);
  return { ms: performance.now() - started, errors };
}
