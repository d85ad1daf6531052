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
 * 2-core machine a neighbour's burst can only make a run slower, never faster.
 */
import 'reflect-metadata';
import { cpus, loadavg } from 'node:os';
import { measureInboxDrain, type InboxDrainResult, type InboxDrainSettings } from './phases/inbox-drain';
import { measureRawConsume } from './phases/raw-consume';
import { BenchContext } from './support/bench-context';
import { fmtMs, fmtPct, fmtRate, renderTable, verdict, type TableRow } from './support/bench-stats';
import type { CallStats } from './support/inbox-probes';

const MESSAGES = Number(process.env.BENCH_INBOX_MESSAGES ?? 20_000);
const RUNS = Number(process.env.BENCH_INBOX_RUNS ?? 2);
const PREFETCH = 200; // the raw ceiling's; also the bridge's default
const DUPLICATE_FRACTIONS = [0, 0.3];
/** One tuned setting, printed for context next to the defaults (one run each). */
const TUNED: Omit<InboxDrainSettings, 'duplicateFraction'> = {
  dispatcher: { batchSize: 200, concurrency: 200 },
};

// Target from the issue.
const MIN_FRACTION_OF_CEILING = 0.5;

const count = (n: number) => n.toLocaleString('en-US');
const rates = (values: number[]) => values.map((v) => count(Math.round(v))).join(' / ');
const load = () => loadavg()[0].toFixed(2);
const pct = (f: number) => `${Math.round(f * 100)}%`;
const describe = (s: Omit<InboxDrainSettings, 'duplicateFraction'>) => {
  const d = s.dispatcher ?? {};
  const parts = [
    s.prefetch !== undefined ? `prefetch ${s.prefetch}` : '',
    d.batchSize !== undefined ? `dispatcher batchSize ${d.batchSize}` : '',
    d.concurrency !== undefined ? `concurrency ${d.concurrency}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'defaults';
};

async function main(): Promise<void> {
  const context = await BenchContext.open('inbox');
  const began = Date.now();
  const loadAtStart = load();
  try {
    const { postgres, rabbitmq } = await context.versions();

    // The ceiling is measured first and last (best of the two), around everything else.
    const ceilingRuns: number[] = [];
    const raw = async (run: number) => {
      context.note(
        `raw ceiling (${run}/${RUNS}): consume + ack ${MESSAGES} persistent msgs, prefetch ${PREFETCH}`,
      );
      const result = await measureRawConsume(context, MESSAGES, PREFETCH);
      context.note(
        `raw ceiling (${run}/${RUNS}): ${(result.ms / 1000).toFixed(2)} s = ${fmtRate(result.perSecond)}`,
      );
      ceilingRuns.push(result.perSecond);
    };
    await raw(1);

    const drain = async (settings: InboxDrainSettings, label: string): Promise<InboxDrainResult> => {
      context.note(`${label}: declare, pre-publish ${MESSAGES} deliveries, boot, drain`);
      const r = await measureInboxDrain(context, settings, MESSAGES);
      context.note(
        `${label}: ${fmtRate(r.perSecond)}; stored+acked ${fmtMs(r.storedAckedMs)}, all done ${fmtMs(r.doneMs)}; ` +
          `handler runs ${r.handlerRuns} for ${r.uniqueIds} unique ids; ${summarize('receive', r.receive)}; ` +
          `${summarize('claim', r.claim)}; ${summarize('settle', r.settle)}; machine CPU ${fmtPct(r.cpu.machineBusy)} ` +
          `of ${r.cpu.cores}, node ${r.cpu.nodeCores.toFixed(2)} cores, event loop ${fmtPct(r.cpu.eventLoopUtilization)}`,
      );
      return r;
    };

    const defaults = new Map<number, InboxDrainResult[]>(DUPLICATE_FRACTIONS.map((f) => [f, []]));
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
    const tuned: InboxDrainResult[] = [];
    for (const fraction of DUPLICATE_FRACTIONS) {
      tuned.push(
        await drain(
          { duplicateFraction: fraction, ...TUNED },
          `inbox ${pct(fraction)} dup, ${describe(TUNED)}`,
        ),
      );
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
    ];
    const section = (title: string, results: InboxDrainResult[], judged: boolean) => {
      const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      const exact = results.every(exactlyOnce);
      rows.push(
        { figure: title, value: '' },
        {
          figure: `   deliveries/s, ${fmtPct(best.perSecond / ceiling)} of ceiling (runs ${rates(results.map((r) => r.perSecond))})`,
          value: fmtRate(best.perSecond),
          target: judged
            ? `>= 50% = ${fmtRate(minRate)}${exact ? '' : ', NOT EXACTLY ONCE'}`
            : exact
              ? ''
              : 'NOT EXACTLY ONCE',
          verdict: judged ? verdict(best.perSecond >= minRate && exact) : '',
        },
        {
          figure: `   until all stored + acked (queue empty)`,
          value: fmtMs(best.storedAckedMs),
          target: fmtRate(best.deliveries / (best.storedAckedMs / 1000)),
        },
        {
          figure: `   until all handlers done`,
          value: fmtMs(best.doneMs),
          target: fmtRate(best.uniqueIds / (best.doneMs / 1000), 'handlers/s'),
        },
        {
          figure: `   handler runs vs unique ids (all runs)`,
          value: results.map((r) => `${count(r.handlerRuns)} / ${count(r.uniqueIds)}`).join(', '),
          target: exact ? 'exactly once' : results.map(explainMismatch).join('; '),
          verdict: verdict(exact),
        },
      );
    };
    for (const fraction of DUPLICATE_FRACTIONS) {
      section(
        `Courier inbox, ${pct(fraction)} duplicate ids, defaults (prefetch 200, dispatcher batchSize 100, concurrency 20)`,
        defaults.get(fraction)!,
        true,
      );
    }
    tuned.forEach((result) =>
      section(
        `Courier inbox, ${pct(result.settings.duplicateFraction)} duplicate ids, tuned: ${describe(TUNED)} (1 run)`,
        [result],
        false,
      ),
    );

    // Where the time went, in the best default run without duplicates.
    const best = defaults.get(0)!.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    rows.push(
      { figure: 'where the time went (best default run, 0% duplicates)', value: '' },
      ...breakdown(best),
    );

    const header =
      `Courier inbox benchmark: ${cpus().length} CPUs, node ${process.version}, PostgreSQL ${postgres}, ` +
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
    `${name} ${s.calls} calls, ${(s.items / Math.max(1, s.calls)).toFixed(1)} items/call, ` +
    `${(s.busyMs / Math.max(1, s.calls)).toFixed(2)} ms/call, max ${s.maxConcurrent} at once`
  );
}

function breakdown(r: InboxDrainResult): TableRow[] {
  const perCall = (s: CallStats) => fmtMs(s.busyMs / Math.max(1, s.calls));
  const share = (ms: number, of: number) => fmtPct(ms / of);
  return [
    {
      figure: `   bridge: receiveMany (store) calls x deliveries/call`,
      value: `${count(r.receive.calls)} x ${(r.receive.items / Math.max(1, r.receive.calls)).toFixed(1)}`,
      target: `${perCall(r.receive)}/call, max ${r.receive.maxConcurrent} at once, busy ${share(r.receive.activeMs, r.storedAckedMs)} of stored+acked time`,
    },
    {
      figure: `   dispatcher: claim calls x rows/claim (empty claims)`,
      value: `${count(r.claim.calls)} x ${(r.claim.items / Math.max(1, r.claim.calls)).toFixed(1)} (${r.claim.empty})`,
      target: `${perCall(r.claim)}/claim, ${fmtMs(r.claim.busyMs)} in total = ${share(r.claim.busyMs, r.doneMs)} of done time`,
    },
    {
      figure: `   dispatcher: settle calls x rows/settle`,
      value: `${count(r.settle.calls)} x ${(r.settle.items / Math.max(1, r.settle.calls)).toFixed(1)}`,
      target: `${perCall(r.settle)}/settle, ${fmtMs(r.settle.busyMs)} in total = ${share(r.settle.busyMs, r.doneMs)} of done time`,
    },
    {
      figure: `   CPU while draining: machine busy (of ${r.cpu.cores} cores) / node process / event loop`,
      value: `${fmtPct(r.cpu.machineBusy)} / ${r.cpu.nodeCores.toFixed(2)} / ${fmtPct(r.cpu.eventLoopUtilization)}`,
      target: 'node in cores; event loop utilisation',
    },
    {
      figure: `   stored before bootstrap completed (timed from the first store then)`,
      value: count(r.storedBeforeBootstrap),
    },
  ];
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
