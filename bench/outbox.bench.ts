/**
 * Outbox benchmark: relay drain throughput, commit → publish latency and the cost of
 * `publish` in a transaction, each printed beside the raw ceilings this same run
 * measured on this machine (amqplib alone, node-postgres alone) and the targets.
 *
 *   npm run bench:outbox
 *
 * Needs PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL), as the e2e suites do.
 * Creates its own schemas, exchange and queue and removes them at the end. Progress
 * goes to stderr, the table to stdout. Throughput figures are best of two runs: on a
 * shared 2-core machine a neighbour's burst can only make a run slower, never faster.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { measureCommitLatency } from './phases/commit-latency';
import { measurePublishCost } from './phases/publish-cost';
import { measureRawInsert, measureRawPublish, measureRoundTrips } from './phases/raw-ceilings';
import { measureDrain, type DrainResult, type DrainSettings } from './phases/relay-drain';
import { BenchContext } from './support/bench-context';
import {
  fmtMs,
  fmtPct,
  fmtRate,
  max,
  percentile,
  renderTable,
  verdict,
  type TableRow,
} from './support/bench-stats';
import { readRelayCounters } from './support/relay-counters';

const MESSAGES = 50_000;
const RUNS = 2;
const DRAIN_SETTINGS: DrainSettings[] = [
  { batchSize: 1000, concurrency: 4 }, // the defaults
  { batchSize: 500, concurrency: 4 },
  { batchSize: 200, concurrency: 2 },
];
const LATENCY_RATE = 1_000;
const LATENCY_DURATION_MS = 10_000;
const COST_PAIRS = 2_000;
const ROUND_TRIPS = 500;
const RAW_INSERT_CONNECTIONS = 4;
const RAW_INSERT_MS = 3_000;

// Targets from the issue.
const DRAIN_MIN_FRACTION = 0.75;
const LATENCY_P50_MAX_MS = 3;
const LATENCY_P99_MAX_MS = 15;
const PUBLISH_COST_P50_MAX_MS = 1;

const count = (n: number) => n.toLocaleString('en-US');
const rates = (values: number[]) => values.map((v) => count(Math.round(v))).join(' / ');
const load = () => loadavg()[0].toFixed(2);

async function main(): Promise<void> {
  const context = await BenchContext.open();
  const began = Date.now();
  const loadAtStart = load();
  try {
    const { postgres, rabbitmq } = await context.versions();

    // Ceiling A is measured first and last (best of the two), around everything else.
    context.note(`raw ceiling A (1/${RUNS}): ${MESSAGES} confirmed publishes`);
    const ceilingRuns = [(await measureRawPublish(context, MESSAGES)).perSecond];

    const drains: Array<{ settings: DrainSettings; runs: DrainResult[] }> = [];
    for (const settings of DRAIN_SETTINGS) {
      const runs: DrainResult[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const label = `relay drain ${settings.batchSize}x${settings.concurrency} (${run}/${RUNS})`;
        context.note(`${label}: loading ${MESSAGES} rows`);
        const before = await readRelayCounters();
        const drain = await measureDrain(context, settings, MESSAGES);
        const failures = (await readRelayCounters()).failures - before.failures;
        context.note(
          `${label}: load ${(drain.loadMs / 1000).toFixed(1)} s (${fmtRate(MESSAGES / (drain.loadMs / 1000), 'rows/s')}), ` +
            `drain ${(drain.drainMs / 1000).toFixed(2)} s = ${fmtRate(drain.perSecond)}, queue got ${drain.delivered}, ` +
            `relay publish failures ${failures}`,
        );
        runs.push(drain);
      }
      drains.push({ settings, runs });
    }

    context.note(
      `commit -> publish latency: ${LATENCY_RATE} msg/s for ${LATENCY_DURATION_MS / 1000} s, 1 publish per tx`,
    );
    const beforeLatency = await readRelayCounters();
    const latency = await measureCommitLatency(context, LATENCY_RATE, LATENCY_DURATION_MS);
    const latencyFailures = (await readRelayCounters()).failures - beforeLatency.failures;

    context.note(`publish cost: ${COST_PAIRS} transactions each way, interleaved`);
    const cost = await measurePublishCost(context, COST_PAIRS);

    context.note(
      `round-trip floor: ${ROUND_TRIPS} serial INSERT commits, ${ROUND_TRIPS} serial confirmed publishes`,
    );
    const floor = await measureRoundTrips(context, ROUND_TRIPS);

    context.note(
      `raw ceiling B: single-row INSERT transactions, ${RAW_INSERT_CONNECTIONS} connections, ${RAW_INSERT_MS / 1000} s`,
    );
    const ceilingB = await measureRawInsert(context, RAW_INSERT_CONNECTIONS, RAW_INSERT_MS);

    context.note(`raw ceiling A (2/${RUNS}): ${MESSAGES} confirmed publishes`);
    ceilingRuns.push((await measureRawPublish(context, MESSAGES)).perSecond);
    if (context.brokerInterrupted) throw new Error('RabbitMQ closed the bench connection mid-run');

    // ---- the table ----
    const ceilingA = Math.max(...ceilingRuns);
    const minDrain = ceilingA * DRAIN_MIN_FRACTION;
    const rows: TableRow[] = [
      {
        figure: `A  raw amqplib confirm publish, ${count(MESSAGES)} msgs (runs ${rates(ceilingRuns)})`,
        value: fmtRate(ceilingA),
        target: 'ceiling A',
      },
      {
        figure: `B  raw pg single-row INSERT tx, ${RAW_INSERT_CONNECTIONS} conns`,
        value: fmtRate(ceilingB.perSecond, 'tx/s'),
        target: 'ceiling B (context)',
      },
      { figure: `relay drain of ${count(MESSAGES)} pre-written rows, batchSize x concurrency`, value: '' },
    ];
    for (const { settings, runs } of drains) {
      const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      const allDelivered = runs.every((r) => r.delivered === MESSAGES);
      rows.push({
        figure: `   ${settings.batchSize}x${settings.concurrency}: ${fmtPct(best.perSecond / ceilingA)} of A (runs ${rates(runs.map((r) => r.perSecond))})`,
        value: fmtRate(best.perSecond),
        target: `>= 75% of A = ${fmtRate(minDrain)}${allDelivered ? '' : ', DUPLICATES/LOSS'}`,
        verdict: verdict(best.perSecond >= minDrain && allDelivered),
      });
    }

    const p50 = percentile(latency.latencies, 50);
    const p99 = percentile(latency.latencies, 99);
    rows.push(
      {
        figure: `commit -> publish latency, ${count(latency.sent)} msgs at ${fmtRate(latency.achievedRate)}, relay defaults`,
        value: '',
        target: latency.errors > 0 ? `${latency.errors} writes failed` : '',
      },
      {
        figure: '   p50',
        value: fmtMs(p50),
        target: `<= ${LATENCY_P50_MAX_MS} ms`,
        verdict: verdict(p50 <= LATENCY_P50_MAX_MS),
      },
      {
        figure: '   p99',
        value: fmtMs(p99),
        target: `<= ${LATENCY_P99_MAX_MS} ms`,
        verdict: verdict(p99 <= LATENCY_P99_MAX_MS),
      },
      { figure: '   max', value: fmtMs(max(latency.latencies)) },
      { figure: '   relay publish failures / unsent', value: count(latencyFailures) },
      {
        figure: `   floor: serial pg INSERT commit + confirmed publish (p50)`,
        value: fmtMs(percentile(floor.pgCommit, 50) + percentile(floor.amqpConfirm, 50)),
        target: `${fmtMs(percentile(floor.pgCommit, 50))} + ${fmtMs(percentile(floor.amqpConfirm, 50))}`,
      },
    );

    const plain50 = percentile(cost.plain, 50);
    const plain99 = percentile(cost.plain, 99);
    const pub50 = percentile(cost.withPublish, 50);
    const pub99 = percentile(cost.withPublish, 99);
    rows.push(
      { figure: `transaction time, ${count(COST_PAIRS)} each, interleaved (p50 / p99)`, value: '' },
      { figure: '   BEGIN; INSERT; COMMIT', value: `${fmtMs(plain50)} / ${fmtMs(plain99)}` },
      { figure: '   same + outbox.publish(manager, msg)', value: `${fmtMs(pub50)} / ${fmtMs(pub99)}` },
      {
        figure: '   publish adds (p50)',
        value: fmtMs(pub50 - plain50),
        target: `<= ${PUBLISH_COST_P50_MAX_MS} ms`,
        verdict: verdict(pub50 - plain50 <= PUBLISH_COST_P50_MAX_MS),
      },
      { figure: '   publish adds (p99)', value: fmtMs(pub99 - plain99) },
    );

    const header =
      `Courier outbox benchmark: ${cpus().length} CPUs, node ${process.version}, PostgreSQL ${postgres}, ` +
      `RabbitMQ ${rabbitmq}; ${((Date.now() - began) / 1000).toFixed(0)} s, load average ${loadAtStart} -> ${load()}`;
    process.stdout.write(`\n${header}\n\n${renderTable(rows)}\n`);
  } catch (error) {
    if (context.brokerInterrupted) {
      context.note(
        'RabbitMQ went away during the run (restarted by someone else?): no figures printed, run again',
      );
    }
    throw error;
  } finally {
    await context.cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
