import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { connect } from 'amqplib';
import type { Pool } from 'pg';
import { OUTBOX_PUBLISHER, type OutboxPublisher } from '@courier-nest/core';
import type { OutboxModuleOptions } from '@courier-nest/outbox';
import { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { AMQP_URL } from '../../test/harness/env';
import { waitFor } from '../../test/harness/wait-for';
import type { BenchContext } from '../support/bench-context';
import { benchMessage, bootBenchApp, type BenchApp } from '../support/bench-messages';
import { runOpenLoop } from '../support/open-loop';
import { DbActivityMeter, type DbActivity } from '../support/db-activity';
import { CpuMeter, type CpuReading } from '../support/inbox-probes';
import { readRelayCounters } from '../support/relay-counters';
import { RelayProbes, type RelayActivity } from '../support/relay-probes';

/** How the phase's outbox app is set up; nothing set = the defaults (relay, pool of 10). */
export interface LatencyAppOptions {
  relay?: Omit<NonNullable<OutboxModuleOptions['relay']>, 'enabled'>;
  poolSize?: number;
  outbox?: Partial<OutboxModuleOptions>;
}

export interface LatencyResult {
  /** The offered rate, msg/s. */
  rate: number;
  sent: number;
  /** Commits per second actually achieved by the open-loop writer. */
  achievedRate: number;
  errors: number;
  /** Arrival minus commit, ms, one per message. */
  latencies: number[];
  /** ms per producer transaction (BEGIN, publish, COMMIT), from its start, pool wait included. */
  txMs: number[];
  /**
   * Per message, ms: commit → its publish began, the claim call (only messages a claim
   * took, not those stored claimed), publish began → confirmed, confirmed → arrival.
   */
  steps: { wake: number[]; claim: number[]; publish: number[]; deliver: number[] };
  /** The relay's statements during the measured messages (not the warm-up). */
  relay: RelayActivity;
  relayFailures: number;
  /** CPU of the machine, this process, PostgreSQL and RabbitMQ while the messages were written. */
  cpu: CpuReading;
  /** This process's event-loop delay while they were written, ms: p99 and max. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** The server over the whole phase (boot and warm-up included): see DbActivity. */
  db: DbActivity;
  /** Messages written over the whole phase, warm-up included: what `db` divides by. */
  phaseMessages: number;
}

const WARM_UP_MESSAGES = 300;

/**
 * Commit → publish latency: an open-loop writer commits one message per transaction
 * at `rate`/s for `durationMs` with the relay running at its defaults (woken by the
 * commit hook and NOTIFY). A raw amqplib consumer on the bound queue stamps each
 * arrival by message id; latency = arrival − (just after commit). Probes on the
 * relay's claim, publish and delete say where each message's time went.
 */
export async function measureCommitLatency(
  context: BenchContext,
  rate: number,
  durationMs: number,
  app: LatencyAppOptions = {},
): Promise<LatencyResult> {
  const schema = context.newSchema('latency');
  const meter = await DbActivityMeter.start(context.db);
  const bench = await bootBenchApp(schema, { ...app.relay, enabled: true }, app.poolSize, app.outbox);
  const consumerConnection = await connect(AMQP_URL);
  let probes: RelayProbes | undefined;
  let measured: Omit<LatencyResult, 'db' | 'phaseMessages'>;
  let phaseMessages: number;
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
    await runOpenLoop(rate, WARM_UP_MESSAGES, writer(context, bench), new Map());
    await waitFor(() => arrivals.size >= WARM_UP_MESSAGES, 'warm-up messages to arrive');
    arrivals.clear();

    const pool = (bench.dataSource.driver as unknown as { master: Pool }).master;
    probes = RelayProbes.install(bench.app.get<OutboxPublisher>(OUTBOX_PUBLISHER), pool);
    const failuresBefore = (await readRelayCounters()).failures;
    const commits = new Map<string, number>();
    const total = Math.round((rate * durationMs) / 1000);
    const cpuMeter = new CpuMeter();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const { ms, errors, txMs } = await runOpenLoop(rate, total, writer(context, bench), commits);
    loop.disable();
    const cpu = cpuMeter.stop();
    // The size first: a cheap test while most are still on their way.
    await waitFor(
      () => arrivals.size >= commits.size && [...commits.keys()].every((id) => arrivals.has(id)),
      'every committed message to arrive',
      { timeoutMs: 120_000, intervalMs: 20 },
    );
    const relayFailures = (await readRelayCounters()).failures - failuresBefore;
    const activity = probes.read();
    const { steps: seen } = probes;
    probes.restore();
    probes = undefined;
    await channel.close();

    const latencies: number[] = [];
    const steps: LatencyResult['steps'] = { wake: [], claim: [], publish: [], deliver: [] };
    for (const [id, committedAt] of commits) {
      const arrivedAt = arrivals.get(id) as number;
      latencies.push(arrivedAt - committedAt);
      const publishStarted = seen.publishStarted.get(id);
      const confirmed = seen.confirmed.get(id);
      if (publishStarted === undefined || confirmed === undefined) continue;
      steps.wake.push(publishStarted - committedAt);
      const claimStarted = seen.claimStarted.get(id);
      const claimed = seen.claimed.get(id);
      if (claimStarted !== undefined && claimed !== undefined) steps.claim.push(claimed - claimStarted);
      steps.publish.push(confirmed - publishStarted);
      steps.deliver.push(arrivedAt - confirmed);
    }
    phaseMessages = WARM_UP_MESSAGES + total;
    measured = {
      rate,
      sent: commits.size,
      achievedRate: commits.size / (ms / 1000),
      errors,
      latencies,
      txMs,
      steps,
      relay: activity,
      relayFailures,
      cpu,
      loopDelayP99: loop.percentile(99) / 1e6,
      loopDelayMax: loop.max / 1e6,
    };
  } finally {
    probes?.restore();
    await consumerConnection.close().catch(() => undefined);
    await bench.app.close();
    await context.purgeQueue();
  }
  // After the close: the app's backends publish their statistics as they exit.
  return { ...measured, db: await meter.stop(), phaseMessages };
}

/** One transaction per message, as a service writes an order and its event. */
function writer(context: BenchContext, bench: BenchApp): (seq: number) => Promise<string> {
  return async (seq) => {
    const id = randomUUID();
    await bench.dataSource.transaction((manager) =>
      bench.outbox.publish(manager, benchMessage(context, seq, id)),
    );
    return id;
  };
}
