/**
 * Outbox benchmark: relay drain throughput, commit → publish latency and the cost of
 * `publish` in a transaction, each printed beside the raw ceilings this same run
 * measured on this machine (amqplib alone, node-postgres alone) and the targets.
 *
 *   npm run bench:outbox
 *
 * Needs PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL), as the e2e suites do.
 * Creates its own schemas, exchange and queue and removes them at the end.
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import { measureCommitLatency } from './phases/commit-latency';
import { measurePublishCost } from './phases/publish-cost';
import { measureRawInsert, measureRawPublish } from './phases/raw-ceilings';
import { measureDrain, type DrainSettings } from './phases/relay-drain';
import { BenchContext } from './support/bench-context';
import { fmtMs, fmtPct, fmtRate, max, percentile, renderTable, verdict, type TableRow } from './support/bench-stats';

const MESSAGES = 50_000;
const DRAIN_SETTINGS: DrainSettings[] = [
  { batchSize: 200, concurrency: 2 },
  { batchSize: 500, concurrency: 2 },
  { batchSize: 500, concurrency: 4 },
];
const LATENCY_RATE = 1_000;
const LATENCY_DURATION_MS = 10_000;
const COST_PAIRS = 2_000;
const RAW_INSERT_CONNECTIONS = 4;
const RAW_INSERT_MS = 3_000;

// Targets from the issue.
const DRAIN_MIN_FRACTION = 0.75;
const LATENCY_P50_MAX_MS = 3;
const LATENCY_P99_MAX_MS = 15;
const PUBLISH_COST_P50_MAX_MS = 1;

async function main(): Promise<void> {
  const context = await BenchContext.open();
  const rows: TableRow[] = [];
  const began = Date.now();
  try {
    const { postgres, rabbitmq } = await context.versions();
    context.note(`raw ceiling A: ${MESSAGES} confirmed publishes`);
    const ceilingA = await measureRawPublish(context, MESSAGES);
    rows.push({ figure: `A  raw amqplib confirm publish (${MESSAGES.toLocaleString('en-US')})`, value: fmtRate(ceilingA.perSecond), target: 'ceiling' });

    rows.push({ figure: `relay drain of ${MESSAGES.toLocaleString('en-US')} pre-written rows (batchSize x concurrency)`, value: '' });
    const minDrain = ceilingA.perSecond * DRAIN_MIN_FRACTION;
    for (const settings of DRAIN_SETTINGS) {
      context.note(`relay drain ${settings.batchSize}x${settings.concurrency}: loading ${MESSAGES} rows`);
      const drain = await measureDrain(context, settings, MESSAGES);
      context.note(
        `relay drain ${settings.batchSize}x${settings.concurrency}: load ${(drain.loadMs / 1000).toFixed(1)} s ` +
          `(${fmtRate(MESSAGES / (drain.loadMs / 1000), 'rows/s')}), drain ${(drain.drainMs / 1000).toFixed(2)} s, ` +
          `queue got ${drain.delivered}`,
      );
      rows.push({
        figure: `   ${settings.batchSize}x${settings.concurrency}  (${fmtPct(drain.perSecond / ceilingA.perSecond)} of A)`,
        value: fmtRate(drain.perSecond),
        target: `>= 75% of A = ${fmtRate(minDrain)}`,
        verdict: verdict(drain.perSecond >= minDrain && drain.delivered === MESSAGES),
      });
    }

    context.note(`commit -> publish latency: ${LATENCY_RATE} msg/s for ${LATENCY_DURATION_MS / 1000} s, 1 publish per tx`);
    const latency = await measureCommitLatency(context, LATENCY_RATE, LATENCY_DURATION_MS);
    const p50 = percentile(latency.latencies, 50);
    const p99 = percentile(latency.latencies, 99);
    rows.push({
      figure: `commit -> publish latency, ${latency.sent.toLocaleString('en-US')} msgs at ${fmtRate(latency.achievedRate)} (relay defaults)`,
      value: '',
      target: latency.errors > 0 ? `${latency.errors} writes failed` : '',
    });
    rows.push({ figure: '   p50', value: fmtMs(p50), target: `<= ${LATENCY_P50_MAX_MS} ms`, verdict: verdict(p50 <= LATENCY_P50_MAX_MS) });
    rows.push({ figure: '   p99', value: fmtMs(p99), target: `<= ${LATENCY_P99_MAX_MS} ms`, verdict: verdict(p99 <= LATENCY_P99_MAX_MS) });
    rows.push({ figure: '   max', value: fmtMs(max(latency.latencies)), target: '' });

    context.note(`publish cost: ${COST_PAIRS} transactions each way, interleaved`);
    const cost = await measurePublishCost(context, COST_PAIRS);
    const plain50 = percentile(cost.plain, 50);
    const plain99 = percentile(cost.plain, 99);
    const pub50 = percentile(cost.withPublish, 50);
    const pub99 = percentile(cost.withPublish, 99);
    rows.push({ figure: `transaction cost, ${COST_PAIRS.toLocaleString('en-US')} each (p50 / p99)`, value: '' });
    rows.push({ figure: '   BEGIN; INSERT; COMMIT', value: `${fmtMs(plain50)} / ${fmtMs(plain99)}` });
    rows.push({ figure: '   same + outbox.publish', value: `${fmtMs(pub50)} / ${fmtMs(pub99)}` });
    rows.push({
      figure: '   publish adds (p50)',
      value: fmtMs(pub50 - plain50),
      target: `<= ${PUBLISH_COST_P50_MAX_MS} ms`,
      verdict: verdict(pub50 - plain50 <= PUBLISH_COST_P50_MAX_MS),
    });
    rows.push({ figure: '   publish adds (p99)', value: fmtMs(pub99 - plain99) });

    context.note(`raw ceiling B: single-row INSERT transactions, ${RAW_INSERT_CONNECTIONS} connections, ${RAW_INSERT_MS / 1000} s`);
    const ceilingB = await measureRawInsert(context, RAW_INSERT_CONNECTIONS, RAW_INSERT_MS);
    rows.push({
      figure: `B  raw pg single-row INSERT tx (${RAW_INSERT_CONNECTIONS} conns)`,
      value: fmtRate(ceilingB.perSecond, 'tx/s'),
      target: 'context',
    });

    const header =
      `Courier outbox benchmark: ${cpus().length} CPUs, node ${process.version}, ` +
      `PostgreSQL ${postgres}, RabbitMQ ${rabbitmq}, total ${((Date.now() - began) / 1000).toFixed(0)} s`;
    process.stdout.write(`\n${header}\n\n${renderTable(rows)}\n`);
  } finally {
    await context.cleanup();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
