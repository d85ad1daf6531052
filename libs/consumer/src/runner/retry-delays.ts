import type { ConsumerRunnerOptions } from '../interfaces/consumer-runner-options.interface';
import { DEFAULT_MAX_ATTEMPTS, retryBackoffOf } from './consumer-runner-options.resolver';

/** The delays one retry's backoff can choose from, in milliseconds. */
export interface RetryDelayRange {
  minMs: number;
  maxMs: number;
}

/**
 * The delays a runner with these options can wait before a retry, one range per retry
 * (after attempt 1, 2, … up to `maxAttempts - 1`), stopping where they no longer grow.
 * A processor's own `Outcome.requeue(reason, delayMs)` is not among them. A transport that
 * keeps retries in a queue per delay uses this to know which of those queues a consumer
 * may have, including ones another replica declared.
 */
export function backoffDelayRanges(
  options: Pick<ConsumerRunnerOptions, 'maxAttempts' | 'retryBackoff'> = {},
): RetryDelayRange[] {
  const backoff = retryBackoffOf(options);
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const ranges: RetryDelayRange[] = [];
  for (let attempt = 1; attempt < maxAttempts; attempt++) {
    // BackoffPolicy.delayAfter: round(base * (1 - jitter) + base * jitter * random()).
    const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** (attempt - 1));
    const range = { minMs: Math.round(base * (1 - backoff.jitter)), maxMs: Math.round(base) };
    const last = ranges.at(-1);
    if (last && last.minMs === range.minMs && last.maxMs === range.maxMs) break;
    ranges.push(range);
  }
  return ranges;
}
