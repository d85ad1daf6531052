import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

export interface OpenLoopResult {
  /** Wall time from the first start to the last commit, ms. */
  ms: number;
  errors: number;
  /** ms per write, from its scheduled start to its commit: waiting for a pooled connection included. */
  txMs: number[];
}

/**
 * Starts write i at i/rate seconds whether or not earlier ones have finished (open
 * loop: a slow commit does not slow the offered load), and records `clock()` just
 * after each write resolved (committed) under the id it returned.
 */
export async function runOpenLoop(
  rate: number,
  total: number,
  write: (seq: number) => Promise<string>,
  commits: Map<string, number>,
  clock: () => number = () => performance.now(),
): Promise<OpenLoopResult> {
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const txMs: number[] = [];
  const writeOne = async (seq: number) => {
    const started = performance.now();
    try {
      const id = await write(seq);
      commits.set(id, clock());
      txMs.push(performance.now() - started);
    } catch {
      errors++;
    }
  };
  const started = performance.now();
  let launched = 0;
  while (launched < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (launched < due) {
      const write = writeOne(launched++).finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    // Pacing tick, not a wait for a condition.
    if (launched < total) await delay(1);
  }
  await Promise.all(inFlight);
  return { ms: performance.now() - started, errors, txMs };
}
