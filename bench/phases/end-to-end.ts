import { setTimeout as delay } from 'node:timers/promises';
import { uniqueName } from '../../test/harness/env';
import type { BenchContext } from '../support/bench-context';
import { BenchProcess, type ProcessMessage } from '../support/bench-process';
import { CpuMeter } from '../support/inbox-probes';

export interface EndToEndResult {
  /** Offered msg/s. */
  rate: number;
  sent: number;
  achievedRate: number;
  errors: number;
  /** Handler ran (inbox process) minus commit (outbox process), ms, one per message. */
  latencies: number[];
  /** Per message, ms: commit → broker confirmed the relay's publish → the inbox's store committed → handler ran. */
  steps: { relay: number[]; store: number[]; dispatch: number[] };
  /** Handler runs beyond the first for one id (must be 0). */
  ranTwice: number;
  /** The largest IPC delay seen when checking the two processes share the bench's clock, ms. */
  clockCheckMs: number;
  /** CPU per message over the run, from the first commit until every handler ran. */
  cpu: CpuPerMessage;
  /**
   * The producer's transactions alone at the same rate, no outbox: each inserts one row
   * into a table of its own, with TypeORM as the outbox app does. What the machine spends
   * before Courier does anything. Present when asked for (`baseline`).
   */
  baseline?: CpuPerMessage;
}

/** CPU ms per message: each app's process, all PostgreSQL and all RabbitMQ processes; and the machine's load. */
export interface CpuPerMessage {
  outboxApp: number;
  inboxApp: number;
  postgres: number;
  broker: number;
  /** Fraction of all cores busy meanwhile. */
  machineBusy: number;
}

export const WARM_UP_MESSAGES = 300;
const DONE_TIMEOUT_MS = 60_000;
const REPORT_EVERY_MS = 100;

/**
 * End to end across two services: an outbox app in one process commits one message per
 * transaction at `rate`/s (open loop); its relay publishes to a topic exchange; an
 * inbox app in another process consumes the queue bound to it, stores, and runs a
 * trivial @InboxHandler. Both stamp on the one shared clock (see sharedNowMs); latency
 * is handler ran − commit returned. Both apps run Courier's defaults.
 */
export async function measureEndToEnd(
  context: BenchContext,
  rate: number,
  durationMs: number,
  transport: 'rabbitmq' | 'postgres' = 'rabbitmq',
  baseline = false,
): Promise<EndToEndResult> {
  // The PostgreSQL transport's queues, in a schema of this run's own.
  const busSchema = transport === 'postgres' ? context.newSchema('e2e_bus') : undefined;
  const eventType = uniqueName('bench_e2e_evt');
  const serviceName = uniqueName('bench_e2e_svc');
  const queue = `${serviceName}.${eventType}`;
  context.trackBrokerObjects({
    queues: [queue, `${queue}.dead`],
    exchanges: [eventType, `${serviceName}.dead-letter`],
  });
  // The inbox first: its bridge declares the exchange and binds the queue the relay publishes into.
  const inbox = await BenchProcess.start('e2e-inbox.process.ts', {
    schema: context.newSchema('e2e_inbox'),
    serviceName,
    eventType,
    busSchema,
  });
  let outbox: BenchProcess | undefined;
  try {
    outbox = await BenchProcess.start('e2e-outbox.process.ts', {
      schema: context.newSchema('e2e_outbox'),
      exchange: eventType,
      busSchema,
    });
    const clockCheckMs = Math.max(await inbox.checkSharedClock(), await outbox.checkSharedClock());
    await runOnce(outbox, inbox, rate, WARM_UP_MESSAGES);
    const total = Math.round((rate * durationMs) / 1000);
    const meter = cpuPerMessage(outbox, inbox);
    const run = await runOnce(outbox, inbox, rate, total);
    const cpu = meter(run.sent);
    if (!baseline) return { rate, ...run, clockCheckMs, cpu };
    const baselineMeter = cpuPerMessage(outbox, inbox);
    const ran = await outbox.request(
      { type: 'baseline', rate, total },
      'baseline',
      (total / rate) * 1000 + 60_000,
    );
    return { rate, ...run, clockCheckMs, cpu, baseline: baselineMeter(ran.sent as number) };
  } finally {
    await outbox?.stop();
    await inbox.stop();
  }
}

/** Starts metering; the function it returns gives the CPU per message for `messages` sent since. */
export function cpuPerMessage(
  outbox: BenchProcess,
  inbox: BenchProcess,
): (messages: number) => CpuPerMessage {
  const meter = new CpuMeter();
  const [outboxMs, inboxMs] = [outbox.cpuMs(), inbox.cpuMs()];
  return (messages) => {
    const reading = meter.stop();
    return {
      outboxApp: (outbox.cpuMs() - outboxMs) / messages,
      inboxApp: (inbox.cpuMs() - inboxMs) / messages,
      postgres: (reading.postgresCores * reading.wallMs) / messages,
      broker: (reading.brokerCores * reading.wallMs) / messages,
      machineBusy: reading.machineBusy,
    };
  };
}

/**
 * Has `outbox` commit `total` messages at `rate` and waits until `inbox` ran each one's
 * handler. The steps come from the relay's confirm stamps: `withSteps` false when the
 * producer has no relay.
 */
export async function runOnce(
  outbox: BenchProcess,
  inbox: BenchProcess,
  rate: number,
  total: number,
  withSteps = true,
): Promise<Omit<EndToEndResult, 'rate' | 'clockCheckMs' | 'cpu' | 'baseline'>> {
  const ran = await outbox.request({ type: 'run', rate, total }, 'ran', (total / rate) * 1000 + 60_000);
  const commits = new Map(ran.commits as Array<[string, number]>);
  const done = new Map<string, number>();
  const stored = new Map<string, number>();
  let ranTwice = 0;
  const deadline = Date.now() + DONE_TIMEOUT_MS;
  for (;;) {
    const report: ProcessMessage = await inbox.request({ type: 'report' }, 'report');
    for (const [id, at] of report.done as Array<[string, number]>) done.set(id, at);
    for (const [id, at] of report.stored as Array<[string, number]>) stored.set(id, at);
    ranTwice = report.ranTwice as number;
    if ([...commits.keys()].every((id) => done.has(id))) break;
    if (Date.now() > deadline) {
      const missing = [...commits.keys()].filter((id) => !done.has(id)).length;
      throw new Error(
        `${missing} of ${commits.size} committed messages not handled within ${DONE_TIMEOUT_MS} ms`,
      );
    }
    // Polling the other process for a condition it does not announce.
    await delay(REPORT_EVERY_MS);
  }
  const confirmed = new Map(
    withSteps
      ? ((await outbox.request({ type: 'confirmed' }, 'confirmed')).confirmed as Array<[string, number]>)
      : [],
  );
  const latencies: number[] = [];
  const steps: EndToEndResult['steps'] = { relay: [], store: [], dispatch: [] };
  for (const [id, committedAt] of commits) {
    const doneAt = done.get(id) as number;
    latencies.push(doneAt - committedAt);
    const confirmedAt = confirmed.get(id);
    const storedAt = stored.get(id);
    if (confirmedAt === undefined || storedAt === undefined) continue;
    steps.relay.push(confirmedAt - committedAt);
    steps.store.push(storedAt - confirmedAt);
    steps.dispatch.push(doneAt - storedAt);
  }
  return {
    sent: commits.size,
    achievedRate: commits.size / ((ran.ms as number) / 1000),
    errors: ran.errors as number,
    latencies,
    steps,
    ranTwice,
  };
}
