import type { Sweep } from '../phases/latency-sweep';
import { fmtMs, fmtPct, fmtRate, max, percentile, renderGrid, verdict, type TableRow } from './bench-stats';

export interface LatencyTargets {
  /** The sweep fraction the targets apply to. */
  fraction: number;
  p50MaxMs: number;
  p99MaxMs: number;
}

const pct = (fraction: number) => `${Math.round(fraction * 100)}%`;
/** The share of the offered rate a run must reach for its latency to count. */
const MIN_ACHIEVED = 0.95;
const ms = (samples: number[]) =>
  `${percentile(samples, 50).toFixed(1)} / ${percentile(samples, 99).toFixed(1)}`;
const per = (n: number, messages: number) => (n / Math.max(1, messages)).toFixed(2);

/** Rows of the main table: each rate's p50 / p99 / max, and verdicts at the targets' fraction. */
export function sweepRows(sweep: Sweep, targets: LatencyTargets): TableRow[] {
  const rows: TableRow[] = [{ figure: `   ${sweep.position}`, value: '' }];
  for (const { fraction, result } of sweep.points) {
    const p50 = percentile(result.latencies, 50);
    const p99 = percentile(result.latencies, 99);
    const problems = [
      result.errors > 0 ? `${result.errors} writes failed` : '',
      result.relayFailures > 0 ? `${result.relayFailures} relay publish failures` : '',
    ].filter(Boolean);
    const head = `     ${pct(fraction)} of B = ${fmtRate(result.rate)} offered, ${fmtRate(result.achievedRate)} achieved`;
    if (fraction !== targets.fraction) {
      rows.push({
        figure: `${head}, p50 / p99 / max`,
        value: `${fmtMs(p50)} / ${fmtMs(p99)} / ${fmtMs(max(result.latencies))}`,
        target: problems.join(', '),
      });
      continue;
    }
    rows.push(
      { figure: head, value: '', target: problems.join(', ') },
      {
        // A latency measured below the offered rate says nothing about that rate.
        figure: '       rate achieved',
        value: fmtPct(result.achievedRate / result.rate),
        target: `>= ${fmtPct(MIN_ACHIEVED)} of offered`,
        verdict: verdict(result.achievedRate >= MIN_ACHIEVED * result.rate),
      },
      {
        figure: '       p50',
        value: fmtMs(p50),
        target: `<= ${targets.p50MaxMs} ms`,
        verdict: verdict(p50 <= targets.p50MaxMs),
      },
      {
        figure: '       p99',
        value: fmtMs(p99),
        target: `<= ${targets.p99MaxMs} ms`,
        verdict: verdict(p99 <= targets.p99MaxMs),
      },
      { figure: '       max', value: fmtMs(max(result.latencies)) },
    );
  }
  return rows;
}

/**
 * A second table, one column per sweep point: where each message's time went (p50 / p99
 * of each step) and what the relay and the server did per message meanwhile.
 */
export function whereTimeGoes(sweeps: readonly Sweep[]): string {
  const points = sweeps.flatMap((s) => s.points.map((p) => ({ position: s.position, ...p })));
  const header = ['per message (p50 / p99 in ms)', ...points.map((p) => `${p.position} ${pct(p.fraction)}`)];
  const row = (label: string, cell: (p: (typeof points)[number]) => string) => [label, ...points.map(cell)];
  const grid = [
    row('msg/s offered', (p) => String(p.result.rate)),
    row('producer tx, pool wait incl.', (p) => ms(p.result.txMs)),
    row('commit -> arrival', (p) => ms(p.result.latencies)),
    // Below zero where the relay's commit hook started the publish before the writer's
    // await resumed and stamped its commit.
    row('  commit -> its publish begins', (p) => ms(p.result.steps.wake)),
    row('    of it, the claim statement', (p) =>
      p.result.steps.claim.length > 0 ? ms(p.result.steps.claim) : 'none: stored claimed',
    ),
    row('  publish begins -> broker confirmed', (p) => ms(p.result.steps.publish)),
    row('  confirmed -> consumer has it', (p) => ms(p.result.steps.deliver)),
    row('relay claims per msg', (p) => per(p.result.relay.claims, p.result.sent)),
    row('  of them empty, per msg', (p) => per(p.result.relay.emptyClaims, p.result.sent)),
    row('  by committed seqs, per msg', (p) => per(p.result.relay.hintedClaims, p.result.sent)),
    row('relay deletes per msg', (p) => per(p.result.relay.deletes, p.result.sent)),
    row('rows per non-empty claim', (p) => {
      const claims = p.result.relay.claims - p.result.relay.emptyClaims;
      return claims > 0 ? per(p.result.relay.claimedRows, claims) : 'no claim';
    }),
    row(
      'claim / delete call ms p99',
      (p) => `${p99Cell(p.result.relay.claimMs)} / ${p99Cell(p.result.relay.deleteMs)}`,
    ),
    row(
      'pool: waiting for a conn, mean / max',
      (p) => `${p.result.relay.poolWaitingMean.toFixed(2)} / ${p.result.relay.poolWaitingMax}`,
    ),
    row('machine CPU busy', (p) => `${Math.round(p.result.cpu.machineBusy * 100)}%`),
    row('CPU ms/msg: node, all pg, all rabbit', (p) => {
      const { cpu, achievedRate } = p.result;
      const each = (cores: number) => ((cores * 1000) / achievedRate).toFixed(2);
      return `${each(cpu.nodeCores)} / ${each(cpu.postgresCores)} / ${each(cpu.brokerCores)}`;
    }),
    row(
      'event-loop delay ms, p99 / max',
      (p) => `${p.result.loopDelayP99.toFixed(1)} / ${p.result.loopDelayMax.toFixed(1)}`,
    ),
    row('db commits per msg (whole db)', (p) => per(p.result.db.commits, p.result.phaseMessages)),
    row('WAL fsyncs per msg (server)', (p) => per(p.result.db.walSyncs, p.result.phaseMessages)),
    row('WAL kB per msg (server)', (p) => per(p.result.db.walBytes / 1024, p.result.phaseMessages)),
    row('WAL full-page images per msg', (p) => per(p.result.db.walFullPages, p.result.phaseMessages)),
    row('buffers written by backends per msg', (p) =>
      per(p.result.db.backendBufferWrites, p.result.phaseMessages),
    ),
    row(
      'autovacuum workers, mean / max',
      (p) => `${p.result.db.autovacuumMean.toFixed(2)} / ${p.result.db.autovacuumMax}`,
    ),
    row(
      'checkpoints (buffers written)',
      (p) => `${p.result.db.checkpoints} (${p.result.db.checkpointBuffers})`,
    ),
  ];
  return renderGrid(header, grid);
}

/** A p99 for a cell; a dash where there was no such call. */
function p99Cell(samples: number[]): string {
  return samples.length > 0 ? percentile(samples, 99).toFixed(1) : '-';
}
