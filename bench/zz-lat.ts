import 'reflect-metadata';
import { measureCommitLatency } from './phases/commit-latency';
import { BenchContext } from './support/bench-context';
import { percentile } from './support/bench-stats';

async function main() {
  const context = await BenchContext.open();
  const rate = Number(process.env.RATE ?? 1900);
  try {
    const r = await measureCommitLatency(context, rate, Number(process.env.MS ?? 8000));
    console.log(
      `rate ${rate} achieved ${r.achievedRate.toFixed(0)} p50 ${percentile(r.latencies, 50).toFixed(2)} p99 ${percentile(r.latencies, 99).toFixed(2)} txMs p50 ${percentile(r.txMs, 50).toFixed(2)}`,
    );
  } finally {
    await context.cleanup();
  }
}
void main();
