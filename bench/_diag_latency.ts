import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { OutboxRelay } from '@courier/outbox';
import { BenchContext } from './support/bench-context';
import { measureCommitLatency } from './phases/commit-latency';
import { percentile } from './support/bench-stats';

// Patch the relay prototype to log batch outcomes.
const log: Array<{ t: number; claimed: number; published: number; failed: number; unsent: number; ms: number; err?: string }> = [];
const orig = OutboxRelay.prototype.pumpOnce;
OutboxRelay.prototype.pumpOnce = async function (this: OutboxRelay) {
  const t = performance.now();
  const r = await orig.call(this);
  if (r.claimed > 0) log.push({ t, claimed: r.claimed, published: r.published, failed: r.failed, unsent: r.unsent, ms: r.durationMs, err: r.outcomes.find((o) => o.error)?.error });
  return r;
};

async function main() {
  const ctx = await BenchContext.open();
  try {
    const res = await measureCommitLatency(ctx, Number(process.env.RATE ?? 1000), 10_000);
    const l = res.latencies;
    console.log('sent', res.sent, 'rate', res.achievedRate.toFixed(0), 'p50', percentile(l, 50).toFixed(2), 'p90', percentile(l, 90).toFixed(2), 'p99', percentile(l, 99).toFixed(2));
    const hist = new Map<number, number>();
    for (const v of l) { const b = v < 5 ? Math.floor(v) : v < 50 ? 10 * Math.floor(v / 10) : 100 * Math.floor(v / 100); hist.set(b, (hist.get(b) ?? 0) + 1); }
    console.log([...hist].sort((a, b) => a[0] - b[0]));
    const bad = log.filter((b) => b.failed || b.unsent);
    console.log('batches', log.length, 'with failed/unsent', bad.length, bad.slice(0, 5));
    const sizes = log.map((b) => b.claimed);
    console.log('claimed per batch p50', percentile(sizes, 50), 'max', Math.max(...sizes), 'batch ms p50', percentile(log.map((b) => b.ms), 50).toFixed(2), 'p99', percentile(log.map((b) => b.ms), 99).toFixed(2));
  } finally {
    await ctx.cleanup();
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
