/**
 * Inbox benchmark: Courier inbox throughput fed from RabbitMQ (store + ack, then the
 * dispatcher runs a trivial handler once per unique id), with 0% and 30% duplicate
 * ids, printed beside the raw ceiling this same run measured on this machine (amqplib
 * alone consuming and acking the same backlog) and the target.
 *
 *   npm run bench:inbox
 *
 * Needs PostgreSQL (DATABASE_URL) and RabbitMQ (AMQP_URL), as the e2e suites do.
 * Creates its own schemas, exchanges and queues and removes them at the end. Progress
 * goes to stderr, the table to stdout. Figures are best of two runs: on a shared
 * 2-core machine a neighbour's burst can only make a run slower, never faster. Like
 * the raw ceiling, which consumes a warm-up batch before its timed run, the inbox first
 * drains an untimed warm-up batch, so no timed run pays for compiling the code.
 *
 * `npm run bench:inbox` runs node with `--max-semi-space-size=64`, as the Dockerfile runs
 * the services (see docs/operations.md); the header prints the flags of the run.
 */
import 'reflect-metadata';
import { codeState } from './support/code-state';
import { cpus, loadavg } from 'node:os';
import { measureDispatcherDrain, type DispatcherDrainResult } from './phases/inbox-dispatcher';
import { measureInboxDrain, type InboxDrainResult, type InboxDrainSettings } from './phases/inbox-drain';
import { measureRawConsume } from './phases/raw-consume';
import { BenchContext } from './support/bench-context';
import { fmtMs, fmtPct, fmtRate, renderTable, verdict, type TableRow } from './support/bench-stats';
import { SIZE_BUCKETS, type CallStats, type CpuReading } from './support/inbox-probes';

const MESSAGES = Number(process.env.BENCH_INBOX_MESSAGES ?? 20_000);
const RUNS = Number(process.env.BENCH_INBOX_RUNS ?? 2);
const PREFETCH = 500; // the raw ceiling's, the same as the bridge's default
const WARM_UP = 2_000; // deliveries, as many as the raw ceiling's warm-up
const DUPLICATE_FRACTIONS = [0, 0.3];
/** One tuned setting, printed for context next to the defaults. */
const TUNED: Omit<InboxDrainSettings, 'duplicateFraction'> = {
  prefetch: 1000,
  dispatcher: { batchSize: 200, concurrency: 400 },
};

// Target from the issue.
const MIN_FRACTION_OF_CEILING = 0.5;

