/**
 * Consumer benchmark: messages/s through Courier's consumer component (`ConsumerRunner`
 * fed by `RabbitMQConsumerFactory`, a processor that does nothing, i.e. ack) at
 * prefetch = concurrency = 1, 10 and 100, printed beside the raw ceiling this same run
 * measured on this machine at the same prefetch (amqplib alone consuming and acking
 * the same backlog) and the target.
 *
 *   npm run bench:consumer
 *
 * Needs RabbitMQ only (AMQP_URL). Every drain gets a fresh durable queue filled with
 * the backlog (confirmed) before the clock starts; the queue must be empty at the end
 * and is deleted (with its `.dead` sibling). Raw and component runs alternate, their
 * order flipping each round; figures are the median of the runs (3 by default), which
 * tames this 2-core machine's noise in both directions. Progress goes to stderr, the
 * table to stdout. BENCH_CONSUMER_MESSAGES and BENCH_CONSUMER_RUNS override the sizes.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect, type ChannelModel } from 'amqplib';
import type { RabbitMQConnection } from '@courier-nest/rabbitmq';
import { AMQP_URL } from '../test/harness/env';
import { openCourierConnection } from '../test/harness/rabbitmq-connection';
import { BODY_BYTES, ConsumerBenchBroker } from './consumer/consumer-broker';
import { drainComponent, drainRaw, type Contender, type DrainResult } from './consumer/consumer-drains';
import { median, renderColumns } from './consumer/consumer-report';
import { codeState } from './support/code-state';
import { fmtMs, fmtPct, fmtRate, verdict } from './support/bench-stats';

const MESSAGES = Number(process.env.BENCH_CONSUMER_MESSAGES ?? 30_000);
const RUNS = Number(process.env.BENCH_CONSUMER_RUNS ?? 3);
const CONCURRENCY = [1, 10, 100];
const WARM_UP = 5_000;

// Target from the issue.
const TARGET_CONCURRENCY = 10;
const MIN_FRACTION_OF_RAW = 0.8;

const count = (n: number) => n.toLocaleString('en-US');
const rates = (values: number[]) => values.map((v) => count(Math.round(v))).join(' / ');
const load = () => loadavg()[0].toFixed(2);
const medianOf = (results: DrainResult[], pick: (r: DrainResult) => number) => median(results.map(pick));

async function main(): Promise<void> {
  // The Courier connection logs through Nest's static Logger: keep stdout for the table.
  Logger.overrideLogger({
    log() {},
    debug() {},
    verbose() {},
    warn: (message: unknown) => process.stderr.write(`[nest warn] ${String(message)}\n`),
    error: (message: unknown) => process.stderr.write(`[nest error] ${String(message)}\n`),
  });
  const broker = await ConsumerBenchBroker.open();
  const began = Date.now();
  const loadAtStart = load();
  let rawConnection: ChannelModel | undefined;
  let courier: RabbitMQConnection | undefined;
  try {
    // One connection per contender, opened once and kept across its drains.
    const raw = (rawConnection = await connect(AMQP_URL, {
      clientProperties: { connection_name: 'courier-consumer-bench-raw' },
    }));
    raw.on('error', () => undefined);
    const component = (courier = await openCourierConnection('courier-consumer-bench-component'));

    const drain = async (contender: Contender, concurrency: number, n: number, label: string) => {
      const fillStarted = performance.now();
      const queue = await broker.filledQueue(contender, n);
      const fillMs = performance.now() - fillStarted;
      const result =
        contender === 'raw'
          ? await drainRaw(raw, queue, n, concurrency)
          : await drainComponent(component, queue, n, concurrency);
      const left = await broker.depth(queue);
      if (left !== 0) throw new Error(`${left} messages left in ${queue} after ${contender} acked ${n}`);
      await broker.deleteQueue(queue);
      broker.note(
        `${label}: filled ${count(n)} in ${fmtMs(fillMs)}; drained in ${fmtMs(result.ms)} = ${fmtRate(result.perSecond)}, ` +
          `first delivery ${fmtMs(result.firstMs)}, node CPU ${result.cpuMicrosPerMessage.toFixed(1)} µs/msg, ` +
          `event loop ${fmtPct(result.eventLoopUtilization)}; queue empty`,
      );
      return result;
    };

    // Warm-up: JIT, channels, the broker's queue processes; not counted.
    for (const contender of ['raw', 'component'] as const) {
      await drain(contender, TARGET_CONCURRENCY, WARM_UP, `warm-up ${contender} c=${TARGET_CONCURRENCY}`);
    }

    const results = new Map<number, Record<Contender, DrainResult[]>>();
    let round = 0;
    for (const concurrency of CONCURRENCY) {
      const runs: Record<Contender, DrainResult[]> = { raw: [], component: [] };
      results.set(concurrency, runs);
      for (let run = 1; run <= RUNS; run++) {
        // Alternate, and flip who goes first each round: drift hits both alike.
        const order: Contender[] = round++ % 2 === 0 ? ['raw', 'component'] : ['component', 'raw'];
        for (const contender of order) {
          runs[contender].push(
            await drain(contender, concurrency, MESSAGES, `${contender} c=${concurrency} (${run}/${RUNS})`),
          );
        }
      }
    }
    if (broker.brokerInterrupted) throw new Error('RabbitMQ closed the bench connection mid-run');

    // ---- the tables ----
    const summary: string[][] = [];
    const detail: string[][] = [];
    for (const [concurrency, runs] of results) {
      const rawRate = medianOf(runs.raw, (r) => r.perSecond);
      const componentRate = medianOf(runs.component, (r) => r.perSecond);
      const fraction = componentRate / rawRate;
      const judged = concurrency === TARGET_CONCURRENCY;
      summary.push([
        String(concurrency),
        fmtRate(rawRate),
        fmtRate(componentRate),
        fmtPct(fraction),
        judged ? `>= ${fmtPct(MIN_FRACTION_OF_RAW)} of raw = ${fmtRate(rawRate * MIN_FRACTION_OF_RAW)}` : '',
        judged ? verdict(fraction >= MIN_FRACTION_OF_RAW) : '',
      ]);
      for (const contender of ['raw', 'component'] as const) {
        const r = runs[contender];
        detail.push([
          String(concurrency),
          contender,
          rates(r.map((x) => x.perSecond)),
          medianOf(r, (x) => x.cpuMicrosPerMessage).toFixed(1),
          fmtPct(medianOf(r, (x) => x.eventLoopUtilization)),
          fmtMs(medianOf(r, (x) => x.firstMs)),
          fmtRate(medianOf(r, (x) => x.steadyPerSecond)),
        ]);
      }
    }

    const header =
      `Courier consumer benchmark: ${cpus().length} CPUs, node ${process.version}, RabbitMQ ${broker.version}; ` +
      `${((Date.now() - began) / 1000).toFixed(0)} s, load average ${loadAtStart} -> ${load()}` +
      `\ncode measured: ${codeState()}` +
      `\neach drain: a fresh durable queue pre-filled with ${count(MESSAGES)} persistent ${BODY_BYTES}-byte msgs, ` +
      `timed from subscribing to the last ack; median of ${RUNS} run${RUNS === 1 ? '' : 's'}, raw and component alternating`;
    const table = renderColumns(
      [
        { title: 'prefetch = concurrency' },
        { title: 'raw msg/s', align: 'right' },
        { title: 'component msg/s', align: 'right' },
        { title: '% of raw', align: 'right' },
        { title: 'target' },
        { title: '' },
      ],
      summary,
    );
    const runsTable = renderColumns(
      [
        { title: 'concurrency' },
        { title: 'contender' },
        { title: 'runs, msg/s (in order)' },
        { title: 'node CPU µs/msg', align: 'right' },
        { title: 'event loop', align: 'right' },
        { title: 'first delivery', align: 'right' },
        { title: 'from 1st delivery', align: 'right' },
      ],
      detail,
    );
    const notes = [
      'raw: amqplib alone, plain channel, prefetch(c), every delivery acked on its own as it arrives. The component sends the acks settled in one event-loop turn as one multiple ack where that covers only them (docs/consumer.md#acks).',
      'component: ConsumerRunner({ concurrency: c, quiet logger }, other options default) + RabbitMQConsumerFactory({ queue }), processor returns nothing (= ack).',
      'node CPU, event loop (this process, subscribe -> last ack), first delivery (subscribe -> first message in user code)',
      'and "from 1st delivery" (msg/s without the start-up) are medians over the runs.',
      'When other work loads this machine the broker becomes the limit for both contenders and hides the',
      "component's cost: node CPU µs/msg is the steadier figure for comparing code versions.",
    ];
    process.stdout.write(`\n${header}\n\n${table}\n\n${runsTable}\n\n${notes.join('\n')}\n`);
  } catch (error) {
    if (broker.brokerInterrupted) {
      broker.note(
        'RabbitMQ went away during the run (restarted by someone else?): no figures printed, run again',
      );
    }
    throw error;
  } finally {
    await courier?.onApplicationShutdown();
    await rawConnection?.close().catch(() => undefined);
    await broker.cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
