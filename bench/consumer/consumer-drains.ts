import { performance } from 'node:perf_hooks';
import type { ChannelModel } from 'amqplib';
import { ConsumerRunner, type Processor } from '@courier-nest/consumer';
import { RabbitMQConsumerFactory, type RabbitMQConnection } from '@courier-nest/rabbitmq';

/** A drain that has not finished by then has lost messages (or the broker stalled). */
const DRAIN_TIMEOUT_MS = 60_000;

export const QUIET_LOGGER = { log() {}, warn() {}, error() {}, debug() {}, verbose() {} };

export type Contender = 'raw' | 'component';

export interface DrainResult {
  contender: Contender;
  prefetch: number;
  count: number;
  /** From subscribing (channel open included) until the count-th message was acked. */
  ms: number;
  perSecond: number;
  /** From subscribing until the first delivery reached user code. */
  firstMs: number;
  /** Rate from the first delivery to the last ack: without the start-up (channel, qos, consume). */
  steadyPerSecond: number;
  /** This node process's CPU (user + system) per message while draining, µs. */
  cpuMicrosPerMessage: number;
  eventLoopUtilization: number;
}

/** What a drain notes at its first delivery and its last ack; resolves `done` at the last. */
interface Stopwatch {
  first(): void;
  last(): void;
  readonly done: Promise<void>;
}

/**
 * Times one drain: from `drain` being called until it calls `last()`, with this
 * process's CPU and event-loop use over exactly that span (closing the channel or
 * stopping the runner afterwards is not counted). Fails after DRAIN_TIMEOUT_MS with
 * what `progress` says, and `drain` must then release what it opened.
 */
async function timed(
  contender: Contender,
  prefetch: number,
  count: number,
  progress: () => string,
  drain: (watch: Stopwatch) => Promise<void>,
): Promise<DrainResult> {
  let firstAt = 0;
  let lastAt = 0;
  let cpuUsed: NodeJS.CpuUsage | undefined;
  let loopUsed = 0;
  let timer: NodeJS.Timeout | undefined;
  let finished!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    finished = resolve;
    timer = setTimeout(
      () => reject(new Error(`${contender} drain not finished after ${DRAIN_TIMEOUT_MS} ms: ${progress()}`)),
      DRAIN_TIMEOUT_MS,
    );
  });
  done.catch(() => undefined); // awaited by `drain`; a timeout before that is not unhandled
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  const watch: Stopwatch = {
    first: () => {
      firstAt ||= performance.now();
    },
    last: () => {
      lastAt = performance.now();
      cpuUsed = process.cpuUsage(cpu);
      loopUsed = performance.eventLoopUtilization(loop).utilization;
      clearTimeout(timer);
      finished();
    },
    done,
  };
  try {
    await drain(watch);
  } finally {
    clearTimeout(timer);
  }
  const ms = lastAt - started;
  return {
    contender,
    prefetch,
    count,
    ms,
    perSecond: count / (ms / 1000),
    firstMs: firstAt - started,
    steadyPerSecond: (count - 1) / ((lastAt - firstAt) / 1000),
    cpuMicrosPerMessage: (cpuUsed!.user + cpuUsed!.system) / count,
    eventLoopUtilization: loopUsed,
  };
}

/**
 * The raw ceiling: amqplib alone on a plain channel, `prefetch(prefetch)` (per consumer,
 * as the component sets it), each delivery acked on its own as it arrives (no `allUpTo`
 * batching, as the component acks). The channel is opened inside the timed span, as the
 * component opens its own.
 */
export async function drainRaw(
  connection: ChannelModel,
  queue: string,
  count: number,
  prefetch: number,
): Promise<DrainResult> {
  let acked = 0;
  return timed(
    'raw',
    prefetch,
    count,
    () => `${acked} of ${count} acked`,
    async (watch) => {
      const channel = await connection.createChannel();
      try {
        await channel.prefetch(prefetch);
        await channel.consume(queue, (delivery) => {
          if (!delivery) return;
          if (acked === 0) watch.first();
          channel.ack(delivery);
          if (++acked === count) watch.last();
        });
        await watch.done;
      } finally {
        await channel.close().catch(() => undefined);
      }
    },
  );
}

/**
 * The component: a `ConsumerRunner` (defaults but for concurrency and a quiet logger;
 * prefetch follows concurrency) fed by a `RabbitMQConsumerFactory` for the queue, with
 * a processor that only counts and returns nothing (= ack). Timed from `start()` (the
 * factory opens its channel and declares the queue inside the span) until the
 * processor has seen the count-th message: the runner acks it a few microtasks later,
 * before any I/O.
 */
export async function drainComponent(
  connection: RabbitMQConnection,
  queue: string,
  count: number,
  concurrency: number,
): Promise<DrainResult> {
  let processed = 0;
  return timed(
    'component',
    concurrency,
    count,
    () => `${processed} of ${count} processed`,
    async (watch) => {
      const processor: Processor = () => {
        if (processed === 0) watch.first();
        if (++processed === count) watch.last();
      };
      const runner = new ConsumerRunner(new RabbitMQConsumerFactory(connection, { queue }), processor, {
        concurrency,
        logger: QUIET_LOGGER,
      });
      try {
        runner.start();
        await runner.waitUntilConsuming();
        await watch.done;
      } finally {
        await runner.stop();
      }
    },
  );
}