const count = (n: number) => n.toLocaleString('en-US');
const rates = (values: number[]) => values.map((v) => count(Math.round(v))).join(' / ');
const load = () => loadavg()[0].toFixed(2);
const pct = (f: number) => `${Math.round(f * 100)}%`;
const perCall = (s: CallStats, of: 'items' | 'busyMs') => s[of] / Math.max(1, s.calls);
const describe = (s: Omit<InboxDrainSettings, 'duplicateFraction'>) => {
  const d = s.dispatcher ?? {};
  const parts = [
    s.prefetch !== undefined ? `prefetch ${s.prefetch}` : '',
    d.batchSize !== undefined ? `dispatcher batchSize ${d.batchSize}` : '',
    d.concurrency !== undefined ? `dispatcher concurrency ${d.concurrency}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'defaults';
};
const best = <T extends { perSecond: number }>(results: T[]) =>
  results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));

async function main(): Promise<void> {
  const context = await BenchContext.open('inbox');
  const began = Date.now();
  const loadAtStart = load();
  try {
    const { postgres, rabbitmq } = await context.versions();

    // The ceiling is measured first and last (best of the two), around everything else.
    const ceilingRuns: number[] = [];
    let ceilingCpu: CpuReading | undefined;
    const raw = async (run: number) => {
      context.note(`raw ceiling (${run}/2): consume + ack ${MESSAGES} persistent msgs, prefetch ${PREFETCH}`);
      const result = await measureRawConsume(context, MESSAGES, PREFETCH);
      context.note(
        `raw ceiling (${run}/2): ${(result.ms / 1000).toFixed(2)} s = ${fmtRate(result.perSecond)}`,
      );
      if (result.perSecond > Math.max(0, ...ceilingRuns)) ceilingCpu = result.cpu;
      ceilingRuns.push(result.perSecond);
    };
    await raw(1);

    const drain = async (settings: InboxDrainSettings, label: string): Promise<InboxDrainResult> => {
      context.note(`${label}: declare, pre-publish ${MESSAGES} deliveries, boot, drain`);
      const r = await measureInboxDrain(context, settings, MESSAGES);
      context.note(
        `${label}: ${fmtRate(r.perSecond)}; stored+acked ${fmtMs(r.storedAckedMs)}, all done ${fmtMs(r.doneMs)}; ` +
          `handler runs ${r.handlerRuns} for ${r.uniqueIds} unique ids; ${summarize('store', r.receive)}, ` +
          `${r.receive.failed} failed; ${summarize('claim', r.claim)}; ${summarize('settle', r.settle)}; ` +
          `machine CPU ${fmtPct(r.cpu.machineBusy)} of ${r.cpu.cores}, node ${r.cpu.nodeCores.toFixed(2)} cores, ` +
          `event loop ${fmtPct(r.cpu.eventLoopUtilization)}`,
      );
      return r;
    };

    context.note(`warm-up: ${WARM_UP} deliveries through the inbox, not timed`);
    await measureInboxDrain(context, { duplicateFraction: 0 }, WARM_UP);

    const defaults = new Map<number, InboxDrainResult[]>(DUPLICATE_FRACTIONS.map((f) => [f, []]));
    const tuned = new Map<number, InboxDrainResult[]>(DUPLICATE_FRACTIONS.map((f) => [f, []]));
    for (let run = 1; run <= RUNS; run++) {
      for (const fraction of DUPLICATE_FRACTIONS) {
        defaults
          .get(fraction)!
          .push(
            await drain(
              { duplicateFraction: fraction },
              `inbox ${pct(fraction)} dup, defaults (${run}/${RUNS})`,
            ),
          );
      }
    }
    for (const fraction of DUPLICATE_FRACTIONS) {
      tuned
        .get(fraction)!
        .push(
          await drain(
            { duplicateFraction: fraction, ...TUNED },
            `inbox ${pct(fraction)} dup, ${describe(TUNED)}`,
          ),
        );
    }

    // Each stage alone, to see which one bounds the whole.
    const bridgeAlone = await drain(
      { duplicateFraction: 0, dispatcher: { enabled: false } },
      'bridge alone (dispatcher off), 0% dup',
    );
    const dispatcherAlone: Array<{ label: string; result: DispatcherDrainResult }> = [];
    for (const [label, settings] of [
      ['defaults', undefined],
      [describe(TUNED), TUNED.dispatcher],
    ] as const) {
      context.note(`dispatcher alone, ${label}: store ${MESSAGES} messages, then drain`);
      const result = await measureDispatcherDrain(context, settings, MESSAGES);
      context.note(
        `dispatcher alone, ${label}: ${fmtRate(result.perSecond, 'handlers/s')}; ${summarize('claim', result.claim)}; ` +
          `${summarize('settle', result.settle)}`,
      );
      dispatcherAlone.push({ label, result });
    }

    await raw(2);
    if (context.brokerInterrupted) throw new Error('RabbitMQ closed the bench connection mid-run');

    // ---- the table ----
    const ceiling = Math.max(...ceilingRuns);
    const minRate = ceiling * MIN_FRACTION_OF_CEILING;
    const rows: TableRow[] = [
      {
        figure: `raw amqplib consume + ack, ${count(MESSAGES)} persistent msgs, prefetch ${PREFETCH} (runs ${rates(ceilingRuns)})`,
        value: fmtRate(ceiling),
        target: 'ceiling',
      },
      {
        figure: '   CPU while consuming (best run): machine busy / node / postgres / broker',
        value: cpuShares(ceilingCpu!),
        target: `of ${ceilingCpu!.cores} cores / cores / cores / cores`,
      },
    ];
    const section = (title: string, results: InboxDrainResult[], judged: boolean) => {
      const top = best(results);
      const exact = results.every(exactlyOnce);
      const runs = results.length > 1 ? `runs ${rates(results.map((r) => r.perSecond))}` : '1 run';
      rows.push(
        { figure: title, value: '' },
        {
          figure: `   deliveries/s, ${fmtPct(top.perSecond / ceiling)} of ceiling (${runs})`,
          value: fmtRate(top.perSecond),
          target: judged ? `>= 50% = ${fmtRate(minRate)}` : '',
          verdict: judged ? verdict(top.perSecond >= minRate && exact) : '',
        },
        {
          figure: `   until all ${count(top.deliveries)} stored + acked (queue empty)`,
          value: fmtMs(top.storedAckedMs),
          target: fmtRate(top.deliveries / (top.storedAckedMs / 1000)),
        },
        {
          figure: `   until all ${count(top.uniqueIds)} handlers done`,
          value: fmtMs(top.doneMs),
          target: fmtRate(top.uniqueIds / (top.doneMs / 1000), 'handlers/s'),
        },
        {
          figure: `   handler runs / unique ids (each run)`,
          value: results.map((r) => `${count(r.handlerRuns)} / ${count(r.uniqueIds)}`).join(', '),
          target: exact ? 'exactly once' : results.map(explainMismatch).join('; '),
          verdict: verdict(exact),
        },
        {
          figure: `   bridge stores (each run): calls x deliveries/call, failed + requeued`,
          value: results
            .map(
              (r) =>
                `${count(r.receive.calls)} x ${perCall(r.receive, 'items').toFixed(1)}, ${r.receive.failed}`,
            )
            .join('; '),
        },
      );
    };
    for (const fraction of DUPLICATE_FRACTIONS) {
      section(
        `Courier inbox, ${pct(fraction)} duplicate ids, defaults (prefetch 500, dispatcher batchSize 100, concurrency 200)`,
        defaults.get(fraction)!,
        true,
      );
    }
    for (const fraction of DUPLICATE_FRACTIONS) {
      section(
        `Courier inbox, ${pct(fraction)} duplicate ids, tuned: ${describe(TUNED)}`,
        tuned.get(fraction)!,
        false,
      );
    }

    rows.push(
      { figure: 'each stage alone, 0% duplicate ids (1 run each)', value: '' },
      {
        figure: `   bridge alone (dispatcher off): stored + acked, ${fmtPct(bridgeAlone.storedAckedMs > 0 ? bridgeAlone.deliveries / (bridgeAlone.storedAckedMs / 1000) / ceiling : 0)} of ceiling`,
        value: fmtRate(bridgeAlone.deliveries / (bridgeAlone.storedAckedMs / 1000)),
        target: `${count(bridgeAlone.receive.calls)} stores x ${perCall(bridgeAlone.receive, 'items').toFixed(1)}, ${fmtMs(perCall(bridgeAlone.receive, 'busyMs'))} each`,
      },
      ...dispatcherAlone.map(({ label, result }) => ({
        figure: `   dispatcher alone (${label}): claim -> run -> settle, ${fmtPct(result.perSecond / ceiling)} of ceiling`,
        value: fmtRate(result.perSecond, 'handlers/s'),
        target:
          `${count(result.claim.calls)} claims x ${perCall(result.claim, 'items').toFixed(1)} rows, ` +
          `${fmtMs(perCall(result.claim, 'busyMs'))} + ${fmtMs(perCall(result.settle, 'busyMs'))} settle`,
      })),
    );

    // Where the time went, in the best default run without duplicates.
    rows.push(
      { figure: 'where the time went (best default run, 0% duplicate ids)', value: '' },
      ...breakdown(best(defaults.get(0)!)),
    );

    const header =
      `Courier inbox benchmark: ${cpus().length} CPUs, node ${process.version}, PostgreSQL ${postgres}, ` +
      `RabbitMQ ${rabbitmq}; ${((Date.now() - began) / 1000).toFixed(0)} s, load average ${loadAtStart} -> ${load()}` +
      `\nnode flags: ${process.execArgv.filter((a) => a.startsWith('--max')).join(' ') || 'none'}` +
      `\ncode measured: ${codeState()}`;
    process.stdout.write(`\n${header}\n\n${renderTable(rows)}\n`);
    const broken = [...defaults.values(), ...tuned.values()].flat().filter((r) => !exactlyOnce(r));
    if (broken.length > 0) {
      process.stderr.write(
        `exactly-once violated in ${broken.length} run(s): ${broken.map(explainMismatch).join('; ')}\n`,
      );
      process.exitCode = 1;
    }
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

function exactlyOnce(r: InboxDrainResult): boolean {
  return (
    r.handlerRuns === r.uniqueIds &&
    r.handledIds === r.uniqueIds &&
    r.ranTwice === 0 &&
    r.storedMessages === r.uniqueIds &&
    r.doneStates === r.uniqueIds &&
    r.leftInQueue === 0 &&
    r.deadLettered === 0
  );
}

function explainMismatch(r: InboxDrainResult): string {
  return (
    `runs ${r.handlerRuns}, ids run ${r.handledIds}, ran twice ${r.ranTwice}, stored ${r.storedMessages}, ` +
    `done ${r.doneStates}, left in queue ${r.leftInQueue}, dead-lettered ${r.deadLettered}`
  );
}

function summarize(name: string, s: CallStats): string {
  return (
    `${name} ${s.calls} calls x ${perCall(s, 'items').toFixed(1)} items, ` +
    `${perCall(s, 'busyMs').toFixed(2)} ms/call, max ${s.maxConcurrent} at once`
  );
}

function cpuShares(cpu: CpuReading): string {
  const cores = (n: number) => (Number.isNaN(n) ? 'n/a' : n.toFixed(2));
  return `${fmtPct(cpu.machineBusy)} / ${cores(cpu.nodeCores)} / ${cores(cpu.postgresCores)} / ${cores(cpu.brokerCores)}`;
}

function breakdown(r: InboxDrainResult): TableRow[] {
  const share = (ms: number, of: number) => fmtPct(ms / of);
  const sizes = SIZE_BUCKETS.map((b) => `${b}: ${r.receive.sizes[b] ?? 0}`).join(', ');
  return [
    {
      figure: `   bridge: stores (receiveMany) x deliveries/store, at once (max)`,
      value: `${count(r.receive.calls)} x ${perCall(r.receive, 'items').toFixed(1)}, ${r.receive.maxConcurrent}`,
      target: `${fmtMs(perCall(r.receive, 'busyMs'))}/store; a store running ${share(r.receive.activeMs, r.storedAckedMs)} of the stored+acked time`,
    },
    { figure: `   bridge: stores by deliveries carried`, value: '', target: sizes },
    {
      figure: `   dispatcher: claims x rows/claim (empty)`,
      value: `${count(r.claim.calls)} x ${perCall(r.claim, 'items').toFixed(1)} (${r.claim.empty})`,
      target: `${fmtMs(perCall(r.claim, 'busyMs'))}/claim; claims ${share(r.claim.busyMs, r.doneMs)} of the done time`,
    },
    {
      figure: `   dispatcher: settles x rows/settle`,
      value: `${count(r.settle.calls)} x ${perCall(r.settle, 'items').toFixed(1)}`,
      target: `${fmtMs(perCall(r.settle, 'busyMs'))}/settle; settles ${share(r.settle.busyMs, r.doneMs)} of the done time`,
    },
    {
      figure: `   CPU while draining: machine busy / node / postgres / broker`,
      value: cpuShares(r.cpu),
      target: `of ${r.cpu.cores} cores / cores / cores / cores; node event loop ${fmtPct(r.cpu.eventLoopUtilization)} busy`,
    },
    {
      figure: `   deliveries stored before bootstrap completed (timed from the first store then)`,
      value: count(r.storedBeforeBootstrap),
    },
  ];
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
