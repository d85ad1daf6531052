import type { BenchContext } from '../support/bench-context';
import { fmtRate, percentile } from '../support/bench-stats';
import { measureCommitLatency, type LatencyResult } from './commit-latency';

/** One rate of a sweep: a fraction of the raw INSERT-commit ceiling (B) measured in the same run. */
export interface SweepPoint {
  fraction: number;
  result: LatencyResult;
}

export interface Sweep {
  /** Where in the run it was measured, e.g. 'quiet start'. */
  position: string;
  points: SweepPoint[];
}

/**
 * Commit → publish latency at each of `fractions` × `ceilingB` msg/s (one transaction,
 * one message each), every rate on a fresh outbox app and schema, lowest rate first.
 */
export async function measureLatencySweep(
  context: BenchContext,
  position: string,
  ceilingB: number,
  fractions: readonly number[],
  durationMs: number,
): Promise<Sweep> {
  const points: SweepPoint[] = [];
  for (const fraction of fractions) {
    const rate = Math.max(1, Math.round(ceilingB * fraction));
    const label = `commit -> publish, ${position}, ${Math.round(fraction * 100)}% of B = ${fmtRate(rate)}`;
    context.note(`${label} for ${durationMs / 1000} s`);
    const result = await measureCommitLatency(context, rate, durationMs);
    context.note(
      `${label}: achieved ${fmtRate(result.achievedRate)}, p50 ${percentile(result.latencies, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(result.latencies, 99).toFixed(2)} ms, ${result.relay.claims} claims ` +
        `(${result.relay.emptyClaims} empty), ${result.relay.deletes} deletes, write errors ${result.errors}`,
    );
    points.push({ fraction, result });
  }
  return { position, points };
}
